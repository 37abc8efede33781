package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestPagination pages through 120 people in every sort order and checks
// that each person comes exactly once, in order.
func TestPagination(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		lastNames := []string{"Dupont", "Durand", "Martin", "Bernard", "Thomas", "Petit"}
		want := map[string]bool{}
		for i := range 120 {
			p, err := e.crm.CreatePerson(ctx, e.wsA.ID, crm.PersonInput{FirstName: fmt.Sprintf("P%03d", (i*37)%120),
				LastName: lastNames[i%len(lastNames)], Emails: []string{fmt.Sprintf("p%d@example.com", i)}})
			if err != nil {
				t.Fatal(err)
			}
			want[p.PublicID] = true
			if i%3 == 0 { // a third have an interaction, on different days
				at := time.Date(2026, 1, 1+i%28, 10, 0, 0, 0, time.UTC)
				if _, err := e.crm.AddActivity(ctx, e.wsA.ID, 0, crm.ActivityInput{PersonID: p.PublicID, Kind: crm.KindCall, OccurredAt: at, Subject: "x"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := e.crm.CreatePerson(ctx, e.wsB.ID, crm.PersonInput{LastName: "Dupont"}); err != nil {
			t.Fatal(err)
		}
		for _, query := range []string{"", "sort=name&order=desc&", "sort=created&", "sort=created&order=desc&",
			"sort=last_interaction&", "sort=last_interaction&order=desc&lifecycle=lead&"} {
			seen := collect(t, e, func(cursor string) response {
				return e.do(t, "GET", "/api/v1/people?"+query+"limit=50&cursor="+cursor, "reader", "")
			})
			if len(seen) != 120 {
				t.Errorf("%s: %d people, want 120", query, len(seen))
			}
			for id := range want {
				if seen[id] != 1 {
					t.Errorf("%s: person %s seen %d times", query, id, seen[id])
				}
			}
		}
		// Search pages too, by POST, with the cursor in the body.
		seen := collect(t, e, func(cursor string) response {
			c := "null"
			if cursor != "" {
				c = `"` + cursor + `"`
			}
			return e.do(t, "POST", "/api/v1/people/search", "reader", `{"query":"dup","limit":7,"cursor":`+c+`}`)
		})
		if len(seen) != 20 {
			t.Errorf("search dup: %d people, want 20", len(seen))
		}
	})
}

// collect follows next_cursor from the first page to the last and counts
// how often each id comes.
func collect(t *testing.T, e *env, get func(cursor string) response) map[string]int {
	t.Helper()
	seen := map[string]int{}
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
		r := get(cursor)
		if r.status != http.StatusOK {
			t.Fatalf("page %d: %d %s", pages, r.status, r.body)
		}
		ids, next := r.page(t)
		for _, id := range ids {
			seen[id]++
		}
		if next == "" {
			return seen
		}
		if next != ids[len(ids)-1] {
			t.Fatalf("next_cursor %s is not the last id of the page", next)
		}
		cursor = next
	}
}

func TestSearchPeople(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ids := run(t, e, []step{
			{name: "org", method: "POST", path: "/api/v1/organisations", token: "admin", status: 201, save: "org",
				body: `{"name":"Boulangerie Martin","status":"customer"}`},
			{name: "anne", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "anne",
				body: `{"first_name":"Anne","last_name":"Dupont","emails":["anne@example.com"],"phones":["06 12 34 56 78"],"organisation_id":"{org}"}`},
			{name: "jean", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "jean",
				body: `{"first_name":"Jean","last_name":"Durand","lifecycle":"customer","audience":"b2c"}`},
		})
		for _, tt := range []struct {
			body string
			want []string
		}{
			{`{"query":"du"}`, []string{ids["anne"], ids["jean"]}},
			{`{"query":"anne dup"}`, []string{ids["anne"]}},
			{`{"query":"ANNE@example.com"}`, []string{ids["anne"]}},
			{`{"query":"06 12 34"}`, []string{ids["anne"]}},
			{`{"query":"du","lifecycle":"customer"}`, []string{ids["jean"]}},
			{`{"audience":"b2c"}`, []string{ids["jean"]}},
			{`{"organisation_id":"` + ids["org"] + `"}`, []string{ids["anne"]}},
			{`{"query":"zz"}`, nil},
		} {
			r := e.do(t, "POST", "/api/v1/people/search", "reader", tt.body)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", tt.body, r.status, r.body)
			}
			got, next := r.page(t)
			if !slices.Equal(got, tt.want) || next != "" {
				t.Errorf("search %s = %v (next %q), want %v", tt.body, got, next, tt.want)
			}
		}
		r := e.do(t, "POST", "/api/v1/people/search", "reader", `{"query":"anne"}`)
		for _, want := range []string{`"email":"anne@example.com"`, `"phone":"+33612345678"`, `"organisation_name":"Boulangerie Martin"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("list item lacks %s: %s", want, r.body)
			}
		}
		if r := e.do(t, "POST", "/api/v1/people/search", "reader", `{"query":"`+strings.Repeat("a", 201)+`"}`); r.status != http.StatusUnprocessableEntity {
			t.Errorf("long query: %d", r.status)
		}
		if r := e.do(t, "POST", "/api/v1/people/search", "reader", `{"query":"a\u0000b"}`); r.status != http.StatusUnprocessableEntity {
			t.Errorf("NUL in query: %d %s", r.status, r.body)
		}
	})
}
