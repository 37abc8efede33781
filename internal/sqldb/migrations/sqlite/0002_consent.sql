-- Consent: purposes, the append-only ledger with its hash chain, and the
-- projection of the current state (consent per purpose, flags per person).

CREATE TABLE purposes (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    label_fr     TEXT NOT NULL,
    label_en     TEXT NOT NULL,
    channel      TEXT NOT NULL DEFAULT '' CHECK (channel IN ('', 'email', 'sms', 'phone', 'postal')),
    kind         TEXT NOT NULL CHECK (kind IN ('marketing', 'profiling', 'sharing', 'transactional')),
    created_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, key)
);

-- person_id has no foreign key on purpose: the ledger outlives the person
-- (erasure pseudonymises events and keeps their skeleton).
CREATE TABLE consent_events (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces (id),
    seq              BIGINT NOT NULL,
    at               BIGINT NOT NULL,
    person_id        BIGINT NOT NULL,
    person_public_id TEXT NOT NULL,
    purpose          TEXT NOT NULL DEFAULT '',
    flag             TEXT NOT NULL DEFAULT '',
    action           TEXT NOT NULL CHECK (action IN ('request', 'confirm', 'grant', 'withdraw', 'set', 'clear')),
    actor_kind       TEXT NOT NULL,
    actor_id         TEXT NOT NULL DEFAULT '',
    legal_basis      TEXT NOT NULL DEFAULT '',
    source_kind      TEXT NOT NULL,
    source_id        TEXT NOT NULL DEFAULT '',
    source_version   TEXT NOT NULL DEFAULT '',
    wording          TEXT NOT NULL DEFAULT '',
    wording_sha256   TEXT NOT NULL DEFAULT '',
    page_url         TEXT NOT NULL DEFAULT '',
    ip               TEXT NOT NULL DEFAULT '',
    user_agent       TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    pii_digest       TEXT NOT NULL,
    pseudonymised    BOOLEAN NOT NULL DEFAULT FALSE,
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL,
    UNIQUE (workspace_id, seq)
);
CREATE INDEX consent_events_person ON consent_events (person_id, seq);

CREATE TABLE consent_chain_heads (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces (id),
    seq          BIGINT NOT NULL,
    hash         TEXT NOT NULL
);

CREATE TABLE consent_states (
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    purpose      TEXT NOT NULL,
    workspace_id INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('none', 'pending', 'granted', 'withdrawn')),
    at           BIGINT NOT NULL,
    event_id     BIGINT NOT NULL,
    PRIMARY KEY (person_id, purpose)
);
-- The contact rules select "the people who granted purpose X" as a set.
CREATE INDEX consent_states_purpose ON consent_states (workspace_id, purpose, state, person_id);

CREATE TABLE person_flags (
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    flag         TEXT NOT NULL,
    workspace_id INTEGER NOT NULL,
    is_on        BOOLEAN NOT NULL,
    at           BIGINT NOT NULL,
    event_id     BIGINT NOT NULL,
    PRIMARY KEY (person_id, flag)
);

-- The flags that are on, as a bit mask (bit i = consent.Flags[i]), so that
-- the contact rules predicate filters a million people without a join.
ALTER TABLE people ADD COLUMN consent_flags BIGINT NOT NULL DEFAULT 0;
-- soft_opt_in: the address was collected during a sale, the person was
-- informed and offered to object (CPCE L.34-5), as declared at collection.
ALTER TABLE people ADD COLUMN soft_opt_in BOOLEAN NOT NULL DEFAULT FALSE;

INSERT INTO purposes (workspace_id, key, label_fr, label_en, channel, kind, created_at)
SELECT w.id, v.column1, v.column2, v.column3, v.column4, v.column5, w.created_at
FROM workspaces w, (VALUES
    ('email_marketing', 'Prospection commerciale par e-mail', 'Email marketing', 'email', 'marketing'),
    ('sms_marketing', 'Prospection commerciale par SMS', 'SMS marketing', 'sms', 'marketing'),
    ('phone_prospecting', 'Prospection téléphonique', 'Phone prospecting', 'phone', 'marketing'),
    ('postal_marketing', 'Prospection par courrier', 'Postal marketing', 'postal', 'marketing'),
    ('profiling', 'Profilage et mesure d''ouverture', 'Profiling and open tracking', '', 'profiling'),
    ('third_party_sharing', 'Transmission à des partenaires', 'Sharing with partners', '', 'sharing'),
    ('transactional', 'Messages de service', 'Service messages', 'email', 'transactional')) v;

-- The ledger is append-only: deleting an event, or changing anything but
-- the personal fields that erasure pseudonymises, is refused by the
-- database itself.
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
CREATE TRIGGER consent_events_no_update BEFORE UPDATE OF id, workspace_id, seq, at, person_id, person_public_id, purpose,
    flag, action, actor_kind, actor_id, legal_basis, source_kind, source_id, source_version, wording, wording_sha256,
    pii_digest, prev_hash, hash ON consent_events
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
