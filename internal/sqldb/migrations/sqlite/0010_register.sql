-- The register of processing activities (GDPR Art. 30): one row per entry
-- with its current status and version, and every version kept unchanged
-- as a JSON document (register.Activity). Custom fields say which category
-- of personal data they collect, for the register's drift check.

CREATE TABLE register_entries (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    template     TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
    version      INTEGER NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX register_entries_workspace ON register_entries (workspace_id, status);

CREATE TABLE register_versions (
    id           INTEGER PRIMARY KEY,
    entry_id     INTEGER NOT NULL REFERENCES register_entries (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
    activity     TEXT NOT NULL CHECK (json_valid(activity)),
    sha256       TEXT NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    UNIQUE (entry_id, version)
);

-- A version, once written, never changes (deleting a workspace still
-- removes its register through the cascade).
CREATE TRIGGER register_versions_immutable BEFORE UPDATE ON register_versions
BEGIN
    SELECT RAISE(ABORT, 'register versions cannot be changed');
END;

ALTER TABLE custom_fields ADD COLUMN category TEXT NOT NULL DEFAULT ''
    CHECK (category IN ('', 'identity', 'personal_life', 'professional_life', 'economic', 'connection', 'location', 'internet', 'other'));
