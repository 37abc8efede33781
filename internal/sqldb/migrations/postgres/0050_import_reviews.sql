-- Rows held for review are resolved one by one or all at once: the
-- existing person updated with the file's values, a separate person
-- created, or the row discarded. The decision, when and by whom are kept;
-- the held values are cleared once the row is resolved (they are then in
-- the person, or were not wanted). The conditional update on resolved_at
-- makes a second or concurrent resolution a no-op.
ALTER TABLE import_reviews ADD COLUMN resolution TEXT NOT NULL DEFAULT ''
    CHECK (resolution IN ('', 'update', 'create', 'discard'));
ALTER TABLE import_reviews ADD COLUMN resolved_at BIGINT;
ALTER TABLE import_reviews ADD COLUMN resolved_by_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE import_reviews ADD COLUMN resolved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE import_reviews ADD COLUMN resolved_user BIGINT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE import_reviews ADD COLUMN created_person_id BIGINT REFERENCES people (id) ON DELETE SET NULL;
-- A line is held at most once per import; the review screen and the API
-- name a held row by its line and page through them in line order.
DROP INDEX import_reviews_import;
CREATE UNIQUE INDEX import_reviews_line ON import_reviews (import_id, line);

-- A running import is cancelled by asking: the worker reads the flag at the
-- start of each batch and stops there (the batches committed stay).
ALTER TABLE imports ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;
