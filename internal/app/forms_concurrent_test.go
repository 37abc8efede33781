package app_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/registre/registre/internal/audit"
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

// TestFormGroupMixed: one burst of submissions mixes new addresses, known
// people, suppressed addresses and the same new address twice, so that
// groups hold every kind at once: new people are written together, the
// others one by one, and each ends as it would alone. Then the per-form
// limit is reached in the middle of a burst: exactly the submissions past
// it are refused, and none of them is stored.
func TestFormGroupMixed(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		var burst []string
		for i := range 10 {
			email := fmt.Sprintf("known%d@exemple.fr", i)
			if _, err := e.app.CRM.CreatePerson(e.ctx, e.ws.ID, crmInput(email)); err != nil {
				t.Fatal(err)
			}
			burst = append(burst, email)
		}
		var gone []string
		for i := range 5 {
			gone = append(gone, fmt.Sprintf("gone%d@exemple.fr", i))
		}
		if _, err := (sqldb.SuppressionStore{DB: db}).Add(e.ctx, e.ws.ID, gone, consent.ReasonManual,
			audit.NewEntry(e.ctx, e.ws.ID, "suppression.add", "workspace", "", nil)); err != nil {
			t.Fatal(err)
		}
		burst = append(burst, gone...)
		for i := range 40 {
			burst = append(burst, fmt.Sprintf("new%d@exemple.fr", i))
		}
		for i := range 10 {
			burst = append(burst, fmt.Sprintf("NEW%d@exemple.fr", i)) // the same address, written otherwise
		}
		statuses := submitAll(e, burst)
		if statuses[http.StatusOK] != len(burst) {
			t.Fatalf("statuses %v, want %d × 200", statuses, len(burst))
		}
		checks := []struct {
			what  string
			query string
			want  int
		}{
			{"people", `SELECT COUNT(*) FROM people WHERE workspace_id = $1`, 50},
			{"people without a last interaction", `SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND last_interaction_at IS NULL`, 0},
			{"known people not updated", `SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND first_name <> 'Camille'`, 0},
			{"emails", `SELECT COUNT(*) FROM person_emails WHERE workspace_id = $1`, 50},
			{"submissions", `SELECT COUNT(*) FROM form_submissions WHERE workspace_id = $1`, 60},
			{"submissions creating their person", `SELECT COUNT(*) FROM form_submissions WHERE workspace_id = $1 AND created_person = TRUE`, 40},
			{"submitted values", `SELECT COUNT(*) FROM form_submission_values v JOIN form_submissions s ON s.id = v.submission_id WHERE s.workspace_id = $1`, 180},
			{"activities", `SELECT COUNT(*) FROM activities WHERE workspace_id = $1 AND kind = 'form_submission'`, 60},
			{"audit entries", `SELECT COUNT(*) FROM audit_log WHERE workspace_id = $1 AND action = 'form.submit'`, 60},
			{"consent requests", `SELECT COUNT(*) FROM consent_events WHERE workspace_id = $1 AND action = 'request'`, 50},
			{"opt-in requests", `SELECT COUNT(*) FROM optin_requests WHERE workspace_id = $1`, 50},
			{"queued emails", `SELECT COUNT(*) FROM outbox WHERE workspace_id = $1`, 50},
		}
		for _, c := range checks {
			if n := e.count(c.query, e.ws.ID); n != c.want {
				t.Errorf("%s: %d, want %d", c.what, n, c.want)
			}
		}
		report, err := consent.Verify(context.Background(), sqldb.ConsentStore{DB: db}, e.ws.ID)
		if err != nil || report.Problem != nil {
			t.Errorf("chain: %+v %v", report, err)
		}

		// Only the 60 stored submissions count: the suppressed addresses
		// stored nothing.
		e.app.Forms.Limits.PerForm = 60 + 20
		var more []string
		for i := range 30 {
			more = append(more, fmt.Sprintf("late%d@exemple.fr", i))
		}
		statuses = submitAll(e, more)
		if statuses[http.StatusOK] != 20 || statuses[http.StatusTooManyRequests] != 10 {
			t.Errorf("past the limit: statuses %v, want 20 × 200 and 10 × 429", statuses)
		}
		if n := e.count(`SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND email LIKE 'late%'`, e.ws.ID); n != 20 {
			t.Errorf("past the limit: %d people stored, want 20", n)
		}
	})
}

// submitAll posts a subscription for each address at once and counts the
// answers by status.
func submitAll(e *formsEnv, emails []string) map[int]int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	for _, email := range emails {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _ := e.submit(subscribe(email))
			mu.Lock()
			counts[status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return counts
}

// TestFormGroupBadBrowserValues: a burst in which some browsers send a
// user agent that is not valid UTF-8: every submission is recorded (the
// value is cleaned), none fails its neighbours in the group.
func TestFormGroupBadBrowserValues(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		_, page := e.get("/f/newsletter")
		started := startedPattern.FindStringSubmatch(page)[1]
		var wg sync.WaitGroup
		var mu sync.Mutex
		counts := map[int]int{}
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := subscribe(fmt.Sprintf("ua%d@exemple.fr", i))
				v.Set("_started", started)
				ua := "Firefox"
				if i%8 == 0 {
					ua = "bad\xff\xfeagent"
				}
				status, _ := e.post("/f/newsletter", v.Encode(), "User-Agent", ua)
				mu.Lock()
				counts[status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if counts[http.StatusOK] != 40 {
			t.Errorf("statuses %v, want 40 × 200", counts)
		}
		if n := e.count(`SELECT COUNT(*) FROM people WHERE workspace_id = $1`, e.ws.ID); n != 40 {
			t.Errorf("%d people, want 40", n)
		}
	})
}
