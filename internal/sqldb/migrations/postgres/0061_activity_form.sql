-- The form a form-submission activity came from, so that the timeline can
-- name it as the activity's author rather than "API or import" (an
-- activity of that kind created through the API has none). Activities
-- recorded before this migration are matched with their submission (same
-- person, same instant).
ALTER TABLE activities ADD COLUMN form_id BIGINT REFERENCES forms (id) ON DELETE SET NULL;
UPDATE activities SET form_id = (SELECT s.form_id FROM form_submissions s
    WHERE s.person_id = activities.person_id AND s.at = activities.occurred_at ORDER BY s.id LIMIT 1)
WHERE kind = 'form_submission' AND author_user_id IS NULL AND person_id IS NOT NULL;
-- Deleting a form (with its workspace) sets its activities' form_id to
-- NULL: the index keeps that from reading every activity.
CREATE INDEX activities_form ON activities (form_id) WHERE form_id IS NOT NULL;
