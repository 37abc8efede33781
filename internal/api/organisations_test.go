package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/web"
)

func TestOrganisations(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		const org = "/api/v1/organisations/{org}"
		run(t, e, []step{
			{name: "create", method: "POST", path: "/api/v1/organisations", token: "admin", status: 201, save: "org",
				body: `{"name":"Boulangerie Martin","phone":"01 23 45 67 89","address":{"city":"Paris","country":"fr"}}`,
				want: []string{`"kind":"b2b"`, `"status":"prospect"`, `"phone":"+33123456789"`, `"country":"FR"`, `"people_count":0`}},
			{name: "no region", method: "POST", path: "/api/v1/organisations", token: "admin", status: 400,
				body: `{"name":"X","address":{"region":"IDF"}}`, want: []string{`field address.region is not a known field`}},
			{name: "name required", method: "POST", path: "/api/v1/organisations", token: "admin", status: 422,
				body: `{"website":"https://example.com"}`, want: []string{`"name":"is required"`}},
			{name: "member", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "p",
				body: `{"last_name":"Martin","organisation_id":"{org}"}`, want: []string{`"organisation_name":"Boulangerie Martin"`}},
			{name: "get", method: "GET", path: org, token: "reader", status: 200, want: []string{`"people_count":1`}},
			{name: "patch", method: "PATCH", path: org, token: "sales", status: 200,
				body: `{"status":"customer","address":{"line1":"3 rue du Four"}}`,
				want: []string{`"status":"customer"`, `"line1":"3 rue du Four"`, `"city":"Paris"`, `"name":"Boulangerie Martin"`}},
			{name: "put", method: "PUT", path: org, token: "sales", status: 200, body: `{"name":"Boulangerie Martin & Fils"}`,
				want: []string{`"status":"prospect"`, `"city":""`, `"phone":""`}},
			{name: "list", method: "GET", path: "/api/v1/organisations?status=prospect&kind=b2b", token: "reader", status: 200,
				want: []string{`"id":"{org}"`, `"next_cursor":null`}},
			{name: "list filtered out", method: "GET", path: "/api/v1/organisations?status=partner", token: "reader", status: 200,
				want: []string{`"data":[]`}},
			{name: "bad status", method: "GET", path: "/api/v1/organisations?status=vip", token: "reader", status: 422},
			{name: "search", method: "POST", path: "/api/v1/organisations/search", token: "reader", status: 200,
				body: `{"query":"boulang"}`, want: []string{`"id":"{org}"`}},
			{name: "reader cannot delete", method: "DELETE", path: org, token: "reader", status: 403},
			{name: "delete", method: "DELETE", path: org, token: "sales", status: 204},
			{name: "member stays", method: "GET", path: "/api/v1/people/{p}", token: "reader", status: 200,
				want: []string{`"organisation_id":null`}},
		})
	})
}

func TestActivities(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		run(t, e, []step{
			{name: "org", method: "POST", path: "/api/v1/organisations", token: "admin", status: 201, save: "org", body: `{"name":"Acme"}`},
			{name: "person", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "p",
				body: `{"last_name":"Martin","organisation_id":"{org}"}`},
			{name: "note", method: "POST", path: "/api/v1/activities", token: "sales", status: 201, save: "note",
				body: `{"person_id":"{p}","kind":"note","body":"Likes croissants","occurred_at":"2026-01-10T09:00:00+01:00"}`,
				want: []string{`"counts_as_interaction":false`, `"occurred_at":"2026-01-10T08:00:00Z"`, `"author_name":null`,
					`"organisation_id":"{org}"`}},
			{name: "call", method: "POST", path: "/api/v1/activities", token: "sales", status: 201, save: "call",
				body: `{"person_id":"{p}","kind":"call","subject":"Order","occurred_at":"2026-01-12T10:00:00Z"}`,
				want: []string{`"counts_as_interaction":true`}},
			{name: "org activity", method: "POST", path: "/api/v1/activities", token: "sales", status: 201,
				body: `{"organisation_id":"{org}","kind":"meeting","subject":"Visit","counts_as_interaction":false,"occurred_at":"2026-01-11T10:00:00Z"}`},
			{name: "both", method: "POST", path: "/api/v1/activities", token: "sales", status: 422,
				body: `{"person_id":"{p}","organisation_id":"{org}","kind":"call","subject":"x"}`, want: []string{`"person_id":`}},
			{name: "bad kind", method: "POST", path: "/api/v1/activities", token: "sales", status: 422,
				body: `{"person_id":"{p}","kind":"lunch","subject":"x"}`, want: []string{`"kind":`}},
			{name: "bad time", method: "POST", path: "/api/v1/activities", token: "sales", status: 422,
				body: `{"person_id":"{p}","kind":"call","subject":"x","occurred_at":"12/01/2026"}`, want: []string{`"occurred_at":`}},
			{name: "reader cannot add", method: "POST", path: "/api/v1/activities", token: "reader", status: 403,
				body: `{"person_id":"{p}","kind":"note","body":"x"}`},
			{name: "person moved", method: "GET", path: "/api/v1/people/{p}", token: "reader", status: 200,
				want: []string{`"last_interaction_at":"2026-01-12T10:00:00Z"`}},
			{name: "person timeline", method: "GET", path: "/api/v1/people/{p}/activities", token: "reader", status: 200,
				want: []string{`"data":[{"id":"{call}"`, `"id":"{note}"`, `"person_name":"Martin"`}},
			{name: "org timeline", method: "GET", path: "/api/v1/organisations/{org}/activities?limit=2", token: "reader", status: 200,
				want: []string{`"data":[{"id":"{call}"`, `"kind":"meeting"`}},
			{name: "timeline limit", method: "GET", path: "/api/v1/organisations/{org}/activities?limit=501", token: "reader", status: 422},
			{name: "get", method: "GET", path: "/api/v1/activities/{note}", token: "reader", status: 200, want: []string{`"body":"Likes croissants"`}},
			{name: "reader cannot delete", method: "DELETE", path: "/api/v1/activities/{call}", token: "reader", status: 403},
			{name: "delete", method: "DELETE", path: "/api/v1/activities/{call}", token: "sales", status: 204},
			{name: "person moved back", method: "GET", path: "/api/v1/people/{p}", token: "reader", status: 200,
				want: []string{`"last_interaction_at":null`}},
		})
	})
}

// TestAudit checks that API calls are recorded with the token as actor and
// the request id that the server's middleware gave the request.
func TestAudit(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		srv := httptest.NewServer(web.RequestID(e.handler))
		t.Cleanup(srv.Close)
		e.srv = srv
		created := e.do(t, "POST", "/api/v1/people", "sales", `{"last_name":"Martin"}`)
		id := created.id(t)
		reqIDs := map[string]bool{created.header.Get("X-Request-ID"): true}
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/api/v1/people/" + id, ""},
			{"PATCH", "/api/v1/people/" + id, `{"first_name":"Anne"}`},
			{"DELETE", "/api/v1/people/" + id, ""},
		} {
			r := e.do(t, c.method, c.path, "sales", c.body)
			if r.status >= 300 {
				t.Fatalf("%s: %d %s", c.method, r.status, r.body)
			}
			reqIDs[r.header.Get("X-Request-ID")] = true
		}
		entries, err := (sqldb.AuditStore{DB: db}).List(context.Background(), audit.Filter{WorkspaceID: e.wsA.ID, ObjectID: id})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action)
			if en.Actor.Kind != audit.ActorAPIToken || en.Actor.ID != e.tokenIDs["sales"] {
				t.Errorf("%s: actor %+v, want the sales token", en.Action, en.Actor)
			}
			if !reqIDs[en.RequestID] {
				t.Errorf("%s: request id %q is not one the responses gave", en.Action, en.RequestID)
			}
		}
		if got, want := len(actions), 4; got != want {
			t.Errorf("audit = %v, want create, view, update, delete", actions)
		}
		if e.do(t, "GET", "/api/v1/people", "sales", "").status != http.StatusOK {
			t.Fatal("list failed")
		}
		list, err := (sqldb.AuditStore{DB: db}).List(context.Background(), audit.Filter{WorkspaceID: e.wsA.ID, Action: "person.list"})
		if err != nil || len(list) != 1 || list[0].Actor.Kind != audit.ActorAPIToken {
			t.Errorf("person.list entries = %+v (%v)", list, err)
		}
	})
}
