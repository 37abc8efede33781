-- SQLite checks "x IN ('a', 'b', 'c')" by building a temporary index of
-- the list, and inside a CHECK constraint it builds it again for every
-- row written: people's ten origins, a ledger event's six actions and a
-- projection's four states took a quarter of a million-row import. The
-- same constraints as comparisons joined by OR cost next to nothing
-- (lists of one or two constants were already compared this way).
--
-- Only the constraints' text changes, and every row already satisfies
-- them, so the tables are not rebuilt: this is SQLite's documented way
-- of changing a CHECK constraint in place (sqlite.org/lang_altertable.html,
-- "making other kinds of table schema changes"). RESET makes this
-- connection read the new text; the table created and dropped at the end
-- moves the schema version, so that every other connection reads it too.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (role IN (''admin'', ''marketer'', ''sales'', ''readonly''))',
        'CHECK (role = ''admin'' OR role = ''marketer'' OR role = ''sales'' OR role = ''readonly'')')
WHERE type = 'table' AND name = 'memberships';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (role IN (''admin'', ''marketer'', ''sales'', ''readonly''))',
        'CHECK (role = ''admin'' OR role = ''marketer'' OR role = ''sales'' OR role = ''readonly'')')
WHERE type = 'table' AND name = 'api_tokens';
UPDATE sqlite_schema SET sql = replace(replace(sql,
        'CHECK (kind IN (''text'', ''number'', ''date'', ''boolean'', ''select''))',
        'CHECK (kind = ''text'' OR kind = ''number'' OR kind = ''date'' OR kind = ''boolean'' OR kind = ''select'')'),
        'CHECK (category IN ('''', ''identity'', ''personal_life'', ''professional_life'', ''economic'', ''connection'', ''location'', ''internet'', ''other''))',
        'CHECK (category = '''' OR category = ''identity'' OR category = ''personal_life'' OR category = ''professional_life'' OR category = ''economic'' OR category = ''connection'' OR category = ''location'' OR category = ''internet'' OR category = ''other'')')
WHERE type = 'table' AND name = 'custom_fields';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (status IN (''suspect'', ''prospect'', ''customer'', ''former_customer'', ''partner''))',
        'CHECK (status = ''suspect'' OR status = ''prospect'' OR status = ''customer'' OR status = ''former_customer'' OR status = ''partner'')')
WHERE type = 'table' AND name = 'organisations';
UPDATE sqlite_schema SET sql = replace(replace(sql,
        'CHECK (lifecycle IN (''lead'', ''prospect'', ''customer'', ''former_customer''))',
        'CHECK (lifecycle = ''lead'' OR lifecycle = ''prospect'' OR lifecycle = ''customer'' OR lifecycle = ''former_customer'')'),
        'CHECK (origin IN (''manual'', ''web_form'', ''import'', ''api'', ''trade_show'', ''purchased_file'', ''partner'', ''referral'', ''event'', ''other''))',
        'CHECK (origin = ''manual'' OR origin = ''web_form'' OR origin = ''import'' OR origin = ''api'' OR origin = ''trade_show'' OR origin = ''purchased_file'' OR origin = ''partner'' OR origin = ''referral'' OR origin = ''event'' OR origin = ''other'')')
WHERE type = 'table' AND name = 'people';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (kind IN (''mobile'', ''landline'', ''work'', ''other''))',
        'CHECK (kind = ''mobile'' OR kind = ''landline'' OR kind = ''work'' OR kind = ''other'')')
WHERE type = 'table' AND name = 'person_phones';
UPDATE sqlite_schema SET sql = replace(replace(sql,
        'CHECK (kind IN (''note'', ''call'', ''meeting'', ''email'', ''form_submission'', ''purchase'', ''other''))',
        'CHECK (kind = ''note'' OR kind = ''call'' OR kind = ''meeting'' OR kind = ''email'' OR kind = ''form_submission'' OR kind = ''purchase'' OR kind = ''other'')'),
        'CHECK (outcome IN ('''', ''reached'', ''no_answer'', ''refused''))',
        'CHECK (outcome = '''' OR outcome = ''reached'' OR outcome = ''no_answer'' OR outcome = ''refused'')')
WHERE type = 'table' AND name = 'activities';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (actor_kind IN (''user'', ''api_token'', ''system'', ''cli'', ''person''))',
        'CHECK (actor_kind = ''user'' OR actor_kind = ''api_token'' OR actor_kind = ''system'' OR actor_kind = ''cli'' OR actor_kind = ''person'')')
WHERE type = 'table' AND name = 'audit_log';
UPDATE sqlite_schema SET sql = replace(replace(sql,
        'CHECK (channel IN ('''', ''email'', ''sms'', ''phone'', ''postal''))',
        'CHECK (channel = '''' OR channel = ''email'' OR channel = ''sms'' OR channel = ''phone'' OR channel = ''postal'')'),
        'CHECK (kind IN (''marketing'', ''profiling'', ''sharing'', ''transactional''))',
        'CHECK (kind = ''marketing'' OR kind = ''profiling'' OR kind = ''sharing'' OR kind = ''transactional'')')
WHERE type = 'table' AND name = 'purposes';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (action IN (''request'', ''confirm'', ''grant'', ''withdraw'', ''set'', ''clear''))',
        'CHECK (action = ''request'' OR action = ''confirm'' OR action = ''grant'' OR action = ''withdraw'' OR action = ''set'' OR action = ''clear'')')
WHERE type = 'table' AND name = 'consent_events';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (state IN (''none'', ''pending'', ''granted'', ''withdrawn''))',
        'CHECK (state = ''none'' OR state = ''pending'' OR state = ''granted'' OR state = ''withdrawn'')')
WHERE type = 'table' AND name = 'consent_states';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (reason IN (''objection'', ''erasure'', ''manual'', ''import''))',
        'CHECK (reason = ''objection'' OR reason = ''erasure'' OR reason = ''manual'' OR reason = ''import'')')
WHERE type = 'table' AND name = 'suppressions';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (status IN (''draft'', ''active'', ''archived''))',
        'CHECK (status = ''draft'' OR status = ''active'' OR status = ''archived'')')
WHERE type = 'table' AND name = 'register_entries';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (status IN (''draft'', ''active'', ''archived''))',
        'CHECK (status = ''draft'' OR status = ''active'' OR status = ''archived'')')
WHERE type = 'table' AND name = 'register_versions';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (status IN (''pending'', ''running'', ''done'', ''failed'', ''cancelled''))',
        'CHECK (status = ''pending'' OR status = ''running'' OR status = ''done'' OR status = ''failed'' OR status = ''cancelled'')')
WHERE type = 'table' AND name = 'imports';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (kind IN (''invalid'', ''duplicate'', ''suppressed'', ''skipped'', ''review''))',
        'CHECK (kind = ''invalid'' OR kind = ''duplicate'' OR kind = ''suppressed'' OR kind = ''skipped'' OR kind = ''review'')')
WHERE type = 'table' AND name = 'import_problems';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (state IN (''queued'', ''running'', ''done'', ''cancelled'', ''failed''))',
        'CHECK (state = ''queued'' OR state = ''running'' OR state = ''done'' OR state = ''cancelled'' OR state = ''failed'')')
WHERE type = 'table' AND name = 'bulk_jobs';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (status IN (''done'', ''pending'', ''confirmed'', ''expired''))',
        'CHECK (status = ''done'' OR status = ''pending'' OR status = ''confirmed'' OR status = ''expired'')')
WHERE type = 'table' AND name = 'form_submissions';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (status IN (''pending'', ''confirmed'', ''expired''))',
        'CHECK (status = ''pending'' OR status = ''confirmed'' OR status = ''expired'')')
WHERE type = 'table' AND name = 'optin_requests';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (status IN (''queued'', ''sent'', ''denied'', ''failed''))',
        'CHECK (status = ''queued'' OR status = ''sent'' OR status = ''denied'' OR status = ''failed'')')
WHERE type = 'table' AND name = 'outbox';
UPDATE sqlite_schema SET sql = replace(sql,
        'CHECK (resolution IN ('''', ''update'', ''create'', ''discard''))',
        'CHECK (resolution = '''' OR resolution = ''update'' OR resolution = ''create'' OR resolution = ''discard'')')
WHERE type = 'table' AND name = 'import_reviews';
PRAGMA writable_schema = RESET;
CREATE TABLE migration_0090_schema_version (x);
DROP TABLE migration_0090_schema_version;
