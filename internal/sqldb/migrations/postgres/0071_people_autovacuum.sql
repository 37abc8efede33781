-- Index-only scans (the contact counts, segments) read the heap for every
-- page the visibility map does not mark all-visible, that is every page an
-- UPDATE touched since the last VACUUM. The default thresholds wait for
-- 20 % of a table to be dead: a bulk opt-out of 100,000 people in a
-- 1,100,000-person table left 211,000 dead rows, no autovacuum, and the
-- contact count at 700-830 ms instead of 130-145 ms until a VACUUM.
-- people is vacuumed and analysed after 2 % instead (inserts included,
-- which set no visibility bits either).
ALTER TABLE people SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
    autovacuum_vacuum_insert_scale_factor = 0.02);
ALTER TABLE consent_states SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE person_flags SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05);
