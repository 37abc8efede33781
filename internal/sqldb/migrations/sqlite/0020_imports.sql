-- Imports of people from CSV or XLSX files. An import is a batch with its
-- declared provenance (origin, detail, legal basis, proof reference); every
-- person it creates points at it (people.import_id), and the consent events
-- it records carry its public id as their source. Rows are written in
-- transactions that also move the checkpoint (line), so a crash leaves
-- whole rows only and the import resumes after the last committed line.
CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    file_name     TEXT NOT NULL DEFAULT '',
    file_path     TEXT NOT NULL DEFAULT '',
    format        TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
    encoding      TEXT NOT NULL DEFAULT '',
    separator     TEXT NOT NULL DEFAULT '',
    mapping       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(mapping)),
    options       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
    total_rows    BIGINT NOT NULL DEFAULT 0,
    line          BIGINT NOT NULL DEFAULT 0,
    rows_done     BIGINT NOT NULL DEFAULT 0,
    created       BIGINT NOT NULL DEFAULT 0,
    updated       BIGINT NOT NULL DEFAULT 0,
    skipped       BIGINT NOT NULL DEFAULT 0,
    review        BIGINT NOT NULL DEFAULT 0,
    invalid       BIGINT NOT NULL DEFAULT 0,
    suppressed    BIGINT NOT NULL DEFAULT 0,
    events        BIGINT NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_kind    TEXT NOT NULL DEFAULT '',
    actor_id      TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    finished_at   BIGINT
);
CREATE INDEX imports_workspace ON imports (workspace_id, created_at);
CREATE INDEX imports_status ON imports (status);

-- The rows an import could not take, with the line, the column and the
-- reason (never the value): the downloadable report.
CREATE TABLE import_problems (
    id         INTEGER PRIMARY KEY,
    import_id  INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    line       BIGINT NOT NULL,
    col        TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL CHECK (kind IN ('invalid', 'duplicate', 'suppressed', 'skipped', 'review')),
    reason     TEXT NOT NULL
);
CREATE INDEX import_problems_import ON import_problems (import_id, line);

-- Rows that matched an existing person under the "review" policy: kept
-- apart (the email index is unique) until someone merges or drops them.
CREATE TABLE import_reviews (
    id           INTEGER PRIMARY KEY,
    import_id    INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    line         BIGINT NOT NULL,
    person_id    INTEGER REFERENCES people (id) ON DELETE CASCADE,
    data         TEXT NOT NULL CHECK (json_valid(data)),
    created_at   BIGINT NOT NULL
);
CREATE INDEX import_reviews_import ON import_reviews (import_id, line);

-- Column mappings saved for reuse, per workspace.
CREATE TABLE import_mappings (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    columns      TEXT NOT NULL CHECK (json_valid(columns)),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, name)
);

ALTER TABLE people ADD COLUMN import_id BIGINT;
