-- The outcome of a call, so that the contact rules can count the calls
-- of the last 30 days and honour a refusal during a call (D.223-9: no call
-- for 60 days after it). Empty for every other kind of activity.
ALTER TABLE activities ADD COLUMN outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'reached', 'no_answer', 'refused'));
CREATE INDEX activities_person_kind ON activities (person_id, kind, occurred_at);
