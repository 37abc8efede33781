-- SQLite stores its consent projection and flags WITHOUT ROWID (see the
-- SQLite migration of the same number); PostgreSQL tables have no rowid.
SELECT 1;
