package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/app"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/mail"
	"github.com/registre/registre/internal/mail/mailtest"
	"github.com/registre/registre/internal/sqldb"
)

// formConns is the number of concurrent connections, as in the peer's
// figure (wrk -c32).
const formConns = 32

var startedField = regexp.MustCompile(`name="_started" value="([^"]+)"`)

// BenchmarkFormSubmitHTTP is the public form with double opt-in on, over
// loopback: 32 clients each on a kept-alive connection post a unique email
// with one consent box ticked; each submission creates the person, the
// history, the pending consent with its proof, the activity and the queued
// confirmation, which the sender loop delivers (through the contact rules)
// to an in-process SMTP server meanwhile. It reports submissions per
// second and the p50 and p99 latency.
func BenchmarkFormSubmitHTTP(b *testing.B) {
	each(b, func(b *testing.B, d *dataset) {
		smtp := mailtest.Start(b)
		a, err := app.New(benchCtx(), d.db, app.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			SMTP:       mail.Config{Host: smtp.Host, Port: smtp.Port, Security: mail.NoTLS},
			FormLimits: forms.Limits{MinFillTime: time.Nanosecond, PerIP: 1 << 30, PerForm: 1 << 30}})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		wait := a.RunBackground(ctx)
		// The sender stops before the SMTP server (cleanups run last
		// first).
		b.Cleanup(func() { cancel(); wait() })
		slug := "bench-" + uuid.NewString()[:8]
		actx := audit.WithActor(benchCtx(), audit.Actor{Kind: audit.ActorCLI})
		// Forms ask consent only for purposes the register declares
		// (adopting again is a no-op).
		if _, err := a.Register.AdoptTemplates(actx, d.ws.ID, nil); err != nil {
			b.Fatal(err)
		}
		f, err := a.Forms.CreateForm(actx, d.ws.ID, "Bench", slug, "fr", d.ws.Name)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Forms.Publish(actx, d.ws.ID, f.PublicID); err != nil {
			b.Fatal(err)
		}
		// Earlier runs may have left confirmations queued (the sender
		// still sending when they stopped): each run starts with an empty
		// queue, and reports what it leaves.
		if _, err := d.db.Exec(actx, `UPDATE outbox SET status = 'sent' WHERE status = 'queued'`); err != nil {
			b.Fatal(err)
		}
		if d.db.Engine == sqldb.Postgres {
			// Earlier runs left each of their messages twice dead in the
			// outbox. Autovacuum clears them in production (migration
			// 0080 sets its threshold), but this machine's server runs
			// with autovacuum off.
			if _, err := d.db.Exec(actx, "VACUUM outbox"); err != nil {
				b.Fatal(err)
			}
		}
		srv := httptest.NewServer(a.Handler())
		b.Cleanup(srv.Close)
		lat := submitLoad(b, srv.URL+"/f/"+slug, slug)
		slices.Sort(lat)
		b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "submissions/s")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		var backlog int
		if err := d.db.QueryRow(actx, `SELECT COUNT(*) FROM outbox WHERE status = 'queued'`).Scan(&backlog); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(backlog), "still-queued")
		b.ReportMetric(0, "ns/op")
	})
}

// submitLoad posts b.N submissions from formConns clients and returns
// their latencies.
func submitLoad(b *testing.B, target, slug string) []time.Duration {
	res, err := http.Get(target)
	if err != nil {
		b.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := startedField.FindSubmatch(page)
	if m == nil {
		b.Fatalf("form page %d has no start time", res.StatusCode)
	}
	started := string(m[1])
	tr := &http.Transport{MaxIdleConnsPerHost: formConns, MaxConnsPerHost: formConns}
	client := &http.Client{Transport: tr}
	b.Cleanup(tr.CloseIdleConnections)
	var next atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	run := uuid.NewString()[:8]
	b.ResetTimer()
	for w := 0; w < formConns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					break
				}
				body := url.Values{"email": {fmt.Sprintf("user%07d-%s@example.com", i, run)}, "first_name": {"User"},
					"last_name": {fmt.Sprintf("%07d", i)}, "consent.email_marketing": {"yes"}, "_started": {started}}.Encode()
				t0 := time.Now()
				res, err := client.Post(target, "application/x-www-form-urlencoded", strings.NewReader(body))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Errorf("submission %d: %d", i, res.StatusCode)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.StopTimer()
	if len(all) == 0 {
		b.Fatal("no submission succeeded")
	}
	return all
}
