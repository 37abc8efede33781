package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestWorkspaceIsolation checks that a token of workspace A can neither see
// nor touch anything of workspace B, and that what it gets back for B's ids
// is exactly what it gets for ids that do not exist.
func TestWorkspaceIsolation(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		b := run(t, e, []step{
			{name: "B org", method: "POST", path: "/api/v1/organisations", token: "other", status: 201, save: "org",
				body: `{"name":"Globex Hidden"}`},
			{name: "B person", method: "POST", path: "/api/v1/people", token: "other", status: 201, save: "person",
				body: `{"first_name":"Zoé","last_name":"Secretname","emails":["zoe@globex.example"],"phones":["+33698765432"],"organisation_id":"{org}"}`},
			{name: "B activity", method: "POST", path: "/api/v1/activities", token: "other", status: 201, save: "act",
				body: `{"person_id":"{person}","kind":"call","subject":"Private call"}`},
		})
		run(t, e, []step{{name: "A person", method: "POST", path: "/api/v1/people", token: "admin", status: 201,
			body: `{"last_name":"Visible"}`}})

		missing := "00000000-0000-4000-8000-000000000000"
		for _, id := range []string{b["person"], missing} {
			for _, c := range []struct{ method, path, body string }{
				{"GET", "/api/v1/people/" + id, ""},
				{"PUT", "/api/v1/people/" + id, `{"last_name":"Hacked"}`},
				{"PATCH", "/api/v1/people/" + id, `{"last_name":"Hacked"}`},
				{"DELETE", "/api/v1/people/" + id, ""},
				{"GET", "/api/v1/people/" + id + "/activities", ""},
			} {
				if r := e.do(t, c.method, c.path, "admin", c.body); r.status != http.StatusNotFound || !strings.Contains(r.body, `"message":"Person not found."`) {
					t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
				}
			}
		}
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/api/v1/organisations/" + b["org"], ""},
			{"PUT", "/api/v1/organisations/" + b["org"], `{"name":"Hacked"}`},
			{"PATCH", "/api/v1/organisations/" + b["org"], `{"name":"Hacked"}`},
			{"DELETE", "/api/v1/organisations/" + b["org"], ""},
			{"GET", "/api/v1/organisations/" + b["org"] + "/activities", ""},
			{"GET", "/api/v1/activities/" + b["act"], ""},
			{"DELETE", "/api/v1/activities/" + b["act"], ""},
		} {
			if r := e.do(t, c.method, c.path, "admin", c.body); r.status != http.StatusNotFound {
				t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
			}
		}

		// References to B's objects in bodies and filters are refused like
		// unknown ones, naming no one.
		run(t, e, []step{
			{name: "activity on B's person", method: "POST", path: "/api/v1/activities", token: "admin", status: 422,
				body: `{"person_id":"` + b["person"] + `","kind":"note","body":"x"}`,
				want: []string{`"person_id":"does not exist in this workspace"`}},
			{name: "activity on B's org", method: "POST", path: "/api/v1/activities", token: "admin", status: 422,
				body: `{"organisation_id":"` + b["org"] + `","kind":"note","body":"x"}`,
				want: []string{`"organisation_id":"does not exist in this workspace"`}},
			{name: "person in B's org", method: "POST", path: "/api/v1/people", token: "admin", status: 422,
				body: `{"last_name":"X","organisation_id":"` + b["org"] + `"}`, want: []string{`"organisation_id":`}},
			{name: "filter by B's org", method: "GET", path: "/api/v1/people?organisation_id=" + b["org"], token: "admin", status: 422},
			{name: "B's person as cursor", method: "GET", path: "/api/v1/people?cursor=" + b["person"], token: "admin", status: 422,
				want: []string{`"cursor":"is not valid"`}},
			// The same email is free in A: uniqueness is per workspace, and
			// the answer must not reveal B's person.
			{name: "B's email in A", method: "POST", path: "/api/v1/people", token: "admin", status: 201,
				body: `{"last_name":"Other","emails":["zoe@globex.example"]}`},
		})

		// Lists and searches of A never show B.
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/api/v1/people?limit=200", ""},
			{"POST", "/api/v1/people/search", `{"query":"secretname"}`},
			{"POST", "/api/v1/people/search", `{"query":"zoé"}`},
			{"POST", "/api/v1/people/search", `{"query":"+33698765432"}`},
			{"GET", "/api/v1/organisations", ""},
			{"POST", "/api/v1/organisations/search", `{"query":"globex"}`},
		} {
			r := e.do(t, c.method, c.path, "admin", c.body)
			if r.status != http.StatusOK {
				t.Fatalf("%s %s: %d %s", c.method, c.path, r.status, r.body)
			}
			for _, secret := range []string{b["person"], b["org"], "Secretname", "Globex Hidden"} {
				if strings.Contains(r.body, secret) {
					t.Errorf("%s %s %s shows B's %q: %s", c.method, c.path, c.body, secret, r.body)
				}
			}
		}

		// B's data is untouched, and B's audit log has no entry by A's token.
		ctx := context.Background()
		p, err := e.crm.Store.Person(ctx, e.wsB.ID, b["person"])
		if err != nil || p.LastName != "Secretname" {
			t.Fatalf("B's person: %v %+v", err, p)
		}
		if _, err := e.crm.Store.Activity(ctx, e.wsB.ID, b["act"]); err != nil {
			t.Fatalf("B's activity: %v", err)
		}
		entries, err := (sqldb.AuditStore{DB: db}).List(ctx, audit.Filter{WorkspaceID: e.wsB.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range entries {
			if en.Actor.ID != e.tokenIDs["other"] && en.Action != "token.create" {
				t.Errorf("B's audit log has %s by %+v", en.Action, en.Actor)
			}
		}
	})
}
