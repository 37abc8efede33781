-- The sender claims the oldest due messages many times a second under
-- load. Each message is updated twice (claimed, then sent), and every
-- sent one left an entry in the 'queued' part of outbox_due until a
-- VACUUM: with 47,000 sent messages the claim read 248 index pages for 50
-- rows (2.4-5.6 ms, a fifth of the database time of form submissions).
-- Only queued messages are indexed now, in the claim's order, and
-- autovacuum visits the outbox after 10,000 dead rows whatever its size;
-- the free space kept in each page lets the claim's update stay on its
-- page (its column is in no index).
CREATE INDEX outbox_queued ON outbox (next_attempt_at, id) WHERE status = 'queued';
DROP INDEX outbox_due;
ALTER TABLE outbox SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);
