-- Consent states as bit masks on people (bit = purposes.bit), beside
-- consent_flags: the contact rules predicate then reads one partial
-- covering index instead of joining consent_states for a million people
-- (docs/BENCHMARKS.md). consent_states stays the projection of record; the
-- masks are written in the same transaction (sqldb.project).
ALTER TABLE purposes ADD COLUMN bit SMALLINT NOT NULL DEFAULT 0;
UPDATE purposes SET bit = (SELECT COUNT(*) FROM purposes q WHERE q.workspace_id = purposes.workspace_id AND q.id < purposes.id);
CREATE UNIQUE INDEX purposes_bit ON purposes (workspace_id, bit);

ALTER TABLE people ADD COLUMN consent_granted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN consent_withdrawn BIGINT NOT NULL DEFAULT 0;
UPDATE people SET consent_granted = m.granted, consent_withdrawn = m.withdrawn
FROM (SELECT cs.person_id,
        CAST(SUM(CASE WHEN cs.state = 'granted' THEN CAST(1 AS BIGINT) << pu.bit ELSE 0 END) AS BIGINT) AS granted,
        CAST(SUM(CASE WHEN cs.state = 'withdrawn' THEN CAST(1 AS BIGINT) << pu.bit ELSE 0 END) AS BIGINT) AS withdrawn
    FROM consent_states cs JOIN purposes pu ON pu.workspace_id = cs.workspace_id AND pu.key = cs.purpose
    GROUP BY cs.person_id) m
WHERE people.id = m.person_id;

DROP INDEX people_contact_email;
DROP INDEX people_contact_phone;
DROP INDEX people_contact_postal;
-- No INCLUDE (id): a count needs no column beyond these, and INCLUDE turns
-- off B-tree deduplication, which packs the many equal keys of these
-- low-cardinality columns tenfold (14 MB instead of 144 MB at a million
-- people, docs/BENCHMARKS.md).
CREATE INDEX people_contact_email ON people (workspace_id, consent_flags, consent_granted, consent_withdrawn, soft_opt_in, audience, lifecycle) WHERE email <> '';
CREATE INDEX people_contact_phone ON people (workspace_id, consent_flags, consent_granted, consent_withdrawn, soft_opt_in, audience, lifecycle) WHERE phone <> '';
CREATE INDEX people_contact_postal ON people (workspace_id, consent_flags, consent_granted, consent_withdrawn) WHERE address_line1 <> '' AND postal_code <> '' AND city <> '';
