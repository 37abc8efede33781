-- The email outbox: a message is written in the transaction of the change
-- that causes it, and a sender loop delivers it, asking the contact rules
-- again at the moment it leaves. Nothing is lost if the process stops
-- between the commit and the send.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    person_public_id TEXT NOT NULL DEFAULT '',
    purpose          TEXT NOT NULL DEFAULT '',
    kind             TEXT NOT NULL,
    from_addr        TEXT NOT NULL,
    reply_to         TEXT NOT NULL DEFAULT '',
    to_addr          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    text_body        TEXT NOT NULL,
    html_body        TEXT NOT NULL DEFAULT '',
    message_id       TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'denied', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    claimed_until    BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    done_at          BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_person ON outbox (workspace_id, person_public_id);
