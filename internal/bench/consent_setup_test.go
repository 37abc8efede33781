package bench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/demo"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/workspace"
)

// consentAt is the time of the consent states and flags the setup writes.
var consentAt = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// pick is an SQL condition on people that selects about per10000 in
// 10,000 of them, spread by a multiplicative hash of the id; a different
// multiplier per fact keeps the facts roughly independent of each other.
func pick(mult int64, per10000 int) string {
	return fmt.Sprintf("((id * %d) %% 4294967296) %% 10000 < %d", mult, per10000)
}

// purposeMix is the share (per 10,000) of people per audience in each
// consent state of a purpose: granted, pending, withdrawn, stacked in that
// order on one hash.
type purposeMix struct {
	purpose string
	mult    int64
	b2c     [3]int
	b2b     [3]int
}

var purposeMixes = []purposeMix{
	{consent.EmailMarketing, 2654435761, [3]int{3500, 500, 500}, [3]int{0, 0, 1000}},
	{consent.SMSMarketing, 2246822519, [3]int{1500, 0, 300}, [3]int{0, 0, 300}},
	{consent.PhoneProspecting, 3266489917, [3]int{1000, 0, 200}, [3]int{0, 0, 500}},
	{consent.PostalMarketing, 668265263, [3]int{0, 0, 200}, [3]int{0, 0, 200}},
}

// flagMix is the share (per 10,000) of the people who have a flag on;
// audience narrows it to b2c or b2b.
type flagMix struct {
	flag     consent.Flag
	mult     int64
	per10000 int
	audience string
}

var flagMixes = []flagMix{
	{consent.OpposedAll, 374761393, 300, ""},
	{consent.EmailUnsubscribed, 1103515245, 400, ""},
	{consent.EmailInvalid, 1664525, 100, ""},
	{consent.ErasureRequested, 22695477, 100, ""},
	{consent.SMSOptOut, 134775813, 200, ""},
	{consent.PhoneOptOut, 214013, 200, ""},
	{consent.Bloctel, 69069, 500, "b2c"},
}

// softOptIn: 10 % of customers.
var softOptIn = "lifecycle = 'customer' AND " + pick(48271, 1000)

func (f flagMix) cond() string {
	c := pick(f.mult, f.per10000)
	if f.audience != "" {
		c = "audience = '" + f.audience + "' AND " + c
	}
	return c
}

var (
	consentMu    sync.Mutex
	consentReady = map[sqldb.Engine]bool{}
)

// withConsent gives the bench workspace a realistic mix of consent states
// and flags, written once straight into the projection with set-based SQL
// (no ledger events: the ledger's own cost is measured by the append
// benchmarks). It does nothing when the workspace already has consent
// states.
func withConsent(b *testing.B, d *dataset) {
	b.Helper()
	consentMu.Lock()
	defer consentMu.Unlock()
	if consentReady[d.db.Engine] {
		return
	}
	ctx := benchCtx()
	var have int
	if err := d.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM consent_states WHERE workspace_id = $1 LIMIT 1) x`, d.ws.ID).Scan(&have); err != nil {
		b.Fatal(err)
	}
	// The masks are checked too, so that a set-up interrupted between the
	// states and the masks is finished.
	var masked int
	if err := d.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM people WHERE workspace_id = $1 AND consent_granted <> 0 LIMIT 1) x`, d.ws.ID).Scan(&masked); err != nil {
		b.Fatal(err)
	}
	if have > 0 && masked > 0 {
		consentReady[d.db.Engine] = true
		return
	}
	start := time.Now()
	if have == 0 {
		b.Logf("%s: writing the consent mix (once; kept for later runs)", d.db.Engine)
		if err := d.db.InTx(ctx, func(tx *sqldb.Tx) error { return writeConsentMix(ctx, tx, d.ws.ID) }); err != nil {
			b.Fatal(err)
		}
	}
	if err := (sqldb.ConsentStore{DB: d.db}).RebuildMasks(ctx, d.ws.ID); err != nil {
		b.Fatal(err)
	}
	if d.db.Engine == sqldb.Postgres {
		// The UPDATEs left dead versions of the people they touched, and
		// an index-only scan must then visit the heap: vacuum sets the
		// visibility map again, as autovacuum would in time.
		for _, t := range []string{"people", "consent_states", "person_flags"} {
			if _, err := d.db.Exec(ctx, "VACUUM "+t); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := d.db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: consent mix written in %s", d.db.Engine, time.Since(start).Round(100*time.Millisecond))
	consentReady[d.db.Engine] = true
}

func writeConsentMix(ctx context.Context, tx *sqldb.Tx, ws int64) error {
	at := consentAt.UnixMicro()
	for _, m := range purposeMixes {
		hash := fmt.Sprintf("((id * %d) %% 4294967296) %% 10000", m.mult)
		states := func(s [3]int) string {
			return fmt.Sprintf("CASE WHEN h < %d THEN 'granted' WHEN h < %d THEN 'pending' ELSE 'withdrawn' END", s[0], s[0]+s[1])
		}
		q := fmt.Sprintf(`INSERT INTO consent_states (person_id, purpose, workspace_id, state, at, event_id)
			SELECT id, '%s', workspace_id, CASE WHEN audience = 'b2b' THEN %s ELSE %s END, %d, 0
			FROM (SELECT id, workspace_id, audience, %s AS h FROM people WHERE workspace_id = $1) x
			WHERE h < CASE WHEN audience = 'b2b' THEN %d ELSE %d END`,
			m.purpose, states(m.b2b), states(m.b2c), at, hash, m.b2b[0]+m.b2b[1]+m.b2b[2], m.b2c[0]+m.b2c[1]+m.b2c[2])
		if _, err := tx.Exec(ctx, q, ws); err != nil {
			return fmt.Errorf("consent states %s: %w", m.purpose, err)
		}
	}
	var terms []string
	for _, f := range flagMixes {
		bits := consent.FlagBit(f.flag)
		// An objection puts the addresses on the suppression list, and the
		// ledger marks the person suppressed (sqldb.suppressionFollowUp).
		if f.flag == consent.OpposedAll {
			bits |= consent.FlagBit(consent.Suppressed)
		}
		terms = append(terms, fmt.Sprintf("(CASE WHEN %s THEN %d ELSE 0 END)", f.cond(), bits))
	}
	mask := strings.Join(terms, " | ")
	q := fmt.Sprintf(`UPDATE people SET consent_flags = %s, soft_opt_in = (%s)
		WHERE workspace_id = $1 AND ((%s) <> 0 OR (%s))`, mask, softOptIn, mask, softOptIn)
	if _, err := tx.Exec(ctx, q, ws); err != nil {
		return fmt.Errorf("consent flags: %w", err)
	}
	for _, f := range consent.Flags {
		if _, err := tx.Exec(ctx, fmt.Sprintf(`INSERT INTO person_flags (person_id, flag, workspace_id, is_on, at, event_id)
			SELECT id, '%s', workspace_id, TRUE, %d, 0 FROM people WHERE workspace_id = $1 AND (consent_flags & %d) <> 0`,
			f, at, consent.FlagBit(f)), ws); err != nil {
			return fmt.Errorf("person flags %s: %w", f, err)
		}
	}
	return nil
}

// smallWorkspace returns a workspace of the bench database holding n
// generated people (created the first time), for the chain benchmarks.
func smallWorkspace(b *testing.B, d *dataset, slug string, n int) *workspace.Workspace {
	b.Helper()
	ctx := benchCtx()
	ws, err := sqldb.WorkspaceStore{DB: d.db}.BySlug(ctx, slug)
	if errs.Is(err, errs.NotFound) {
		ws = &workspace.Workspace{Slug: slug, Name: "Benchmark " + slug}
		err = sqldb.WorkspaceStore{DB: d.db}.Create(ctx, ws)
	}
	if err != nil {
		b.Fatal(err)
	}
	var have int
	if err := d.db.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`, ws.ID).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have < n {
		if _, err := demo.Load(ctx, d.db, ws.ID, demo.Options{People: n - have, Seed: 11}); err != nil {
			b.Fatal(err)
		}
	}
	return ws
}
