package bench

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/demo"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
)

// importCSV writes (once per size, kept in the temporary folder) a CSV of
// n generated people with French headers: names, email, phone, company,
// address, job title and a custom field.
func importCSV(b *testing.B, n int) string {
	return csvOnce(b, fmt.Sprintf("registre-import-%d.csv", n), func(cw *csv.Writer) {
		_ = cw.Write([]string{"Prénom", "Nom", "E-mail", "Téléphone", "Société", "Fonction", "Adresse", "Code postal", "Ville", "Pays", "Score"})
		g := demo.NewGenerator(11, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
		for i := range int64(n) {
			p := g.Person(i)
			a := p.Address
			_ = cw.Write([]string{p.FirstName, p.LastName, p.PrimaryEmail(), p.PrimaryPhone(), p.OrganisationName, p.JobTitle,
				a.Line1, a.PostalCode, a.City, a.Country, strconv.FormatInt((i*104729)%1000, 10)})
		}
	})
}

// csvOnce returns the path of the named file in the temporary folder,
// having it written by write the first time: a million-row file is kept
// for later runs.
func csvOnce(b *testing.B, name string, write func(*csv.Writer)) string {
	path := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	b.Logf("writing %s (once)", path)
	f, err := os.Create(path + ".tmp")
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	cw := csv.NewWriter(w)
	write(cw)
	cw.Flush()
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkImport imports benchPeople() generated people from CSV into an
// empty workspace of a fresh database, declared as consenting to email
// marketing (so one consent ledger event per person), and reports rows/s.
// The peer (listmonk) imports about 3,700 rows/s on this machine.
func BenchmarkImport(b *testing.B) {
	benchImport(b, importCSV(b, benchPeople()), func(ctx context.Context, db *sqldb.DB, ws *workspace.Workspace) {
		if err := (sqldb.CRMStore{DB: db}).CreateCustomField(ctx, &crm.CustomField{WorkspaceID: ws.ID, Entity: crm.EntityPerson,
			Key: "score", Label: "Score", Kind: crm.FieldNumber}, audit.NewEntry(ctx, ws.ID, "x", "x", "", nil)); err != nil {
			b.Fatal(err)
		}
	})
}

// benchImport imports the CSV at path into a new workspace of a fresh
// database per engine, after setup has made the custom fields its header
// names, and reports rows/s and the peak heap.
func benchImport(b *testing.B, path string, setup func(context.Context, *sqldb.DB, *workspace.Workspace)) {
	for _, engine := range []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db := sqldbtest.Open(b, engine)
			ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
			svc := &importer.Service{Store: sqldb.ImportStore{DB: db}, Workspace: sqldb.ImportWorkspace{DB: db}}
			for k := 0; b.Loop(); k++ {
				b.StopTimer()
				ws := &workspace.Workspace{Slug: fmt.Sprintf("import-%d", k), Name: "Import"}
				if err := (sqldb.WorkspaceStore{DB: db}).Create(ctx, ws); err != nil {
					b.Fatal(err)
				}
				setup(ctx, db, ws)
				open := func() (importer.Source, error) { return importer.OpenFile(path, importer.CSV, importer.CSVOptions{}) }
				src, err := open()
				if err != nil {
					b.Fatal(err)
				}
				fields, _ := sqldb.ImportWorkspace{DB: db}.CustomFields(ctx, ws.ID)
				imp := &importer.Import{WorkspaceID: ws.ID, Format: importer.CSV, Header: src.Header(),
					Mapping: importer.Suggest(src.Header(), fields, nil),
					Options: importer.Options{Origin: crm.OriginPurchasedFile, OriginDetail: "benchmark", LegalBasis: consent.BasisConsent,
						Purposes: []string{consent.EmailMarketing}, ProofRef: "benchmark", Dedupe: importer.DedupeSkip}}
				src.Close()
				for i, target := range imp.Mapping {
					if target == "" {
						b.Fatalf("column %q is not mapped", imp.Header[i])
					}
				}
				if err := svc.Prepare(ctx, imp); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				// The heap is sampled after each batch: it must stay flat
				// whatever the file's size.
				var peak uint64
				sample := func(int64) {
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapInuse)
				}
				if err := svc.Execute(ctx, imp, open, sample); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(imp.Counts.Rows)/time.Since(start).Seconds(), "rows/s")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				// The French file has a few rows the generator makes
				// invalid on purpose; they are reported, not imported.
				b.ReportMetric(float64(imp.Counts.Invalid), "invalid-rows")
				if imp.Counts.Created == 0 || imp.Counts.Events != imp.Counts.Created {
					b.Fatalf("imported %+v", imp.Counts)
				}
			}
		})
	}
}
