-- The suppression list (liste repoussoir): normalised emails and phone
-- numbers of people who objected to all prospecting or were erased, kept
-- only as HMAC-SHA256 under a per-workspace key (CNIL MED-2023-040).
CREATE TABLE suppressions (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
    hash         TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('objection', 'erasure', 'manual', 'import')),
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, kind, hash)
);
