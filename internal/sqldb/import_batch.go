package sqldb

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/workspace"
)

// WriteBatch writes a batch of an import in one transaction (see
// importer.Store): lookups by email, phone, suppression hash and
// organisation name are one query per 900 keys, and new people, their
// emails, phones, consent events and projections are multi-row INSERTs.
// The consent events of the batch take the workspace's chain head once.
func (s ImportStore) WriteBatch(ctx context.Context, imp *importer.Import, b *importer.Batch) error {
	key, err := suppressionKey(ctx, s.DB, imp.WorkspaceID)
	if err != nil {
		return err
	}
	policy, err := WorkspaceStore(s).SuppressionPolicy(ctx, imp.WorkspaceID)
	if err != nil {
		return err
	}
	if err := prepareImportStatements(ctx, s.DB); err != nil {
		return err
	}
	var delta importer.Counts
	err = s.DB.InTx(ctx, func(tx *Tx) error {
		// A cancellation committed before this batch began stops the
		// import here; one that lands while it runs takes the next.
		var cancel bool
		if err := tx.QueryRow(ctx, `SELECT cancel_requested FROM imports WHERE id = $1`, imp.ID).Scan(&cancel); err != nil {
			return fmt.Errorf("read import: %w", err)
		}
		if cancel {
			return importer.ErrCancelled
		}
		w := &batchWriter{tx: tx, imp: imp, key: key, flagPolicy: policy == workspace.SuppressionFlag,
			now: time.Now().UTC(), actor: audit.ActorFrom(ctx)}
		if err := w.write(ctx, b); err != nil {
			return err
		}
		delta = w.delta
		return w.checkpoint(ctx, b)
	})
	if err != nil {
		return err
	}
	before := imp.Counts.Created + imp.Counts.Updated
	imp.Counts.Add(delta)
	imp.Line = b.LastLine
	if s.DB.Engine == Postgres && crossesAnalyzeMark(before, imp.Counts.Created+imp.Counts.Updated) {
		// Best effort: the batch is committed, and a refresh that fails
		// (a lock timeout, a role that does not own the tables) only
		// leaves the planner with older statistics.
		if err := analyzeImportTables(ctx, s.DB); err != nil {
			slog.WarnContext(ctx, "import: statistics not refreshed", "import", imp.PublicID, "err", err)
		}
	}
	return nil
}

// crossesAnalyzeMark tells whether an import that had written before rows
// and now has after passed one of the marks 10,000, 40,000, 160,000…
// (four times the last): a handful of ANALYZEs however large the file.
func crossesAnalyzeMark(before, after int64) bool {
	for mark := int64(10_000); mark <= after; mark *= 4 {
		if before < mark {
			return true
		}
	}
	return false
}

// analyzeImportTables refreshes PostgreSQL's statistics of the tables an
// import fills. Autovacuum would get there, but only after the burst: until
// then the planner prices statements on tables that were nearly empty and
// can pick plans that read a whole growing table per row.
func analyzeImportTables(ctx context.Context, db *DB) error {
	if _, err := db.Exec(ctx, `ANALYZE people, person_emails, person_phones, consent_events, consent_states, organisations`); err != nil {
		return fmt.Errorf("refresh statistics: %w", err)
	}
	return nil
}

// existingPerson is a person an email or phone of the batch belongs to.
type existingPerson struct {
	id       int64
	publicID string
	importID int64
}

// pending is a valid row on its way to the database.
type pending struct {
	r          *importer.Record
	hashes     []consent.Suppression
	publicID   string // drawn ahead for a new person ("": draw it then)
	custom     string // the custom values encoded ahead ("": encode them then)
	existing   existingPerson
	created    existingPerson // the ids insertPeople gave the new person
	suppressed bool           // flagged under the "flag" policy
	orgID      int64
	grants     []string
	flags      []consent.Flag
}

type batchWriter struct {
	tx         *Tx
	imp        *importer.Import
	key        []byte
	flagPolicy bool
	now        time.Time
	actor      audit.Actor
	bits       map[string]int64
	proofNote  string // the note of the grants the file declares

	delta    importer.Counts
	problems []importer.Problem
	inserts  []*pending
	updates  []*pending
	reviews  []*pending
}

func (w *batchWriter) ws() int64 { return w.imp.WorkspaceID }

func (w *batchWriter) write(ctx context.Context, b *importer.Batch) error {
	w.delta.Rows = b.Rows
	w.problems = append(w.problems, b.Problems...)
	lines := map[int64]bool{}
	for _, p := range b.Problems {
		lines[p.Line] = true
	}
	w.delta.Invalid = int64(len(lines))
	var err error
	if w.bits, err = purposeBits(ctx, w.tx, w.ws()); err != nil {
		return err
	}
	pb, err := w.prepared(b)
	if err != nil {
		return err
	}
	all := make([]*pending, len(b.Records))
	for i, r := range b.Records {
		pr := &pb.rows[i]
		all[i] = &pending{r: r, hashes: pr.hashes, publicID: pr.publicID, custom: pr.custom}
	}
	byEmail, byPhone, err := w.lookup(ctx, all)
	if err != nil {
		return err
	}
	onList, err := w.suppressedHashes(ctx, all)
	if err != nil {
		return err
	}
	w.classify(all, byEmail, byPhone, onList)
	for _, step := range []func(context.Context) error{w.resolveOrgs, w.insertPeople, w.updatePeople, w.insertReviews, w.insertProblems} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// lookup finds the people who already have the batch's emails, and the
// phones of rows without an email.
func (w *batchWriter) lookup(ctx context.Context, all []*pending) (map[string]existingPerson, map[string]existingPerson, error) {
	var emails, phones []string
	for _, p := range all {
		if len(p.r.Person.Emails) > 0 {
			emails = append(emails, p.r.Person.Emails[0].Norm)
		} else {
			phones = append(phones, p.r.Person.Phones[0].E164)
		}
	}
	// Two single-table reads rather than a join: each key is one probe of
	// a unique or ordered index whatever the planner thinks of tables that
	// grow under it during the import (on PostgreSQL, a join planned on
	// stale statistics scanned people once per key), and the common case, a
	// new address, stops at the first.
	owners := func(q string, keys []string) (map[string]int64, error) {
		out := map[string]int64{}
		err := inList(ctx, w.tx, q, []any{w.ws()}, keys, func(row interface{ Scan(...any) error }) error {
			var k string
			var id int64
			if err := row.Scan(&k, &id); err != nil {
				return err
			}
			if old, ok := out[k]; !ok || id < old {
				out[k] = id
			}
			return nil
		})
		return out, err
	}
	byEmailID, err := owners(`SELECT email_norm, person_id FROM person_emails WHERE workspace_id = $1 AND email_norm IN (…)`, emails)
	if err != nil {
		return nil, nil, fmt.Errorf("look up emails: %w", err)
	}
	byPhoneID, err := owners(`SELECT e164, person_id FROM person_phones WHERE workspace_id = $1 AND e164 IN (…)`, phones)
	if err != nil {
		return nil, nil, fmt.Errorf("look up phones: %w", err)
	}
	people, err := w.existing(ctx, byEmailID, byPhoneID)
	if err != nil {
		return nil, nil, err
	}
	resolve := func(ids map[string]int64) map[string]existingPerson {
		out := make(map[string]existingPerson, len(ids))
		for k, id := range ids {
			if e, ok := people[id]; ok {
				out[k] = e
			}
		}
		return out
	}
	return resolve(byEmailID), resolve(byPhoneID), nil
}

// existing reads the people the batch's addresses belong to.
func (w *batchWriter) existing(ctx context.Context, owners ...map[string]int64) (map[int64]existingPerson, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, m := range owners {
		for _, id := range m {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	out := make(map[int64]existingPerson, len(ids))
	err := inList(ctx, w.tx, `SELECT id, public_id, COALESCE(import_id, 0) FROM people WHERE workspace_id = $1 AND id IN (…)`,
		[]any{w.ws()}, ids, func(row interface{ Scan(...any) error }) error {
			var e existingPerson
			if err := row.Scan(&e.id, &e.publicID, &e.importID); err != nil {
				return err
			}
			out[e.id] = e
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read the people already known: %w", err)
	}
	return out, nil
}

// suppressedHashes returns the hashes of the batch's addresses that are on
// the suppression list.
func (w *batchWriter) suppressedHashes(ctx context.Context, all []*pending) (map[string]bool, error) {
	byKind := map[consent.SuppressionKind][]string{}
	for _, p := range all {
		for _, h := range p.hashes {
			byKind[h.Kind] = append(byKind[h.Kind], h.Hash)
		}
	}
	out := map[string]bool{}
	for kind, hashes := range byKind {
		listed, whole, err := w.shortSuppressionList(ctx, kind, len(hashes))
		if err != nil {
			return nil, err
		}
		if whole {
			for _, h := range hashes {
				if listed[h] {
					out[h] = true
				}
			}
			continue
		}
		err = inList(ctx, w.tx, `SELECT hash FROM suppressions WHERE workspace_id = $1 AND kind = $2 AND hash IN (…)`,
			[]any{w.ws(), string(kind)}, hashes, func(row interface{ Scan(...any) error }) error {
				var h string
				if err := row.Scan(&h); err != nil {
					return err
				}
				out[h] = true
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("check the suppression list: %w", err)
		}
	}
	return out, nil
}

// shortSuppressionList reads the workspace's list of one kind when it has
// no more than n entries (whole reports that it does): reading a short
// list costs less than looking up each of the batch's n addresses in it
// (a million-row import into a workspace whose list was empty spent 3 %
// of its time on lookups that found nothing).
func (w *batchWriter) shortSuppressionList(ctx context.Context, kind consent.SuppressionKind, n int) (listed map[string]bool, whole bool, err error) {
	rows, err := w.tx.Query(ctx, `SELECT hash FROM suppressions WHERE workspace_id = $1 AND kind = $2 LIMIT $3`,
		w.ws(), string(kind), n+1)
	if err != nil {
		return nil, false, fmt.Errorf("read the suppression list: %w", err)
	}
	defer rows.Close()
	listed = map[string]bool{}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, false, fmt.Errorf("read the suppression list: %w", err)
		}
		listed[h] = true
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("read the suppression list: %w", err)
	}
	return listed, len(listed) <= n, nil
}

// classify decides each row's fate: duplicate within the file, refused
// or flagged for the suppression list, new, or matching an existing person
// (then the import's policy: update, skip or review).
func (w *batchWriter) classify(all []*pending, byEmail, byPhone map[string]existingPerson, onList map[string]bool) {
	seen := map[string]int64{}
	for _, p := range all {
		r := p.r
		key, col, what, ex, found := dedupeKey(r, byEmail, byPhone)
		if line, dup := seen[key]; dup {
			w.problem(r.Line, col, importer.KindDuplicate, fmt.Sprintf("the same %s as line %d: this row was not imported", what, line))
			w.delta.Skipped++
			continue
		}
		seen[key] = r.Line
		if hit := suppressedHash(p.hashes, onList); hit != "" {
			if !w.flagPolicy {
				w.problem(r.Line, hit, importer.KindSuppressed, "this address is on the suppression list (the person objected or was erased): not imported")
				w.delta.Suppressed++
				continue
			}
			p.suppressed = true
			w.delta.Suppressed++
		}
		switch {
		case !found:
			w.inserts = append(w.inserts, p)
		case ex.importID == w.imp.ID:
			w.problem(r.Line, col, importer.KindDuplicate, "the same "+what+" as an earlier line of this file: this row was not imported")
			w.delta.Skipped++
		case w.imp.Options.Dedupe == importer.DedupeUpdate:
			p.existing = ex
			w.updates = append(w.updates, p)
		case w.imp.Options.Dedupe == importer.DedupeReview:
			p.existing = ex
			w.reviews = append(w.reviews, p)
			w.problem(r.Line, col, importer.KindReview, "matches an existing person: kept for review")
		default:
			w.delta.Skipped++
		}
	}
}

func dedupeKey(r *importer.Record, byEmail, byPhone map[string]existingPerson) (key, col, what string, ex existingPerson, found bool) {
	if len(r.Person.Emails) > 0 {
		n := r.Person.Emails[0].Norm
		ex, found = byEmail[n]
		return "e:" + n, importer.FieldEmail, "email address", ex, found
	}
	n := r.Person.Phones[0].E164
	ex, found = byPhone[n]
	return "p:" + n, importer.FieldPhone, "phone number", ex, found
}

func suppressedHash(hashes []consent.Suppression, onList map[string]bool) string {
	for _, h := range hashes {
		if onList[h.Hash] {
			if h.Kind == consent.SuppressPhone {
				return importer.FieldPhone
			}
			return importer.FieldEmail
		}
	}
	return ""
}

func (w *batchWriter) problem(line int64, target, kind, reason string) {
	w.problems = append(w.problems, importer.Problem{Line: line, Column: w.columnName(target), Kind: kind, Reason: reason})
}

// columnName returns the file's header of the column mapped to target.
func (w *batchWriter) columnName(target string) string {
	for i, t := range w.imp.Mapping {
		if t == target || (target == importer.FieldPhone && t == importer.FieldMobile) {
			if i < len(w.imp.Header) {
				return w.imp.Header[i]
			}
		}
	}
	return ""
}

// resolveOrgs finds the organisations named by the batch's rows, by folded
// name, and creates those that do not exist yet.
func (w *batchWriter) resolveOrgs(ctx context.Context) error {
	names := map[string]string{} // folded → as written first
	var keys []string
	for _, list := range [][]*pending{w.inserts, w.updates} {
		for _, p := range list {
			if p.r.Organisation == "" {
				continue
			}
			k := p.r.OrganisationKey
			if _, ok := names[k]; !ok {
				names[k] = p.r.Organisation
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return nil
	}
	ids := map[string]int64{}
	scan := func(row interface{ Scan(...any) error }) error {
		var k string
		var id int64
		if err := row.Scan(&k, &id); err != nil {
			return err
		}
		ids[k] = id
		return nil
	}
	if err := inList(ctx, w.tx, `SELECT name_norm, MIN(id) FROM organisations WHERE workspace_id = $1
		AND name_norm IN (…) GROUP BY name_norm`, []any{w.ws()}, keys, scan); err != nil {
		return fmt.Errorf("look up organisations: %w", err)
	}
	ins := newMultiRow("organisations", "public_id, workspace_id, name, name_norm, kind, status, created_at, updated_at",
		" RETURNING name_norm, id")
	for _, k := range keys {
		if _, ok := ids[k]; !ok {
			ins.add(crm.NewPublicID(), w.ws(), names[k], k, string(crm.B2B), string(crm.StatusProspect), w.now.UnixMicro(), w.now.UnixMicro())
		}
	}
	if err := ins.exec(ctx, w.tx, scan); err != nil {
		return fmt.Errorf("create organisations: %w", err)
	}
	for _, list := range [][]*pending{w.inserts, w.updates} {
		for _, p := range list {
			if p.r.Organisation != "" {
				p.orgID = ids[p.r.OrganisationKey]
			}
		}
	}
	return nil
}

func (w *batchWriter) insertProblems(ctx context.Context) error {
	if len(w.problems) == 0 {
		return nil
	}
	m := newMultiRow("import_problems", "import_id, line, col, kind, reason", "")
	for _, p := range w.problems {
		m.add(w.imp.ID, p.Line, p.Column, p.Kind, p.Reason)
	}
	return m.exec(ctx, w.tx, nil)
}

// checkpoint moves the import's line and counts with the batch.
func (w *batchWriter) checkpoint(ctx context.Context, b *importer.Batch) error {
	d := w.delta
	_, err := w.tx.Exec(ctx, `UPDATE imports SET line = $2, rows_done = rows_done + $3, created = created + $4,
		updated = updated + $5, skipped = skipped + $6, review = review + $7, invalid = invalid + $8,
		suppressed = suppressed + $9, events = events + $10, updated_at = $11 WHERE id = $1`,
		w.imp.ID, b.LastLine, d.Rows, d.Created, d.Updated, d.Skipped, d.Review, d.Invalid, d.Suppressed, d.Events,
		w.now.UnixMicro())
	if err != nil {
		return fmt.Errorf("import checkpoint: %w", err)
	}
	return nil
}
