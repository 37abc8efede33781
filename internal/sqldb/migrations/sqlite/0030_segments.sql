-- Segments (saved live queries), the background jobs of bulk actions on
-- them, and the index that makes the re-opt-in segment's count read one
-- covering index (docs/BENCHMARKS.md).

CREATE TABLE segments (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    tree         TEXT NOT NULL CHECK (json_valid(tree)),
    columns      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(columns)),
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX segments_workspace ON segments (workspace_id, name);

-- A bulk action runs in batches of people in id order; each batch commits
-- its changes together with the new cursor (the last person id done), so
-- that a job resumed after a crash neither repeats nor skips anyone.
-- tree is the segment's criteria as confirmed, kept with the job.
CREATE TABLE bulk_jobs (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    segment_id    INTEGER REFERENCES segments (id) ON DELETE SET NULL,
    action        TEXT NOT NULL,
    params        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
    tree          TEXT NOT NULL CHECK (json_valid(tree)),
    state         TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'cancelled', 'failed')),
    cancel        BOOLEAN NOT NULL DEFAULT FALSE,
    total         BIGINT NOT NULL DEFAULT 0,
    processed     BIGINT NOT NULL DEFAULT 0,
    last_person   BIGINT NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    actor_kind    TEXT NOT NULL,
    actor_id      TEXT NOT NULL DEFAULT '',
    request_id    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    started_at    BIGINT,
    heartbeat_at  BIGINT,
    finished_at   BIGINT
);
CREATE INDEX bulk_jobs_workspace ON bulk_jobs (workspace_id, id);
CREATE INDEX bulk_jobs_state ON bulk_jobs (state, heartbeat_at);

-- The re-opt-in segment reads the organisation, the consent masks and the
-- email of each person: with them all in one index, its count reads no
-- table row.
CREATE INDEX people_segment_org ON people (workspace_id, organisation_id, consent_flags, consent_granted, email);
