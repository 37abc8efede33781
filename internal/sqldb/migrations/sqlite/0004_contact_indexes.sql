-- Partial covering indexes for the contact rules predicate: counting the
-- people contactable on a channel reads one of these instead of the whole
-- people table (docs/BENCHMARKS.md). Their WHERE clauses repeat the
-- predicate's conditions word for word (sqldb/contact.go), as SQLite uses a
-- partial index only then.
CREATE INDEX IF NOT EXISTS people_contact_email ON people (workspace_id, audience, lifecycle, soft_opt_in, consent_flags) WHERE email <> '';
CREATE INDEX IF NOT EXISTS people_contact_phone ON people (workspace_id, audience, lifecycle, soft_opt_in, consent_flags) WHERE phone <> '';
CREATE INDEX IF NOT EXISTS people_contact_postal ON people (workspace_id, consent_flags) WHERE address_line1 <> '' AND postal_code <> '' AND city <> '';
CREATE INDEX IF NOT EXISTS consent_states_purpose ON consent_states (workspace_id, purpose, state, person_id);
