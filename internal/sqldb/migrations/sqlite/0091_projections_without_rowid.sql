-- The consent projection and the flags are found by their primary key
-- (person, purpose or flag) and by consent_states_purpose, never by a
-- rowid: stored WITHOUT ROWID, the key is the table, and each new row is
-- written into two B-trees instead of three (an import writes one per
-- person). Nothing refers to either table, so they are rebuilt in place.
CREATE TABLE consent_states_new (
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    purpose      TEXT NOT NULL,
    workspace_id INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state = 'none' OR state = 'pending' OR state = 'granted' OR state = 'withdrawn'),
    at           BIGINT NOT NULL,
    event_id     BIGINT NOT NULL,
    PRIMARY KEY (person_id, purpose)
) WITHOUT ROWID;
INSERT INTO consent_states_new (person_id, purpose, workspace_id, state, at, event_id)
    SELECT person_id, purpose, workspace_id, state, at, event_id FROM consent_states;
DROP TABLE consent_states;
ALTER TABLE consent_states_new RENAME TO consent_states;
CREATE INDEX consent_states_purpose ON consent_states (workspace_id, purpose, state, person_id);

CREATE TABLE person_flags_new (
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    flag         TEXT NOT NULL,
    workspace_id INTEGER NOT NULL,
    is_on        BOOLEAN NOT NULL,
    at           BIGINT NOT NULL,
    event_id     BIGINT NOT NULL,
    PRIMARY KEY (person_id, flag)
) WITHOUT ROWID;
INSERT INTO person_flags_new (person_id, flag, workspace_id, is_on, at, event_id)
    SELECT person_id, flag, workspace_id, is_on, at, event_id FROM person_flags;
DROP TABLE person_flags;
ALTER TABLE person_flags_new RENAME TO person_flags;
