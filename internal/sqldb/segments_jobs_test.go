package sqldb_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/segment"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/xuri/excelize/v2"
)

// hookMu serialises the tests that set the package-wide batch hook.
var hookMu sync.Mutex

func manyPeople(t *testing.T, f *segFixture, n int) {
	t.Helper()
	for i := range n {
		if _, err := f.crm.CreatePerson(ctxCLI(), f.ws.ID, crm.PersonInput{FirstName: fmt.Sprintf("P%02d", i), LastName: "Bulk",
			Emails: []string{fmt.Sprintf("p%02d@example.org", i)}, Lifecycle: crm.Prospect, Audience: crm.B2B, Origin: crm.OriginImport}); err != nil {
			t.Fatal(err)
		}
	}
}

func saveSegment(t *testing.T, f *segFixture, tree segment.Node) *segment.Segment {
	t.Helper()
	g := &segment.Segment{WorkspaceID: f.ws.ID, Name: "Bulk people", Tree: tree}
	if err := f.svc.Create(ctxCLI(), g); err != nil {
		t.Fatal(err)
	}
	return g
}

func auditCount(t *testing.T, db *sqldb.DB, ws int64, action string) (int, map[string]any) {
	t.Helper()
	entries, err := sqldb.AuditStore{DB: db}.List(context.Background(), audit.Filter{WorkspaceID: ws, Action: action, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		return 0, nil
	}
	return len(entries), entries[0].Detail
}

// TestBulkJobResumesAfterACrash: a batch that fails before committing
// (as a crash would) leaves nothing half-done; the job taken over later
// goes on from its cursor, and every person gets exactly one ledger event.
func TestBulkJobResumesAfterACrash(t *testing.T) {
	hookMu.Lock()
	defer hookMu.Unlock()
	for _, engine := range []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			db := sqldbtest.Open(t, engine)
			f := newSegFixture(t, db)
			manyPeople(t, f, 23)
			seg := saveSegment(t, f, c("last_name", "eq", "Bulk"))
			job, err := f.svc.StartJob(ctxCLI(), f.ws.ID, seg, segment.ActConsent, segment.Params{Flag: consent.EmailUnsubscribed,
				Change: consent.Set, Note: "Unsubscribed by letter"})
			if err != nil {
				t.Fatal(err)
			}
			if job.Total != 23 {
				t.Fatalf("total %d", job.Total)
			}
			batches := 0
			crash := errors.New("crash")
			defer sqldb.SetBulkBatchHook(func(j *segment.Job) error {
				if j.PublicID != job.PublicID {
					return nil
				}
				batches++
				if batches == 3 {
					return crash
				}
				return nil
			})()
			r := &segment.Runner{Svc: f.svc, BatchSize: 5, Stale: time.Millisecond}
			if _, err := r.RunOne(context.Background()); !errors.Is(err, crash) {
				t.Fatalf("run: %v", err)
			}
			got, _ := f.svc.Job(ctxCLI(), f.ws.ID, job.PublicID)
			if got.State != segment.JobRunning || got.Processed != 10 {
				t.Fatalf("after the crash: %s %d", got.State, got.Processed)
			}
			time.Sleep(5 * time.Millisecond) // the heartbeat goes stale
			if worked, err := r.RunOne(context.Background()); err != nil || !worked {
				t.Fatalf("resume: %v %v", worked, err)
			}
			got, _ = f.svc.Job(ctxCLI(), f.ws.ID, job.PublicID)
			if got.State != segment.JobDone || got.Processed != 23 {
				t.Fatalf("after resuming: %s %d", got.State, got.Processed)
			}
			var events, people int
			if err := db.QueryRow(context.Background(), `SELECT COUNT(*), COUNT(DISTINCT person_id) FROM consent_events
				WHERE workspace_id = $1 AND source_kind = 'bulk' AND source_version = $2`, f.ws.ID, job.PublicID).Scan(&events, &people); err != nil {
				t.Fatal(err)
			}
			if events != 23 || people != 23 {
				t.Fatalf("ledger: %d events for %d people", events, people)
			}
			n, detail := auditCount(t, db, f.ws.ID, "segment.bulk_consent")
			if n != 1 || fmt.Sprint(detail["people"]) != "23" {
				t.Fatalf("audit: %d %v", n, detail)
			}
			rep, err := consent.Verify(context.Background(), sqldb.ConsentStore{DB: db}, f.ws.ID)
			if err != nil || !rep.OK() {
				t.Fatalf("chain: %+v %v", rep, err)
			}
			// Run again: the flag is set for all, nobody is processed twice.
			job2, err := f.svc.StartJob(ctxCLI(), f.ws.ID, seg, segment.ActConsent, segment.Params{Flag: consent.EmailUnsubscribed,
				Change: consent.Set, Note: "again"})
			if err != nil {
				t.Fatal(err)
			}
			r.RunOne(context.Background())
			got, _ = f.svc.Job(ctxCLI(), f.ws.ID, job2.PublicID)
			if got.State != segment.JobDone || got.Processed != 0 {
				t.Fatalf("second run: %s %d", got.State, got.Processed)
			}
		})
	}
}

func TestBulkJobCancel(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newSegFixture(t, db)
		manyPeople(t, f, 12)
		seg := saveSegment(t, f, c("last_name", "eq", "Bulk"))
		store := sqldb.SegmentStore{DB: db}
		// A queued job cancelled stops at once.
		queued, err := f.svc.StartJob(ctxCLI(), f.ws.ID, seg, segment.ActSetLifecycle, segment.Params{Value: "customer"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.CancelJob(ctxCLI(), f.ws.ID, queued.PublicID); err != nil {
			t.Fatal(err)
		}
		// A running one stops after its batch.
		job, err := f.svc.StartJob(ctxCLI(), f.ws.ID, seg, segment.ActSetField, segment.Params{Field: "city", Value: "Nantes"})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		j, err := store.ClaimJob(context.Background(), now, now.Add(-time.Minute))
		if err != nil || j == nil || j.PublicID != job.PublicID {
			t.Fatalf("claim: %+v %v", j, err)
		}
		cat, _ := f.svc.Catalogue(context.Background(), f.ws.ID)
		if done, err := store.RunBatch(ctxCLI(), cat, j, 5, now); done || err != nil {
			t.Fatalf("batch: %v %v", done, err)
		}
		if err := f.svc.CancelJob(ctxCLI(), f.ws.ID, job.PublicID); err != nil {
			t.Fatal(err)
		}
		if done, err := store.RunBatch(ctxCLI(), cat, j, 5, now); !done || err != nil {
			t.Fatalf("after cancel: %v %v", done, err)
		}
		got, _ := f.svc.Job(ctxCLI(), f.ws.ID, job.PublicID)
		if got.State != segment.JobCancelled || got.Processed != 5 {
			t.Fatalf("cancelled job: %s %d", got.State, got.Processed)
		}
		n, _ := f.svc.Count(ctxCLI(), f.ws.ID, c("city", "eq", "Nantes"))
		if n != 5 {
			t.Fatalf("%d people changed, want 5", n)
		}
		if err := f.svc.CancelJob(ctxCLI(), f.ws.ID, job.PublicID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("cancel twice: %v", err)
		}
		if q, _ := f.svc.Job(ctxCLI(), f.ws.ID, queued.PublicID); q.State != segment.JobCancelled || q.Processed != 0 {
			t.Fatalf("queued job: %+v", q)
		}
	})
}

func runJob(t *testing.T, f *segFixture, seg *segment.Segment, a segment.Action, p segment.Params) *segment.Job {
	t.Helper()
	job, err := f.svc.StartJob(ctxCLI(), f.ws.ID, seg, a, p)
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	r := &segment.Runner{Svc: f.svc, BatchSize: 4}
	if _, err := r.RunOne(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, _ := f.svc.Job(ctxCLI(), f.ws.ID, job.PublicID)
	if got.State != segment.JobDone {
		t.Fatalf("%s: %s %s", a, got.State, got.Error)
	}
	return got
}

func TestBulkActions(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newSegFixture(t, db)
		acme := saveSegment(t, f, c("organisation.name", "eq", "Acme"))
		count := func(tree segment.Node) int {
			n, err := f.svc.Count(ctxCLI(), f.ws.ID, tree)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		runJob(t, f, acme, segment.ActSetField, segment.Params{Field: "job_title", Value: "Buyer"})
		if n := count(c("job_title", "eq", "buyer")); n != 4 {
			t.Fatalf("set field: %d", n)
		}
		runJob(t, f, acme, segment.ActSetField, segment.Params{Field: "custom.score", Value: "7"})
		if n := count(c("custom.score", "eq", "7")); n != 4 {
			t.Fatalf("set custom number: %d", n)
		}
		runJob(t, f, acme, segment.ActSetField, segment.Params{Field: "custom.vip", Value: "true"})
		if n := count(c("custom.vip", "is_true", "")); n != 4 {
			t.Fatalf("set custom bool: %d", n)
		}
		runJob(t, f, acme, segment.ActSetLifecycle, segment.Params{Value: "former_customer"})
		if n := count(c("lifecycle", "eq", "former_customer")); n != 4 {
			t.Fatalf("set lifecycle: %d", n)
		}
		runJob(t, f, acme, segment.ActSetStatus, segment.Params{Value: "partner"})
		if n := count(c("organisation.status", "eq", "partner")); n != 4 {
			t.Fatalf("set status: %d", n)
		}
		j := runJob(t, f, acme, segment.ActConsent, segment.Params{Purpose: consent.EmailMarketing, Change: consent.Withdraw, Note: "asked"})
		if j.Processed != 1 { // only Bob had granted it
			t.Fatalf("withdraw processed %d", j.Processed)
		}
		// Refusals: grant without justification, B2C grant without proof,
		// a field that cannot be set, the suppression flag.
		everyone := saveSegment(t, f, segment.All())
		for name, tc := range map[string]struct {
			a segment.Action
			p segment.Params
		}{
			"NoJustification": {segment.ActConsent, segment.Params{Purpose: consent.EmailMarketing, Change: consent.Grant}},
			"B2CWithoutProof": {segment.ActConsent, segment.Params{Purpose: consent.EmailMarketing, Change: consent.Grant, Note: "fair"}},
			"Suppression":     {segment.ActConsent, segment.Params{Flag: consent.Suppressed, Change: consent.Set, Note: "x"}},
			"NotSettable":     {segment.ActSetField, segment.Params{Field: "email", Value: "x@y.z"}},
			"BadStage":        {segment.ActSetLifecycle, segment.Params{Value: "boss"}},
			"BadCustom":       {segment.ActSetField, segment.Params{Field: "custom.score", Value: "many"}},
		} {
			if _, err := f.svc.StartJob(ctxCLI(), f.ws.ID, everyone, tc.a, tc.p); !errs.Is(err, errs.Invalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		j = runJob(t, f, everyone, segment.ActConsent, segment.Params{Purpose: consent.EmailMarketing, Change: consent.Grant,
			Note: "fair", SourceRef: "salon-2026"})
		if j.Processed != 6 {
			t.Fatalf("grant processed %d", j.Processed)
		}
		runJob(t, f, acme, segment.ActDelete, segment.Params{})
		if n := count(segment.All()); n != 2 {
			t.Fatalf("after delete: %d people", n)
		}
		rep, err := consent.Verify(context.Background(), sqldb.ConsentStore{DB: db}, f.ws.ID)
		if err != nil || !rep.OK() {
			t.Fatalf("chain: %+v %v", rep, err)
		}
	})
}

func TestSegmentExport(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newSegFixture(t, db)
		cols := []string{"first_name", "last_name", "email", "organisation", "custom.score", "consent.email_marketing", "flag.email_unsubscribed", "created_at"}
		tree := c("organisation.name", "eq", "Acme")
		export := func(o segment.ExportOptions) []byte {
			var buf bytes.Buffer
			w, err := segment.NewWriter(&buf, o)
			if err != nil {
				t.Fatal(err)
			}
			n, err := f.svc.Export(ctxCLI(), f.ws.ID, "", tree, cols, w)
			if err != nil || n != 4 {
				t.Fatalf("export %s: %d %v", o.Format, n, err)
			}
			return buf.Bytes()
		}
		// CSV for Excel: BOM and semicolons.
		data := export(segment.ExportOptions{Format: segment.FormatCSV, BOM: true, Semicolon: true})
		if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
			t.Fatal("no BOM")
		}
		r := csv.NewReader(bytes.NewReader(data[3:]))
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil || len(recs) != 5 {
			t.Fatalf("csv: %d %v", len(recs), err)
		}
		if strings.Join(recs[0], ",") != strings.Join(cols, ",") {
			t.Fatalf("header: %v", recs[0])
		}
		byName := map[string][]string{}
		for _, rec := range recs[1:] {
			byName[rec[0]] = rec
		}
		if a := byName["Alice"]; a[2] != "alice@acme.fr" || a[3] != "Acme" || a[4] != "10" || a[5] != "none" || a[6] != "no" {
			t.Fatalf("Alice: %v", a)
		}
		if b := byName["Bob"]; b[4] != "3.5" || b[5] != "granted" {
			t.Fatalf("Bob: %v", b)
		}
		if ch := byName["Chloé"]; ch[6] != "yes" {
			t.Fatalf("Chloé: %v", ch)
		}
		// JSON Lines.
		lines := strings.Split(strings.TrimSpace(string(export(segment.ExportOptions{Format: segment.FormatJSONL}))), "\n")
		if len(lines) != 4 {
			t.Fatalf("jsonl: %d lines", len(lines))
		}
		for _, l := range lines {
			var m map[string]string
			if err := json.Unmarshal([]byte(l), &m); err != nil || len(m) != len(cols) {
				t.Fatalf("jsonl line %s: %v", l, err)
			}
		}
		// XLSX.
		x, err := excelize.OpenReader(bytes.NewReader(export(segment.ExportOptions{Format: segment.FormatXLSX})))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("Sheet1")
		if err != nil || len(rows) != 5 || rows[0][2] != "email" {
			t.Fatalf("xlsx: %v %v", rows, err)
		}
		if n, detail := auditCount(t, db, f.ws.ID, "segment.export"); n != 3 || fmt.Sprint(detail["people"]) != "4" {
			t.Fatalf("audit: %d %v", n, detail)
		}
	})
}
