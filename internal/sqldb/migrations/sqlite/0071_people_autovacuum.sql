-- PostgreSQL's autovacuum thresholds for people (see the PostgreSQL
-- migration of the same number); SQLite has no visibility map and nothing
-- to tune here.
SELECT 1;
