package bench

import (
	"io"
	"testing"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/segment"
	"github.com/registre/registre/internal/sqldb"
)

func reoptin() segment.Node {
	t, _ := segment.TemplateByKey("reoptin")
	return t.Tree
}

func segmentService(d *dataset) *segment.Service {
	return segment.NewService(sqldb.SegmentStore{DB: d.db})
}

// BenchmarkSegmentCountReoptin counts the seed's re-opt-in target (customer
// accounts, not opted in, not opposed, not unsubscribed, an address with
// an @, not invalid) over the whole dataset. Goal: < 200 ms on SQLite at
// a million people.
func BenchmarkSegmentCountReoptin(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		withConsent(b, d)
		svc := segmentService(d)
		n := 0
		for b.Loop() {
			var err error
			if n, err = svc.Count(benchCtx(), d.ws.ID, reoptin()); err != nil {
				b.Fatal(err)
			}
		}
		if n == 0 {
			b.Fatal("empty segment")
		}
		b.ReportMetric(float64(n), "people")
	})
}

// BenchmarkSegmentFirstPage reads the first page (50 people, sorted by
// name, default columns) of the re-opt-in segment. Goal: < 100 ms.
func BenchmarkSegmentFirstPage(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		withConsent(b, d)
		svc := segmentService(d)
		for b.Loop() {
			page, err := svc.People(benchCtx(), d.ws.ID, reoptin(), nil, "", 50, "")
			if err != nil {
				b.Fatal(err)
			}
			if len(page.Rows) != 50 {
				b.Fatalf("%d rows", len(page.Rows))
			}
		}
	})
}

// BenchmarkSegmentBulkOptOut runs the bulk job "unsubscribed from email"
// on a segment of 100,000 people (a tenth of the dataset below a million),
// in a workspace of its own: one ledger event, the projection and the mask
// per person, in batches of 1,000 committed with their cursor. Iterations
// alternate setting and clearing the flag on the same people, so that the
// bench database gains one workspace only (extra workspaces change plans,
// see above); both directions cost the same.
func BenchmarkSegmentBulkOptOut(b *testing.B) {
	size := min(100_000, benchPeople()/10)
	each(b, func(b *testing.B, d *dataset) {
		svc := segmentService(d)
		ws := smallWorkspace(b, d, "bulk-optout", size)
		seg := &segment.Segment{WorkspaceID: ws.ID, Name: "Everyone", Tree: segment.All()}
		if err := svc.Create(benchCtx(), seg); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			b.StopTimer()
			set, err := svc.Count(benchCtx(), ws.ID, segment.Node{Field: "flag." + string(consent.EmailUnsubscribed), Op: "is_true"})
			if err != nil {
				b.Fatal(err)
			}
			change := consent.Set
			if set > size/2 {
				change = consent.Clear
			}
			b.StartTimer()
			job, err := svc.StartJob(benchCtx(), ws.ID, seg, segment.ActConsent, segment.Params{Flag: consent.EmailUnsubscribed,
				Change: change, Note: "Benchmark opt-out"})
			if err != nil {
				b.Fatal(err)
			}
			r := &segment.Runner{Svc: svc, BatchSize: 1000}
			if _, err := r.RunOne(benchCtx()); err != nil {
				b.Fatal(err)
			}
			got, _ := svc.Job(benchCtx(), ws.ID, job.PublicID)
			if got.State != segment.JobDone || got.Processed < int64(size)*9/10 {
				b.Fatalf("job %s processed %d of %d", got.State, got.Processed, size)
			}
		}
		b.ReportMetric(float64(size)*float64(b.N)/b.Elapsed().Seconds(), "people/s")
	})
}

// BenchmarkSegmentExportCSV exports every person of the dataset (the
// default columns plus the email consent) as CSV, streamed to nowhere.
func BenchmarkSegmentExportCSV(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		svc := segmentService(d)
		cols := []string{"first_name", "last_name", "email", "phone", "organisation", "lifecycle", "created_at", "consent.email_marketing"}
		n := 0
		for b.Loop() {
			w, _ := segment.NewWriter(io.Discard, segment.ExportOptions{Format: segment.FormatCSV, BOM: true, Semicolon: true})
			var err error
			if n, err = svc.Export(benchCtx(), d.ws.ID, "", segment.All(), cols, w); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
