-- Registre core: workspaces, staff, sessions, API tokens, organisations,
-- people, activities, custom fields and the audit log.
-- Timestamps are BIGINT microseconds since the Unix epoch (UTC) in both
-- engines, so that comparisons and arithmetic read the same in one SQL text.

CREATE TABLE workspaces (
    id          INTEGER PRIMARY KEY,
    public_id   TEXT NOT NULL UNIQUE,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    locale      TEXT NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
    settings    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    email         TEXT NOT NULL,
    email_norm    TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    locale        TEXT NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    disabled_at   BIGINT
);

CREATE TABLE memberships (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'marketer', 'sales', 'readonly')),
    is_dpo       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, workspace_id)
);
CREATE INDEX memberships_workspace ON memberships (workspace_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_attempts (
    id      INTEGER PRIMARY KEY,
    key     TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (key, at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'marketer', 'sales', 'readonly')),
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    expires_at   BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_tokens_workspace ON api_tokens (workspace_id);

CREATE TABLE custom_fields (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entity       TEXT NOT NULL CHECK (entity IN ('person', 'organisation')),
    key          TEXT NOT NULL,
    label        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'boolean', 'select')),
    options      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(options)),
    position     INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, entity, key)
);

CREATE TABLE organisations (
    id                  INTEGER PRIMARY KEY,
    public_id           TEXT NOT NULL UNIQUE,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    name_norm           TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('b2b', 'b2c')),
    status              TEXT NOT NULL CHECK (status IN ('suspect', 'prospect', 'customer', 'former_customer', 'partner')),
    registration_number TEXT NOT NULL DEFAULT '',
    website             TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    address_line1       TEXT NOT NULL DEFAULT '',
    address_line2       TEXT NOT NULL DEFAULT '',
    postal_code         TEXT NOT NULL DEFAULT '',
    city                TEXT NOT NULL DEFAULT '',
    country             TEXT NOT NULL DEFAULT '',
    owner_user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    custom              TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(custom)),
    last_interaction_at BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX organisations_name ON organisations (workspace_id, name_norm, id);
CREATE INDEX organisations_status ON organisations (workspace_id, status);
CREATE INDEX organisations_last_interaction ON organisations (workspace_id, last_interaction_at);

CREATE TABLE people (
    id                  INTEGER PRIMARY KEY,
    public_id           TEXT NOT NULL UNIQUE,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    first_name          TEXT NOT NULL DEFAULT '',
    last_name           TEXT NOT NULL DEFAULT '',
    -- sort_key is "last first" and alt_key "first last", lower-cased and
    -- without accents: prefix search and sort by name use them.
    sort_key            TEXT NOT NULL,
    alt_key             TEXT NOT NULL,
    email               TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    job_title           TEXT NOT NULL DEFAULT '',
    organisation_id     INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    lifecycle           TEXT NOT NULL CHECK (lifecycle IN ('lead', 'prospect', 'customer', 'former_customer')),
    audience            TEXT NOT NULL CHECK (audience IN ('b2b', 'b2c')),
    origin              TEXT NOT NULL CHECK (origin IN ('manual', 'web_form', 'import', 'api', 'trade_show', 'purchased_file', 'partner', 'referral', 'event', 'other')),
    origin_detail       TEXT NOT NULL DEFAULT '',
    collected_at        BIGINT NOT NULL,
    address_line1       TEXT NOT NULL DEFAULT '',
    address_line2       TEXT NOT NULL DEFAULT '',
    postal_code         TEXT NOT NULL DEFAULT '',
    city                TEXT NOT NULL DEFAULT '',
    region              TEXT NOT NULL DEFAULT '',
    country             TEXT NOT NULL DEFAULT '',
    owner_user_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    custom              TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(custom)),
    last_interaction_at BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX people_sort ON people (workspace_id, sort_key, id);
-- sort_key is in the index so that a first-name search sorted by name
-- reads no table rows.
CREATE INDEX people_alt ON people (workspace_id, alt_key, sort_key);
CREATE INDEX people_created ON people (workspace_id, created_at, id);
CREATE INDEX people_last_interaction ON people (workspace_id, last_interaction_at, id);
CREATE INDEX people_last_interaction_sort ON people (workspace_id, COALESCE(last_interaction_at, -1), id);
CREATE INDEX people_organisation ON people (organisation_id);

CREATE TABLE person_emails (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    email_norm   TEXT NOT NULL,
    is_primary   BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (workspace_id, email_norm)
);
CREATE INDEX person_emails_person ON person_emails (person_id);

CREATE TABLE person_phones (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    e164         TEXT NOT NULL,
    kind         TEXT NOT NULL DEFAULT 'mobile' CHECK (kind IN ('mobile', 'landline', 'work', 'other')),
    is_primary   BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX person_phones_number ON person_phones (workspace_id, e164);
CREATE INDEX person_phones_person ON person_phones (person_id);

CREATE TABLE activities (
    id                    INTEGER PRIMARY KEY,
    public_id             TEXT NOT NULL UNIQUE,
    workspace_id          INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    person_id             INTEGER REFERENCES people (id) ON DELETE CASCADE,
    organisation_id       INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('note', 'call', 'meeting', 'email', 'form_submission', 'purchase', 'other')),
    occurred_at           BIGINT NOT NULL,
    author_user_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    subject               TEXT NOT NULL DEFAULT '',
    body                  TEXT NOT NULL DEFAULT '',
    counts_as_interaction BOOLEAN NOT NULL,
    created_at            BIGINT NOT NULL,
    CHECK (person_id IS NOT NULL OR organisation_id IS NOT NULL)
);
CREATE INDEX activities_person ON activities (person_id, occurred_at);
CREATE INDEX activities_organisation ON activities (organisation_id, occurred_at);
CREATE INDEX activities_workspace ON activities (workspace_id, occurred_at);

-- The audit log records who did what to which object, never the values.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER REFERENCES workspaces (id) ON DELETE CASCADE,
    at           BIGINT NOT NULL,
    actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('user', 'api_token', 'system', 'cli', 'person')),
    actor_id     TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL DEFAULT '',
    request_id   TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, at);
CREATE INDEX audit_log_object ON audit_log (workspace_id, object_type, object_id);

-- Installation secrets (signing and sealing keys) live in the database so
-- that every process sharing it uses the same keys.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
