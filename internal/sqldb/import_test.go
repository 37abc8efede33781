package sqldb_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
)

// messyCSV is a French export as Excel writes it: semicolons, Windows-1252,
// a quoted address over two lines, a quoted separator, a bad email, a bad
// phone, a duplicate row, a row without email or phone, a blank line.
const messyCSV = "Prénom;Nom;E-mail;Téléphone;Société;Adresse;Code postal;Ville;Opt-in;Désabonné\r\n" +
	"Élodie;Lefèvre;elodie.lefevre@exemple.fr;06 12 34 56 78;Boulangerie Lefèvre;\"12 rue des Écoles\r\nBâtiment B\";75005;Paris;oui;non\r\n" +
	"Jean;Dupont;jean.dupont@@exemple;01 23 45 67 89;;;;;non;non\r\n" +
	"Anne;Martin;ANNE.MARTIN@Exemple.fr;0612;\"Martin; Fils et Cie\";;69001;Lyon;non;non\r\n" +
	"Chloé;Bernard;chloe.bernard@exemple.fr;+33 6 98 76 54 32;\"Martin; Fils et Cie\";;69001;Lyon;non;oui\r\n" +
	"Chloé;Bernard;Chloe.Bernard@exemple.fr;;;;;;non;non\r\n" +
	";;;;;;;;;\r\n" +
	"Paul;Sans Adresse;;;;;;;non;non\r\n" +
	"Marc;Opposé;marc.oppose@exemple.fr;;;;;;oui;non\r\n" +
	"Léa;Petit;;07 81 22 33 44;;;;;non;non\r\n"

func win1252(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type importEnv struct {
	db  *sqldb.DB
	ws  int64
	svc *importer.Service
	st  sqldb.ImportStore
	ctx context.Context
}

func newImportEnv(t *testing.T, db *sqldb.DB) *importEnv { return newImportEnvIn(t, db, "acme") }

func newImportEnvIn(t *testing.T, db *sqldb.DB, slug string) *importEnv {
	ws := newWorkspace(t, db, slug)
	st := sqldb.ImportStore{DB: db}
	return &importEnv{db: db, ws: ws.ID, st: st, svc: &importer.Service{Store: st, Workspace: sqldb.ImportWorkspace{DB: db}},
		ctx: audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorUser, ID: "u1"})}
}

// run imports data with the suggested mapping and returns the import.
func (e *importEnv) run(t *testing.T, data []byte, opt importer.Options, csvOpt importer.CSVOptions) *importer.Import {
	t.Helper()
	open := func() (importer.Source, error) {
		if importer.FormatOf("f", data) == importer.XLSX {
			return importer.OpenXLSX(bytes.NewReader(data))
		}
		return importer.OpenCSV(bytes.NewReader(data), csvOpt)
	}
	src, err := open()
	if err != nil {
		t.Fatal(err)
	}
	src.Close()
	purposes, _ := sqldb.ConsentStore{DB: e.db}.Purposes(e.ctx, e.ws)
	imp := &importer.Import{WorkspaceID: e.ws, Format: importer.FormatOf("f", data), Header: src.Header(),
		Mapping: importer.Suggest(src.Header(), nil, purposes), Options: opt}
	if err := e.svc.Prepare(e.ctx, imp); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Execute(e.ctx, imp, open, nil); err != nil {
		t.Fatal(err)
	}
	return imp
}

func (e *importEnv) count(t *testing.T, q string) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(e.ctx, q, e.ws).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *importEnv) report(t *testing.T, imp *importer.Import) string {
	t.Helper()
	var b strings.Builder
	if err := importer.WriteReport(e.ctx, e.st, imp, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var tradeShow = importer.Options{Origin: crm.OriginTradeShow, OriginDetail: "Salon des entrepreneurs, Lyon 2026",
	LegalBasis: consent.BasisLegitimateInterest, ProofRef: "bulletins papier signés, classeur 2026-03"}

func TestImportMessyFrenchCSV(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newImportEnv(t, db)
		// Marc objected before: his address is on the suppression list.
		if _, err := (sqldb.SuppressionStore{DB: db}).Add(e.ctx, e.ws, []string{"marc.oppose@exemple.fr"}, consent.ReasonManual,
			audit.NewEntry(e.ctx, e.ws, "suppression.add", "workspace", "", nil)); err != nil {
			t.Fatal(err)
		}
		data := win1252(t, messyCSV)
		imp := e.run(t, data, tradeShow, importer.CSVOptions{})
		c := imp.Counts
		if c.Rows != 8 || c.Created != 3 || c.Invalid != 3 || c.Skipped != 1 || c.Suppressed != 1 {
			t.Fatalf("counts %+v", c)
		}
		if imp.Status != importer.StatusDone {
			t.Fatalf("status %s %s", imp.Status, imp.Error)
		}
		var first, last, addr, origin, detail string
		if err := db.QueryRow(e.ctx, `SELECT first_name, last_name, address_line1, origin, origin_detail FROM people
			WHERE workspace_id = $1 AND email = 'elodie.lefevre@exemple.fr'`, e.ws).Scan(&first, &last, &addr, &origin, &detail); err != nil {
			t.Fatal(err)
		}
		if first != "Élodie" || last != "Lefèvre" || addr != "12 rue des Écoles" || origin != "trade_show" || detail != tradeShow.OriginDetail {
			t.Fatalf("decoded %q %q %q %q %q", first, last, addr, origin, detail)
		}
		// Both Martin employees share one organisation, named with its ";".
		if n := e.count(t, `SELECT COUNT(*) FROM organisations WHERE workspace_id = $1 AND name = 'Martin; Fils et Cie'`); n != 1 {
			t.Fatalf("%d organisations", n)
		}
		// Consent columns: one grant (Élodie, with the proof), one objection (Chloé).
		if n := e.count(t, `SELECT COUNT(*) FROM consent_events WHERE workspace_id = $1 AND source_kind = 'import'`); n != 2 {
			t.Fatalf("%d import events", n)
		}
		rep := e.report(t, imp)
		for _, want := range []string{"4;E-mail;invalid;", "5;Téléphone;invalid;", "7;E-mail;duplicate;the same email address as line 6",
			"9;E-mail;invalid;", "10;E-mail;suppressed;"} {
			if !strings.Contains(rep, want) {
				t.Errorf("report lacks %q:\n%s", want, rep)
			}
		}
		if strings.Contains(rep, "@@") || strings.Contains(rep, "0612") {
			t.Errorf("the report shows values:\n%s", rep)
		}
		// Re-running the same file duplicates nothing.
		again := e.run(t, data, tradeShow, importer.CSVOptions{})
		if again.Counts.Created != 0 || e.count(t, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`) != 3 {
			t.Fatalf("re-run: %+v", again.Counts)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM consent_events WHERE workspace_id = $1 AND source_kind = 'import'`); n != 2 {
			t.Fatalf("re-run added events: %d", n)
		}
		// The ledger still verifies.
		rep2, err := consent.Verify(e.ctx, sqldb.ConsentStore{DB: db}, e.ws)
		if err != nil || !rep2.OK() {
			t.Fatalf("ledger: %v %+v", err, rep2.Problem)
		}
	})
}

func xlsxFile(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportXLSXAndPolicies(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newImportEnv(t, db)
		first := xlsxFile(t, [][]any{{"First name", "Last name", "Email", "Mobile", "Company"},
			{"Ana", "Silva", "ana@example.pt", "+351 912 345 678", "Lisboa Lda"},
			{"Bob", "Stone", "bob@example.com", "", ""}})
		imp := e.run(t, first, tradeShow, importer.CSVOptions{})
		if imp.Counts.Created != 2 || imp.Format != importer.XLSX {
			t.Fatalf("xlsx: %+v", imp.Counts)
		}
		second := xlsxFile(t, [][]any{{"Email", "Job title", "Mobile", "Opt-in"},
			{"ANA@example.pt", "CEO", "06 12 34 56 78", "oui"}})
		upd := tradeShow
		upd.Dedupe = importer.DedupeUpdate
		imp = e.run(t, second, upd, importer.CSVOptions{})
		if imp.Counts.Updated != 1 || imp.Counts.Events != 1 {
			t.Fatalf("update: %+v", imp.Counts)
		}
		var job, phone, first2 string
		if err := db.QueryRow(e.ctx, `SELECT job_title, phone, first_name FROM people WHERE workspace_id = $1 AND email = 'ana@example.pt'`, e.ws).
			Scan(&job, &phone, &first2); err != nil {
			t.Fatal(err)
		}
		if job != "CEO" || phone != "+351912345678" || first2 != "Ana" {
			t.Fatalf("updated: %q %q %q", job, phone, first2)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM person_phones WHERE workspace_id = $1`); n != 2 {
			t.Fatalf("%d phones", n)
		}
		// Updating again records no new consent: it is already granted.
		if imp = e.run(t, second, upd, importer.CSVOptions{}); imp.Counts.Events != 0 {
			t.Fatalf("re-run: %+v", imp.Counts)
		}
		rev := tradeShow
		rev.Dedupe = importer.DedupeReview
		imp = e.run(t, second, rev, importer.CSVOptions{})
		if imp.Counts.Review != 1 || e.count(t, `SELECT COUNT(*) FROM import_reviews WHERE workspace_id = $1`) != 1 ||
			e.count(t, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`) != 2 {
			t.Fatalf("review: %+v", imp.Counts)
		}
	})
}

func TestImportSuppressionFlagPolicy(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newImportEnv(t, db)
		entry := audit.NewEntry(e.ctx, e.ws, "x", "workspace", "", nil)
		if err := (sqldb.WorkspaceStore{DB: db}).SetSuppressionPolicy(e.ctx, e.ws, workspace.SuppressionFlag, entry); err != nil {
			t.Fatal(err)
		}
		if _, err := (sqldb.SuppressionStore{DB: db}).Add(e.ctx, e.ws, []string{"06 12 34 56 78"}, consent.ReasonManual, entry); err != nil {
			t.Fatal(err)
		}
		imp := e.run(t, []byte("Nom,Téléphone\nDupont,0612345678\n"), tradeShow, importer.CSVOptions{})
		if imp.Counts.Created != 1 || imp.Counts.Suppressed != 1 || imp.Counts.Events != 1 {
			t.Fatalf("%+v", imp.Counts)
		}
		var flags int64
		if err := db.QueryRow(e.ctx, `SELECT consent_flags FROM people WHERE workspace_id = $1`, e.ws).Scan(&flags); err != nil {
			t.Fatal(err)
		}
		if flags&consent.FlagBit(consent.Suppressed) == 0 {
			t.Fatal("the person is not marked suppressed")
		}
	})
}

// TestImportSuppressionListLengths: a batch checks its addresses against
// a list shorter than them by reading the list, and against a longer one
// by looking each up; both find the listed address, and an empty list
// finds none.
func TestImportSuppressionListLengths(t *testing.T) {
	for _, c := range []struct {
		name   string
		listed []string
		want   int64
	}{
		{"empty", nil, 0},
		{"shorter than the batch", []string{"b@exemple.fr"}, 1},
		{"as long as the batch", []string{"x1@exemple.fr", "b@exemple.fr"}, 1},
		{"one longer than the batch", []string{"x1@exemple.fr", "b@exemple.fr", "x2@exemple.fr"}, 1},
		{"longer than the batch", []string{"x1@exemple.fr", "b@exemple.fr", "x2@exemple.fr", "x3@exemple.fr", "0612345678"}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
				e := newImportEnv(t, db)
				if len(c.listed) > 0 {
					if _, err := (sqldb.SuppressionStore{DB: db}).Add(e.ctx, e.ws, c.listed, consent.ReasonManual,
						audit.NewEntry(e.ctx, e.ws, "suppression.add", "workspace", "", nil)); err != nil {
						t.Fatal(err)
					}
				}
				imp := e.run(t, []byte("Nom,E-mail\nA,a@exemple.fr\nB,b@exemple.fr\n"), tradeShow, importer.CSVOptions{})
				if imp.Counts.Suppressed != c.want || imp.Counts.Created != 2-c.want {
					t.Fatalf("%+v", imp.Counts)
				}
				if n := e.count(t, `SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND email = 'b@exemple.fr'`); n != int(1-c.want) {
					t.Fatalf("%d people with the listed address", n)
				}
			})
		})
	}
}

// TestImportResumes: an import stopped between two batches (a crash, a
// restart) carries on from its checkpoint: whole rows only, none twice.
func TestImportResumes(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newImportEnv(t, db)
		e.svc.BatchRows = 3
		var csv strings.Builder
		csv.WriteString("email,nom\n")
		for i := range 10 {
			csv.WriteString("p" + string(rune('a'+i)) + "@example.com,Personne\n")
		}
		data := []byte(csv.String())
		open := func() (importer.Source, error) { return importer.OpenCSV(bytes.NewReader(data), importer.CSVOptions{}) }
		opt := tradeShow
		opt.LegalBasis, opt.Purposes = consent.BasisConsent, []string{consent.EmailMarketing}
		imp := &importer.Import{WorkspaceID: e.ws, Format: importer.CSV, Header: []string{"email", "nom"},
			Mapping: importer.Mapping{importer.FieldEmail, importer.FieldLastName}, Options: opt}
		if err := e.svc.Prepare(e.ctx, imp); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(e.ctx)
		err := e.svc.Execute(ctx, imp, open, func(done int64) { cancel() })
		if err == nil {
			t.Fatal("the import was not interrupted")
		}
		stopped, err := e.st.Import(e.ctx, e.ws, imp.PublicID)
		if err != nil || stopped.Status != importer.StatusRunning || stopped.Line != 4 || stopped.Counts.Created != 3 {
			t.Fatalf("after the stop: %+v %v", stopped, err)
		}
		if err := e.svc.Execute(e.ctx, stopped, open, nil); err != nil {
			t.Fatal(err)
		}
		if stopped.Counts.Created != 10 || stopped.Status != importer.StatusDone ||
			e.count(t, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`) != 10 ||
			e.count(t, `SELECT COUNT(*) FROM consent_events WHERE workspace_id = $1`) != 10 {
			t.Fatalf("resumed: %+v", stopped.Counts)
		}
	})
}

// TestImportAbandoned: an import interrupted on the command line, whose
// file the server cannot resume from, ends cancelled with what it wrote,
// audited, instead of staying "running"; a finished one is left as it is.
func TestImportAbandoned(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newImportEnv(t, db)
		e.svc.BatchRows = 3
		data := []byte("email,nom\na@example.com,A\nb@example.com,B\nc@example.com,C\nd@example.com,D\n")
		open := func() (importer.Source, error) { return importer.OpenCSV(bytes.NewReader(data), importer.CSVOptions{}) }
		imp := &importer.Import{WorkspaceID: e.ws, Format: importer.CSV, Header: []string{"email", "nom"},
			Mapping: importer.Mapping{importer.FieldEmail, importer.FieldLastName}, Options: tradeShow}
		if err := e.svc.Prepare(e.ctx, imp); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(e.ctx)
		if err := e.svc.Execute(ctx, imp, open, func(int64) { cancel() }); err == nil {
			t.Fatal("the import was not interrupted")
		}
		if err := e.svc.Abandon(ctx, imp); err != nil {
			t.Fatal(err)
		}
		got, err := e.st.Import(e.ctx, e.ws, imp.PublicID)
		if err != nil || got.Status != importer.StatusCancelled || got.Counts.Created != 3 {
			t.Fatalf("abandoned: %+v %v", got, err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE workspace_id = $1 AND action = 'import.cancelled'`); n != 1 {
			t.Fatalf("%d audit entries", n)
		}
		if err := e.svc.Abandon(e.ctx, got); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE workspace_id = $1 AND action = 'import.cancelled'`); n != 1 {
			t.Fatalf("abandoning a finished import wrote again: %d audit entries", n)
		}
	})
}

// gatedStore is the real import store whose second batch waits for gate
// (or for its context to end), after closing first.
type gatedStore struct {
	sqldb.ImportStore
	batches     int
	first, gate chan struct{}
	returned    atomic.Bool // the second batch gave up
}

func (g *gatedStore) WriteBatch(ctx context.Context, imp *importer.Import, b *importer.Batch) error {
	if g.batches++; g.batches == 2 {
		close(g.first)
		select {
		case <-g.gate:
		case <-ctx.Done():
			// Late, so that a Stop that did not wait returns first.
			time.Sleep(50 * time.Millisecond)
			g.returned.Store(true)
			return ctx.Err()
		}
	}
	return g.ImportStore.WriteBatch(ctx, imp, b)
}

// TestImportJobsStopResumable: a server stopping while an import runs in
// the background stops it within its batch and waits for it; the import
// stays running at its checkpoint, not failed, and the next start carries
// it to its end with every row once.
func TestImportJobsStopResumable(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newImportEnv(t, db)
		var csv strings.Builder
		csv.WriteString("email,nom\n")
		for i := range 20 {
			fmt.Fprintf(&csv, "p%02d@example.com,Personne\n", i)
		}
		path := filepath.Join(t.TempDir(), "people.csv")
		if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		opt := tradeShow
		opt.LegalBasis, opt.Purposes = consent.BasisConsent, []string{consent.EmailMarketing}
		imp := &importer.Import{WorkspaceID: e.ws, Format: importer.CSV, FilePath: path, Header: []string{"email", "nom"},
			Mapping: importer.Mapping{importer.FieldEmail, importer.FieldLastName}, Options: opt}
		if err := e.svc.Prepare(e.ctx, imp); err != nil {
			t.Fatal(err)
		}
		gated := &gatedStore{ImportStore: e.st, first: make(chan struct{}), gate: make(chan struct{})}
		jobs := &importer.Jobs{Service: &importer.Service{Store: gated, Workspace: sqldb.ImportWorkspace{DB: db}, BatchRows: 5}}
		jobs.Start(e.ctx, imp)
		<-gated.first
		stoppedJobs := make(chan struct{})
		go func() {
			jobs.Stop() // returns once the import has stopped
			close(stoppedJobs)
		}()
		select {
		case <-stoppedJobs:
		case <-time.After(30 * time.Second):
			close(gated.gate)
			t.Fatal("Stop did not stop the running import")
		}
		if !gated.returned.Load() {
			t.Fatal("Stop returned before the import had stopped")
		}
		// An import started after Stop does not run: it stays pending.
		late := *imp
		late.PublicID = "late"
		jobs.Start(e.ctx, &late)
		jobs.Wait()
		stopped, err := e.st.Import(e.ctx, e.ws, imp.PublicID)
		if err != nil || stopped.Status != importer.StatusRunning || stopped.Counts.Created != 5 || stopped.Line != 6 {
			t.Fatalf("after the stop: %+v %v", stopped, err)
		}
		left, err := e.st.Unfinished(e.ctx)
		if err != nil || len(left) != 1 {
			t.Fatalf("unfinished: %d, %v", len(left), err)
		}
		again := &importer.Jobs{Service: &importer.Service{Store: e.st, Workspace: sqldb.ImportWorkspace{DB: db}, BatchRows: 5}}
		again.Resume(e.ctx, left)
		again.Wait()
		done, err := e.st.Import(e.ctx, e.ws, imp.PublicID)
		if err != nil || done.Status != importer.StatusDone || done.Counts.Created != 20 ||
			e.count(t, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`) != 20 ||
			e.count(t, `SELECT COUNT(*) FROM consent_events WHERE workspace_id = $1`) != 20 {
			t.Fatalf("resumed: %+v %v", done, err)
		}
	})
}

// TestPrepareLoadWidensTheCache: a large import gets SQLite's page cache
// for its indexes, and gives it back; a small one changes nothing.
func TestPrepareLoadWidensTheCache(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t, sqldb.SQLite)
	cacheSize := func() (n int64) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error { return tx.QueryRow(ctx, "PRAGMA cache_size").Scan(&n) }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := cacheSize()
	store := sqldb.ImportStore{DB: db}
	done, err := store.PrepareLoad(ctx, 1_000)
	if err != nil || cacheSize() != before {
		t.Fatalf("small import: cache_size %d (was %d), %v", cacheSize(), before, err)
	}
	done()
	done, err = store.PrepareLoad(ctx, 5_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if got := cacheSize(); got != -(1 << 18) {
		t.Errorf("cache_size during a large import = %d, want %d (256 MiB)", got, -(1 << 18))
	}
	done()
	if got := cacheSize(); got != before {
		t.Errorf("cache_size after = %d, want %d", got, before)
	}
}

// TestImportRowsPointAtTheirPerson: an import's email rows, ledger events
// and consent projection belong to the person of their row, in batches,
// after the highest id was freed (SQLite gives it again; on SQLite the
// import binds the ids itself).
func TestImportRowsPointAtTheirPerson(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newImportEnv(t, db)
		e.svc.BatchRows = 2
		opt := tradeShow
		opt.LegalBasis, opt.Purposes = consent.BasisConsent, []string{consent.EmailMarketing}
		file := func(prefix string) []byte {
			var b strings.Builder
			b.WriteString("email,nom\n")
			for i := range 5 {
				b.WriteString(prefix + string(rune('a'+i)) + "@example.com,Personne " + prefix + "\n")
			}
			return []byte(b.String())
		}
		e.run(t, file("first"), opt, importer.CSVOptions{})
		if _, err := db.Exec(e.ctx, `DELETE FROM people WHERE id = (SELECT MAX(id) FROM people)`); err != nil {
			t.Fatal(err)
		}
		second := e.run(t, file("second"), opt, importer.CSVOptions{})
		if second.Counts.Created != 5 {
			t.Fatalf("created %d", second.Counts.Created)
		}
		checks := []struct{ name, query string }{
			{"people without their email row", `SELECT COUNT(*) FROM people p WHERE p.workspace_id = $1 AND NOT EXISTS
				(SELECT 1 FROM person_emails m WHERE m.person_id = p.id AND m.email_norm = p.email)`},
			{"email rows of someone else", `SELECT COUNT(*) FROM person_emails m JOIN people p ON p.id = m.person_id
				WHERE m.workspace_id = $1 AND m.email_norm <> p.email`},
			{"people without their projection", `SELECT COUNT(*) FROM people p WHERE p.workspace_id = $1 AND NOT EXISTS
				(SELECT 1 FROM consent_states s WHERE s.person_id = p.id)`},
			{"projections of another person's event", `SELECT COUNT(*) FROM consent_states s
				JOIN consent_events ev ON ev.id = s.event_id
				WHERE s.workspace_id = $1 AND (ev.person_id <> s.person_id OR ev.purpose <> s.purpose)`},
			{"events of the second file naming someone else", `SELECT COUNT(*) FROM consent_events ev
				JOIN people p ON p.id = ev.person_id WHERE ev.workspace_id = $1 AND ev.source_id = '` + second.PublicID + `'
				AND ev.person_public_id <> p.public_id`},
			{"people of the second file without their event", `SELECT COUNT(*) FROM people p WHERE p.workspace_id = $1
				AND p.email LIKE 'second%' AND NOT EXISTS (SELECT 1 FROM consent_events ev
				WHERE ev.person_id = p.id AND ev.person_public_id = p.public_id)`},
		}
		for _, c := range checks {
			if n := e.count(t, c.query); n != 0 {
				t.Errorf("%s: %d", c.name, n)
			}
		}
		if n := e.count(t, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`); n != 9 {
			t.Errorf("%d people, want 9", n)
		}
		report, err := consent.Verify(e.ctx, sqldb.ConsentStore{DB: db}, e.ws)
		if err != nil || !report.OK() {
			t.Fatalf("ledger: %+v %v", report, err)
		}
	})
}
