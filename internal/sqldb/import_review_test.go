package sqldb_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
)

// reviewEnv is a workspace with four people imported, then a second file
// imported under the "review" policy: lines 2 to 5 match them and are
// held, line 6 is new.
type reviewEnv struct {
	*importEnv
	imp    *importer.Import
	people map[string]string // key → public id
}

const firstFile = "First name,Last name,Email,Mobile\n" +
	"Ana,Silva,ana@example.pt,\n" +
	"Bob,Stone,bob@example.com,\n" +
	"Léa,Petit,,07 81 22 33 44\n" +
	"Marc,Oppose,marc@example.fr,\n"

const heldFile = "Email,Last name,Job title,Mobile,Opt-in\n" +
	"ana@example.pt,Silva,CEO,06 12 34 56 78,oui\n" + // 2: Ana, by email
	"BOB@example.com,Stonewall,,,non\n" + // 3: Bob
	",Petit-Dupont,,07 81 22 33 44,non\n" + // 4: Léa, by phone
	"marc@example.fr,Oppose,,,oui\n" + // 5: Marc
	"new@example.com,Nouveau,,,non\n" // 6: new

var heldOptions = importer.Options{Origin: crm.OriginTradeShow, OriginDetail: "Salon de Lyon 2026",
	LegalBasis: consent.BasisLegitimateInterest, ProofRef: "bulletins signés, classeur 2026-03", Dedupe: importer.DedupeReview}

// prepare lets a case change the workspace between the two imports.
func newReviewEnv(t *testing.T, db *sqldb.DB, slug string, prepare func(e *importEnv)) *reviewEnv {
	t.Helper()
	e := &reviewEnv{importEnv: newImportEnvIn(t, db, slug), people: map[string]string{}}
	e.run(t, []byte(firstFile), tradeShow, importer.CSVOptions{})
	if prepare != nil {
		prepare(e.importEnv)
	}
	e.imp = e.run(t, []byte(heldFile), heldOptions, importer.CSVOptions{})
	if c := e.imp.Counts; c.Review != 4 || c.Created != 1 {
		t.Fatalf("held: %+v", c)
	}
	rows, err := db.Query(e.ctx, `SELECT COALESCE(email, ''), phone, public_id FROM people WHERE workspace_id = $1`, e.ws)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var email, phone, id string
		if err := rows.Scan(&email, &phone, &id); err != nil {
			t.Fatal(err)
		}
		e.people[email+phone] = id
	}
	return e
}

func (e *reviewEnv) reload(t *testing.T) *importer.Import {
	t.Helper()
	imp, err := e.st.Import(e.ctx, e.ws, e.imp.PublicID)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

func (e *reviewEnv) text(t *testing.T, q string, args ...any) string {
	t.Helper()
	var s string
	if err := e.db.QueryRow(e.ctx, q, append([]any{e.ws}, args...)...).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func suppress(address string) func(e *importEnv) {
	return func(e *importEnv) {
		entry := audit.NewEntry(e.ctx, e.ws, "suppression.add", "workspace", "", nil)
		if _, err := (sqldb.SuppressionStore{DB: e.db}).Add(e.ctx, e.ws, []string{address}, consent.ReasonManual, entry); err != nil {
			panic(err)
		}
	}
}

func flagPolicy(e *importEnv) {
	entry := audit.NewEntry(e.ctx, e.ws, "x", "workspace", "", nil)
	if err := (sqldb.WorkspaceStore{DB: e.db}).SetSuppressionPolicy(e.ctx, e.ws, workspace.SuppressionFlag, entry); err != nil {
		panic(err)
	}
}

func TestImportReviewResolve(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		for _, tc := range []struct {
			name    string
			line    int64
			res     importer.Resolution
			before  func(e *importEnv) // before the review import
			after   func(e *importEnv) // after it
			wantErr errs.Code
			counts  importer.Counts // of the import afterwards: review, created, updated, skipped, suppressed
			check   func(t *testing.T, e *reviewEnv, rv *importer.Review)
		}{
			{name: "Update", line: 2, res: importer.ResolveUpdate,
				counts: importer.Counts{Review: 3, Created: 1, Updated: 1},
				check: func(t *testing.T, e *reviewEnv, rv *importer.Review) {
					if job := e.text(t, `SELECT job_title FROM people WHERE workspace_id = $1 AND email = 'ana@example.pt'`); job != "CEO" {
						t.Errorf("job title %q", job)
					}
					if n := e.count(t, `SELECT COUNT(*) FROM person_phones ph JOIN people p ON p.id = ph.person_id
						WHERE p.workspace_id = $1 AND p.email = 'ana@example.pt'`); n != 1 {
						t.Errorf("%d phones", n)
					}
					note := e.text(t, `SELECT note || '|' || source_id || '|' || action FROM consent_events WHERE workspace_id = $1
						AND person_public_id = $2`, e.people["ana@example.pt"])
					if note != "proof: "+heldOptions.ProofRef+"|"+e.imp.PublicID+"|grant" {
						t.Errorf("ledger event %q", note)
					}
					if strings.Contains(e.report(t, e.imp), "\n2;") {
						t.Errorf("line 2 is still in the report:\n%s", e.report(t, e.imp))
					}
				}},
			{name: "UpdateByPhone", line: 4, res: importer.ResolveUpdate,
				counts: importer.Counts{Review: 3, Created: 1, Updated: 1},
				check: func(t *testing.T, e *reviewEnv, rv *importer.Review) {
					if last := e.text(t, `SELECT last_name FROM people WHERE workspace_id = $1 AND phone = '+33781223344'`); last != "Petit-Dupont" {
						t.Errorf("last name %q", last)
					}
				}},
			{name: "CreateByPhone", line: 4, res: importer.ResolveCreate,
				counts: importer.Counts{Review: 3, Created: 2},
				check: func(t *testing.T, e *reviewEnv, rv *importer.Review) {
					got := e.text(t, `SELECT last_name || '|' || origin || '|' || origin_detail FROM people WHERE workspace_id = $1
						AND public_id = $2 AND import_id = $3`, rv.CreatedPerson, e.imp.ID)
					if got != "Petit-Dupont|trade_show|Salon de Lyon 2026" {
						t.Errorf("created %q", got)
					}
					if n := e.count(t, `SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND phone = '+33781223344'`); n != 2 {
						t.Errorf("%d people with the number", n)
					}
				}},
			{name: "ErrEmailTaken", line: 2, res: importer.ResolveCreate, wantErr: errs.Conflict,
				counts: importer.Counts{Review: 4, Created: 1}},
			{name: "Discard", line: 3, res: importer.ResolveDiscard,
				counts: importer.Counts{Review: 3, Created: 1, Skipped: 1},
				check: func(t *testing.T, e *reviewEnv, rv *importer.Review) {
					if last := e.text(t, `SELECT last_name FROM people WHERE workspace_id = $1 AND email = 'bob@example.com'`); last != "Stone" {
						t.Errorf("last name %q", last)
					}
					if data := e.text(t, `SELECT CAST(data AS TEXT) FROM import_reviews WHERE workspace_id = $1 AND line = 3`); data != "{}" {
						t.Errorf("the discarded values are kept: %s", data)
					}
					if !strings.Contains(e.report(t, e.imp), "3;Email;skipped;matches an existing person: discarded at review") {
						t.Errorf("report:\n%s", e.report(t, e.imp))
					}
				}},
			{name: "ErrSuppressed", line: 5, res: importer.ResolveUpdate, after: suppress("marc@example.fr"), wantErr: errs.Conflict,
				counts: importer.Counts{Review: 4, Created: 1}},
			{name: "ErrSuppressedCreate", line: 4, res: importer.ResolveCreate, after: suppress("07 81 22 33 44"), wantErr: errs.Conflict,
				counts: importer.Counts{Review: 4, Created: 1}},
			{name: "SuppressedFlagged", line: 5, res: importer.ResolveUpdate, before: flagPolicy, after: suppress("marc@example.fr"),
				counts: importer.Counts{Review: 3, Created: 1, Updated: 1, Suppressed: 1},
				check: func(t *testing.T, e *reviewEnv, rv *importer.Review) {
					// The consent in the file is recorded, and still Marc may not be contacted.
					svc := consent.NewService(sqldb.ConsentStore{DB: e.db})
					d, err := svc.Check(e.ctx, e.ws, e.people["marc@example.fr"], consent.EmailMarketing, "", time.Now())
					if err != nil || d.Allowed {
						t.Errorf("Marc is contactable: %+v %v", d, err)
					}
					if n := e.count(t, `SELECT COUNT(*) FROM consent_events WHERE workspace_id = $1 AND flag = 'suppressed'`); n != 1 {
						t.Errorf("%d suppressed events", n)
					}
				}},
			{name: "ErrNotFound", line: 99, res: importer.ResolveDiscard, wantErr: errs.NotFound,
				counts: importer.Counts{Review: 4, Created: 1}},
			{name: "ErrUnknownResolution", line: 2, res: "merge", wantErr: errs.Invalid,
				counts: importer.Counts{Review: 4, Created: 1}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := newReviewEnv(t, db, strings.ToLower(tc.name), tc.before)
				if tc.after != nil {
					tc.after(e.importEnv)
				}
				rv, changed, err := e.svc.Resolve(e.ctx, e.imp, tc.line, tc.res)
				if errs.CodeOf(err) != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if tc.wantErr == "" && (!changed || rv.Resolution != tc.res || rv.ResolvedBy.ID != "u1") {
					t.Fatalf("resolved %+v %v", rv, changed)
				}
				if tc.name == "ErrEmailTaken" {
					if e, _ := errs.As(err); e.Related == "" {
						t.Error("the error does not name the person who has the email")
					}
				}
				got := e.reload(t).Counts
				got.Rows, got.Invalid, got.Events = 0, 0, 0
				if got != tc.counts {
					t.Errorf("counts %+v, want %+v", got, tc.counts)
				}
				if tc.check != nil {
					tc.check(t, e, rv)
				}
				if rep, err := consent.Verify(e.ctx, sqldb.ConsentStore{DB: db}, e.ws); err != nil || !rep.OK() {
					t.Errorf("ledger: %v %+v", err, rep.Problem)
				}
			})
		}
	})
}

// TestImportReviewIdempotent: resolving a row again the same way changes
// nothing and writes no audit entry; another way is a conflict.
func TestImportReviewIdempotent(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newReviewEnv(t, db, "acme", nil)
		for i, want := range []bool{true, false} {
			_, changed, err := e.svc.Resolve(e.ctx, e.imp, 2, importer.ResolveUpdate)
			if err != nil || changed != want {
				t.Fatalf("resolution %d: changed %v, %v", i+1, changed, err)
			}
		}
		if _, _, err := e.svc.Resolve(e.ctx, e.imp, 2, importer.ResolveDiscard); !errs.Is(err, errs.Conflict) {
			t.Fatalf("another resolution: %v", err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE workspace_id = $1 AND action = 'import.review.update'`); n != 1 {
			t.Errorf("%d audit entries", n)
		}
		if c := e.reload(t).Counts; c.Updated != 1 || c.Review != 3 || c.Events != 1 {
			t.Errorf("counts %+v", c)
		}
	})
}

// TestImportReviewConcurrent: resolutions of one row racing each other
// apply it once.
func TestImportReviewConcurrent(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newReviewEnv(t, db, "acme", nil)
		var wg sync.WaitGroup
		var mu sync.Mutex
		applied := 0
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				imp := *e.imp
				_, changed, err := e.svc.Resolve(e.ctx, &imp, 2, importer.ResolveUpdate)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				defer mu.Unlock()
				if changed {
					applied++
				}
			}()
		}
		wg.Wait()
		if applied != 1 {
			t.Fatalf("applied %d times", applied)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM consent_events WHERE workspace_id = $1 AND source_id = '`+e.imp.PublicID+`'`); n != 1 {
			t.Errorf("%d ledger events", n)
		}
		if c := e.reload(t).Counts; c.Updated != 1 || c.Review != 3 {
			t.Errorf("counts %+v", c)
		}
	})
}

// TestImportReviewBulk: applying update to every remaining row, in
// batches, leaves the rows it must refuse; discard takes the rest.
func TestImportReviewBulk(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newReviewEnv(t, db, "acme", nil)
		if _, _, err := e.svc.Resolve(e.ctx, e.imp, 3, importer.ResolveDiscard); err != nil {
			t.Fatal(err)
		}
		suppress("marc@example.fr")(e.importEnv)
		// Two rows a transaction, as the service's loop pages them: the
		// first resolves lines 2 and 4, the second refuses line 5.
		var total importer.BulkResult
		for after, batches := int64(0), 0; ; batches++ {
			entry := audit.NewEntry(e.ctx, e.ws, "import.review.bulk_update", "import", e.imp.PublicID, nil)
			r, err := e.st.ResolveRemaining(e.ctx, e.imp, importer.ResolveUpdate, after, 2, entry)
			if err != nil || batches > 3 {
				t.Fatalf("batch %d: %+v %v", batches, r, err)
			}
			total.Resolved, total.Refused = total.Resolved+r.Resolved, total.Refused+r.Refused
			if after = r.Next; after == 0 {
				break
			}
		}
		if total.Resolved != 2 || total.Refused != 1 {
			t.Fatalf("bulk update: %+v", total)
		}
		if job := e.text(t, `SELECT job_title FROM people WHERE workspace_id = $1 AND email = 'ana@example.pt'`); job != "CEO" {
			t.Errorf("Ana: %q", job)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE workspace_id = $1 AND action = 'import.review.bulk_update'`); n != 1 {
			t.Errorf("%d audit entries", n)
		}
		r, err := e.svc.ResolveRemaining(e.ctx, e.imp, importer.ResolveDiscard)
		if err != nil || r.Resolved != 1 || r.Refused != 0 {
			t.Fatalf("bulk discard: %+v %v", r, err)
		}
		c := e.reload(t).Counts
		if c.Review != 0 || c.Updated != 2 || c.Skipped != 2 {
			t.Errorf("counts %+v", c)
		}
		if _, err := e.svc.ResolveRemaining(e.ctx, e.imp, importer.ResolveCreate); !errs.Is(err, errs.Invalid) {
			t.Errorf("bulk create: %v", err)
		}
	})
}

// TestImportReviewsPage: the held rows page by line, each beside the
// person it matched, with the differences.
func TestImportReviewsPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newReviewEnv(t, db, "acme", nil)
		page, err := e.svc.Reviews(e.ctx, e.imp, importer.ReviewFilter{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Reviews) != 3 || page.Next != 4 || page.Waiting != 4 || page.Resolved != 0 {
			t.Fatalf("page: %d rows, next %d, %d waiting", len(page.Reviews), page.Next, page.Waiting)
		}
		ana := page.Reviews[0]
		if ana.Line != 2 || ana.Person == nil || ana.Person.PublicID != e.people["ana@example.pt"] || ana.EmailOwner != ana.Person.PublicID {
			t.Fatalf("first row %+v", ana)
		}
		differs := map[string]bool{}
		for _, d := range ana.Differences() {
			differs[d.Field] = d.Differs
		}
		want := map[string]bool{"email": false, "phone": true, "last_name": false, "first_name": false, "job_title": true,
			"consent:email_marketing": true}
		for f, w := range want {
			if got, ok := differs[f]; !ok || got != w {
				t.Errorf("%s: differs %v (listed %v), want %v", f, got, ok, w)
			}
		}
		next, err := e.svc.Reviews(e.ctx, e.imp, importer.ReviewFilter{After: page.Next, Limit: 3})
		if err != nil || len(next.Reviews) != 1 || next.Reviews[0].Line != 5 || next.Next != 0 {
			t.Fatalf("second page: %+v %v", next, err)
		}
		if _, _, err := e.svc.Resolve(e.ctx, e.imp, 2, importer.ResolveDiscard); err != nil {
			t.Fatal(err)
		}
		done, err := e.svc.Reviews(e.ctx, e.imp, importer.ReviewFilter{Resolved: true})
		if err != nil || len(done.Reviews) != 1 || done.Reviews[0].Resolution != importer.ResolveDiscard || done.Waiting != 3 || done.Resolved != 1 {
			t.Fatalf("resolved: %+v %v", done, err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE workspace_id = $1 AND action = 'import.review.list'`); n != 3 {
			t.Errorf("%d reads audited", n)
		}
	})
}

// TestImportCancel: a cancelled import stops at its next batch; what was
// written stays, and an import asked to stop before a restart is not
// resumed.
func TestImportCancel(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newImportEnv(t, db)
		e.svc.BatchRows = 3
		var csv strings.Builder
		csv.WriteString("email,nom\n")
		for i := range 10 {
			csv.WriteString("p" + string(rune('a'+i)) + "@example.com,Personne\n")
		}
		data := []byte(csv.String())
		open := func() (importer.Source, error) {
			return importer.OpenCSV(strings.NewReader(string(data)), importer.CSVOptions{})
		}
		newImport := func() *importer.Import {
			imp := &importer.Import{WorkspaceID: e.ws, Format: importer.CSV, Header: []string{"email", "nom"},
				Mapping: importer.Mapping{importer.FieldEmail, importer.FieldLastName}, Options: tradeShow}
			if err := e.svc.Prepare(e.ctx, imp); err != nil {
				t.Fatal(err)
			}
			return imp
		}
		imp := newImport()
		cancelled := false
		err := e.svc.Execute(e.ctx, imp, open, func(int64) {
			if !cancelled {
				cancelled = true
				if _, err := e.svc.Cancel(e.ctx, e.ws, imp.PublicID); err != nil {
					t.Error(err)
				}
			}
		})
		if err != nil || imp.Status != importer.StatusCancelled {
			t.Fatalf("execute: %v %s", err, imp.Status)
		}
		got, err := e.st.Import(e.ctx, e.ws, imp.PublicID)
		if err != nil || got.Status != importer.StatusCancelled || got.Counts.Created != 3 || got.FinishedAt.IsZero() ||
			e.count(t, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`) != 3 {
			t.Fatalf("after the cancellation: %+v %v", got, err)
		}
		for _, action := range []string{"import.cancel", "import.cancelled"} {
			if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE workspace_id = $1 AND action = '`+action+`'`); n != 1 {
				t.Errorf("%d %s entries", n, action)
			}
		}
		if _, err := e.svc.Cancel(e.ctx, e.ws, imp.PublicID); !errs.Is(err, errs.Conflict) {
			t.Errorf("cancel a cancelled import: %v", err)
		}
		if _, err := e.svc.Cancel(e.ctx, e.ws, "00000000-0000-0000-0000-000000000000"); !errs.Is(err, errs.NotFound) {
			t.Errorf("cancel an unknown import: %v", err)
		}
		// Asked to stop while no process ran it: at the restart it is
		// marked cancelled, and nothing is written.
		idle := newImport()
		if _, err := e.svc.Cancel(e.ctx, e.ws, idle.PublicID); err != nil {
			t.Fatal(err)
		}
		again, err := e.svc.Cancel(e.ctx, e.ws, idle.PublicID)
		if err != nil || !again.CancelRequested {
			t.Fatalf("cancel twice: %+v %v", again, err)
		}
		stored, err := e.st.Import(e.ctx, e.ws, idle.PublicID)
		if err != nil || !stored.CancelRequested {
			t.Fatalf("stored: %+v %v", stored, err)
		}
		if err := e.svc.Execute(context.Background(), stored, open, nil); err != nil || stored.Status != importer.StatusCancelled ||
			e.count(t, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`) != 3 {
			t.Fatalf("resumed: %v %s", err, stored.Status)
		}
	})
}
