-- Web forms: a draft definition per form, immutable published versions
-- (with the exact text of every checkbox and notice and its SHA-256), the
-- submissions and every value submitted (the history shown on the person's
-- page), double opt-in requests, and the workspace's form settings
-- (double opt-in email, sender, branding).

CREATE TABLE forms (
    id                 INTEGER PRIMARY KEY,
    public_id          TEXT NOT NULL UNIQUE,
    workspace_id       INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    slug               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    draft              TEXT NOT NULL,
    current_version_id INTEGER,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX forms_workspace ON forms (workspace_id, name);

CREATE TABLE form_versions (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    form_id      INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    definition   TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    UNIQUE (form_id, number)
);

-- A submission belongs to its person: the history goes with them.
CREATE TABLE form_submissions (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT NOT NULL UNIQUE,
    workspace_id   INTEGER NOT NULL,
    form_id        INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    version_id     INTEGER NOT NULL REFERENCES form_versions (id),
    person_id      INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    at             BIGINT NOT NULL,
    page_url       TEXT NOT NULL DEFAULT '',
    created_person BOOLEAN NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('done', 'pending', 'confirmed', 'expired'))
);
CREATE INDEX form_submissions_person ON form_submissions (person_id, at);

CREATE TABLE form_submission_values (
    submission_id INTEGER NOT NULL REFERENCES form_submissions (id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL,
    field         TEXT NOT NULL,
    label         TEXT NOT NULL,
    value         TEXT NOT NULL,
    PRIMARY KEY (submission_id, field)
);

-- A double opt-in (or re-opt-in) request: the token in the link names it
-- by public id; it is used once.
CREATE TABLE optin_requests (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT NOT NULL UNIQUE,
    workspace_id  INTEGER NOT NULL,
    person_id     INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    submission_id INTEGER REFERENCES form_submissions (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('optin', 'reoptin')),
    purposes      TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'expired'))
);
CREATE INDEX optin_requests_due ON optin_requests (status, expires_at);
CREATE INDEX optin_requests_person ON optin_requests (person_id);

CREATE TABLE form_settings (
    workspace_id  INTEGER PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    settings      TEXT NOT NULL,
    updated_at    BIGINT NOT NULL
);
