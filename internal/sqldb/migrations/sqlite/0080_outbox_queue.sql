-- Only queued messages are indexed, in the order the sender claims them
-- (see the PostgreSQL migration of the same number): sent messages no
-- longer lengthen the claim's index.
CREATE INDEX outbox_queued ON outbox (next_attempt_at, id) WHERE status = 'queued';
DROP INDEX outbox_due;
