package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/sqldb"
)

// BenchmarkCountContactable counts the people of the 1,000,000-person
// workspace who may be contacted for a marketing purpose through its
// channel: the rules predicate on people, its consent flags mask and the
// person's consent state. Soft opt-in is enabled, so the email and SMS
// predicates are the longest ones.
func BenchmarkCountContactable(b *testing.B) {
	cases := []struct {
		purpose string
		ch      consent.Channel
	}{
		{consent.EmailMarketing, consent.Email},
		{consent.SMSMarketing, consent.SMS},
		{consent.PhoneProspecting, consent.Phone},
		{consent.PostalMarketing, consent.Postal},
	}
	cfg := consent.DefaultSettings()
	cfg.SoftOptInEnabled = true
	for _, c := range cases {
		b.Run(fmt.Sprintf("%s by %s", c.purpose, c.ch), func(b *testing.B) {
			each(b, func(b *testing.B, d *dataset) {
				withConsent(b, d)
				store := sqldb.ConsentStore{DB: d.db}
				n := 0
				for b.Loop() {
					var err error
					if n, err = store.CountContactable(benchCtx(), d.ws.ID, c.purpose, c.ch, time.Now(), cfg); err != nil {
						b.Fatal(err)
					}
				}
				if n == 0 {
					b.Fatal("nobody contactable")
				}
				b.ReportMetric(float64(n), "people")
			})
		})
	}
}

// subject is a person the append benchmarks change, with the state of
// their email marketing consent, so that each change is a possible one.
type subject struct {
	id       int64
	publicID string
	granted  bool
}

// change is the next change of a subject: withdraw a granted consent,
// grant any other, as a form or an unsubscribe link would.
func (s *subject) change() (consent.Change, consent.Proof) {
	c := consent.Change{Purpose: consent.EmailMarketing, Action: consent.Grant}
	p := consent.Proof{SourceKind: consent.SourceForm, SourceID: "newsletter-footer", SourceVersion: "4",
		Wording: "J'accepte de recevoir la lettre d'information et les offres par e-mail. Je peux me désabonner à tout moment.",
		PageURL: "https://www.example.fr/newsletter", IP: "192.0.2.44",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"}
	if s.granted {
		c.Action = consent.Withdraw
		p = consent.Proof{SourceKind: consent.SourceLink, SourceID: "campaign-2026-11", IP: "192.0.2.44", UserAgent: p.UserAgent}
	}
	return c, p
}

// event is the same change as a ledger event, for ConsentStore.Append.
func (s *subject) event(at time.Time) *consent.Event {
	c, p := s.change()
	e := &consent.Event{At: at, PersonID: s.id, PersonPublicID: s.publicID, Purpose: c.Purpose, Action: c.Action,
		ActorKind: string(audit.ActorCLI), LegalBasis: p.LegalBasis, SourceKind: p.SourceKind, SourceID: p.SourceID,
		SourceVersion: p.SourceVersion, Wording: p.Wording, PageURL: p.PageURL, IP: p.IP, UserAgent: p.UserAgent}
	if err := e.Validate(); err != nil {
		panic(err)
	}
	return e
}

// subjects loads people of a workspace with their email marketing state;
// every is the spacing of the ids taken (1 takes them all).
func subjects(b *testing.B, d *dataset, ws int64, every, n int) []subject {
	b.Helper()
	rows, err := d.db.Query(context.Background(), `SELECT p.id, p.public_id, COALESCE(cs.state, 'none')
		FROM people p LEFT JOIN consent_states cs ON cs.person_id = p.id AND cs.purpose = $2
		WHERE p.workspace_id = $1 AND p.id % $3 = 0 ORDER BY p.id LIMIT $4`, ws, consent.EmailMarketing, every, n)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []subject
	for rows.Next() {
		var s subject
		var st string
		if err := rows.Scan(&s.id, &s.publicID, &st); err != nil {
			b.Fatal(err)
		}
		s.granted = st == string(consent.Granted)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	if len(out) < n {
		b.Fatalf("%d people for %d", len(out), n)
	}
	return out
}

func record(ctx context.Context, svc *consent.Service, ws int64, s *subject) error {
	c, p := s.change()
	if _, err := svc.Record(ctx, ws, s.publicID, []consent.Change{c}, p); err != nil {
		return err
	}
	s.granted = !s.granted
	return nil
}

// BenchmarkAppendConsentEvent is consent.Service.Record of one change for
// one person of the 1,000,000-person workspace: person and purposes looked
// up, chain head locked, event sealed and inserted, projection and audit
// entry written, in one transaction.
func BenchmarkAppendConsentEvent(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		withConsent(b, d)
		people := subjects(b, d, d.ws.ID, 997, 1000)
		svc := consent.NewService(sqldb.ConsentStore{DB: d.db})
		i := 0
		for b.Loop() {
			if err := record(benchCtx(), svc, d.ws.ID, &people[i%len(people)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// appendWriters is how many goroutines append at once in
// BenchmarkAppendConcurrent.
const appendWriters = 8

// BenchmarkAppendConcurrent is the same append from 8 goroutines at once,
// each on its own people of the same workspace: every append locks the
// workspace's chain head (SQLite: queues for the single writer).
func BenchmarkAppendConcurrent(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		withConsent(b, d)
		people := subjects(b, d, d.ws.ID, 991, 1000)
		svc := consent.NewService(sqldb.ConsentStore{DB: d.db})
		procs := runtime.GOMAXPROCS(0)
		par := (appendWriters + procs - 1) / procs
		goroutines := par * procs
		b.SetParallelism(par)
		var next atomic.Int64
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			g := int(next.Add(1)-1) % goroutines
			var mine []*subject
			for i := g; i < len(people); i += goroutines {
				mine = append(mine, &people[i])
			}
			i := 0
			for pb.Next() {
				if err := record(benchCtx(), svc, d.ws.ID, mine[i%len(mine)]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// chainEvents is the length of the chain BenchmarkVerifyChain walks.
const chainEvents = 100_000

// appendBatch appends one event for each of people (from start, wrapping)
// in one ConsentStore.Append, that is one transaction.
func appendBatch(ctx context.Context, store sqldb.ConsentStore, ws int64, people []subject, start, n int) error {
	at := time.Now().UTC()
	events := make([]*consent.Event, n)
	for i := range events {
		events[i] = people[(start+i)%len(people)].event(at)
	}
	entry := audit.NewEntry(ctx, ws, "consent.bulk", "person", "", map[string]any{"people": n})
	if err := store.Append(ctx, ws, events, entry); err != nil {
		return err
	}
	for i := range events {
		s := &people[(start+i)%len(people)]
		s.granted = !s.granted
	}
	return nil
}

// BenchmarkVerifyChain is consent.Verify over the 100,000 events of the
// workspace "chain" (appended once, by batches of 1,000 events): every
// event read, re-hashed and linked to the one before it.
func BenchmarkVerifyChain(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		ctx := benchCtx()
		store := sqldb.ConsentStore{DB: d.db}
		ws := smallWorkspace(b, d, "chain", 10_000)
		seq, _, err := store.Head(ctx, ws.ID)
		if err != nil {
			b.Fatal(err)
		}
		if seq < chainEvents {
			b.Logf("%s: appending %d events to the chain (once; kept for later runs)", d.db.Engine, chainEvents-seq)
			start := time.Now()
			people := subjects(b, d, ws.ID, 1, 10_000)
			for ; seq < chainEvents; seq += 1000 {
				if err := appendBatch(ctx, store, ws.ID, people, int(seq), 1000); err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: chain appended in %s", d.db.Engine, time.Since(start).Round(100*time.Millisecond))
		}
		var r *consent.Report
		for b.Loop() {
			if r, err = consent.Verify(ctx, store, ws.ID); err != nil {
				b.Fatal(err)
			}
			if !r.OK() {
				b.Fatalf("chain problem: %+v", r.Problem)
			}
		}
		b.ReportMetric(float64(r.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// bulkBatch is the number of events of one ConsentStore.Append in
// BenchmarkAppendBulk; run it 10 times (-benchtime 10x) for 100,000.
const bulkBatch = 10_000

// BenchmarkAppendBulk is ConsentStore.Append of 10,000 events (one per
// person of the 10,000-person workspace "bulk") in one transaction, as a
// bulk action or an import would: chain, projection and one audit entry.
func BenchmarkAppendBulk(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		ctx := benchCtx()
		store := sqldb.ConsentStore{DB: d.db}
		ws := smallWorkspace(b, d, "bulk", bulkBatch)
		people := subjects(b, d, ws.ID, 1, bulkBatch)
		for b.Loop() {
			if err := appendBatch(ctx, store, ws.ID, people, 0, bulkBatch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(bulkBatch)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkAppendConcurrentOwnChains is BenchmarkAppendConcurrent with
// each of the 8 goroutines appending to its own workspace, hence its own
// chain head: set beside it, it shows what the shared head lock costs.
func BenchmarkAppendConcurrentOwnChains(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		procs := runtime.GOMAXPROCS(0)
		par := (appendWriters + procs - 1) / procs
		goroutines := par * procs
		type writer struct {
			ws     int64
			people []subject
		}
		writers := make([]writer, goroutines)
		for g := range writers {
			ws := smallWorkspace(b, d, fmt.Sprintf("own-chain-%d", g+1), 200)
			writers[g] = writer{ws: ws.ID, people: subjects(b, d, ws.ID, 1, 200)}
		}
		svc := consent.NewService(sqldb.ConsentStore{DB: d.db})
		b.SetParallelism(par)
		var next atomic.Int64
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			w := writers[int(next.Add(1)-1)%goroutines]
			i := 0
			for pb.Next() {
				if err := record(benchCtx(), svc, w.ws, &w.people[i%len(w.people)]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
