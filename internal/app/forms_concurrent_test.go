package app_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestFormConcurrentSubmissions: submissions applied together in groups
// give each submitter their own answer; the same address submitted at once
// makes one person with one pending request; the chain verifies.
func TestFormConcurrentSubmissions(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		var wg sync.WaitGroup
		statuses := make(chan int, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := subscribe(fmt.Sprintf("same%d@exemple.fr", i%10))
				if i%13 == 0 {
					v.Set("email", "not an email")
				}
				status, _ := e.submit(v)
				statuses <- status
			}()
		}
		wg.Wait()
		close(statuses)
		counts := map[int]int{}
		for s := range statuses {
			counts[s]++
		}
		if counts[http.StatusOK] != 36 || counts[422] != 4 {
			t.Errorf("statuses %v, want 36 × 200 and 4 × 422", counts)
		}
		if n := e.count(`SELECT COUNT(*) FROM people WHERE workspace_id = $1`, e.ws.ID); n != 10 {
			t.Errorf("%d people, want 10", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM consent_events WHERE workspace_id = $1 AND action = 'request'`, e.ws.ID); n != 10 {
			t.Errorf("%d requests, want one per person", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM form_submissions WHERE workspace_id = $1`, e.ws.ID); n != 36 {
			t.Errorf("%d submissions kept, want 36", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM outbox WHERE workspace_id = $1`, e.ws.ID); n != 10 {
			t.Errorf("%d emails queued, want 10", n)
		}
		report, err := consent.Verify(context.Background(), sqldb.ConsentStore{DB: db}, e.ws.ID)
		if err != nil || report.Problem != nil {
			t.Errorf("chain: %+v %v", report, err)
		}
	})
}
