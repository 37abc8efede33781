package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// step is one request of a scenario. Paths and bodies may name ids saved
// by earlier steps as {name}.
type step struct {
	name   string
	method string
	path   string
	token  string
	body   string
	status int
	want   []string // substrings of the response body
	save   string   // save the response's id under this name
}

// run plays steps in order against e.
func run(t *testing.T, e *env, steps []step) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, s := range steps {
		pairs := []string{}
		for k, v := range ids {
			pairs = append(pairs, "{"+k+"}", v)
		}
		fill := strings.NewReplacer(pairs...)
		r := e.do(t, s.method, fill.Replace(s.path), s.token, fill.Replace(s.body))
		if r.status != s.status {
			t.Fatalf("%s: status %d, want %d: %s", s.name, r.status, s.status, r.body)
		}
		for _, w := range s.want {
			if w = fill.Replace(w); !strings.Contains(r.body, w) {
				t.Errorf("%s: body lacks %s:\n%s", s.name, w, r.body)
			}
		}
		if s.save != "" {
			ids[s.save] = r.id(t)
		}
	}
	return ids
}

func TestPeopleCRUD(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		const person = "/api/v1/people/{p1}"
		ids := run(t, e, []step{
			{name: "create", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "p1",
				body: `{"first_name":"Élodie","last_name":"Lefèvre","emails":["Elodie@Example.FR","elodie@bücher.example"],
					"phones":["06 12 34 56 78"],"address":{"city":"Lyon","country":"fr"},"lifecycle":"prospect"}`,
				want: []string{`"emails":["Elodie@Example.FR","elodie@bücher.example"]`, `"phones":["+33612345678"]`,
					`"country":"FR"`, `"organisation_id":null`, `"origin":"manual"`, `"last_interaction_at":null`}},
			{name: "get", method: "GET", path: person, token: "reader", status: 200,
				want: []string{`"id":"{p1}"`, `"first_name":"Élodie"`, `"lifecycle":"prospect"`, `"custom":{}`}},
			{name: "patch merges", method: "PATCH", path: person, token: "sales", status: 200,
				body: `{"job_title":"Gérante","address":{"line1":"1 rue de la Paix"}}`,
				want: []string{`"job_title":"Gérante"`, `"line1":"1 rue de la Paix"`, `"city":"Lyon"`,
					`"last_name":"Lefèvre"`, `"emails":["Elodie@Example.FR","elodie@bücher.example"]`}},
			{name: "patch null clears", method: "PATCH", path: person, token: "sales", status: 200,
				body: `{"job_title":null,"phones":null}`, want: []string{`"job_title":""`, `"phones":[]`, `"city":"Lyon"`}},
			{name: "put replaces", method: "PUT", path: person, token: "sales", status: 200,
				body: `{"last_name":"Martin","emails":["elodie@example.fr"]}`,
				want: []string{`"first_name":""`, `"last_name":"Martin"`, `"city":""`, `"emails":["elodie@example.fr"]`,
					`"lifecycle":"lead"`}},
			{name: "delete", method: "DELETE", path: person, token: "sales", status: 204},
			{name: "gone", method: "GET", path: person, token: "admin", status: 404, want: []string{`"code":"not_found"`}},
			{name: "delete again", method: "DELETE", path: person, token: "admin", status: 404},
		})
		if ids["p1"] == "" {
			t.Fatal("no person created")
		}
		if logs := e.logs.String(); logs != "" {
			t.Errorf("unexpected logs: %s", logs)
		}
	})
}

func TestPeopleErrors(t *testing.T) {
	big := `{"last_name":"` + strings.Repeat("a", 1<<20) + `"}`
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		run(t, e, []step{
			{name: "create", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "p1",
				body: `{"last_name":"Dupont","emails":["anne@example.com"]}`},
			{name: "create other", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "p2",
				body: `{"last_name":"Durand"}`},

			{name: "validation", method: "POST", path: "/api/v1/people", token: "admin", status: 422,
				body: `{"last_name":"X","emails":["not-an-email"],"phones":["12"],"address":{"country":"France"}}`,
				want: []string{`"code":"invalid"`, `"fields":{`, `"emails":"“not-an-email”: must look like name@example.com"`,
					`"phones":`, `"address.country":"must be a two-letter country code such as FR"`}},
			{name: "no name", method: "POST", path: "/api/v1/people", token: "admin", status: 422, body: `{}`,
				want: []string{`"last_name":"A person needs a name or an email address."`}},
			{name: "bad enum and time", method: "POST", path: "/api/v1/people", token: "admin", status: 422,
				body: `{"last_name":"X","collected_at":"yesterday","organisation_id":"acme"}`,
				want: []string{`"collected_at":"must be an RFC 3339 time`, `"organisation_id":"is not an organisation of this workspace"`}},
			{name: "bad lifecycle", method: "POST", path: "/api/v1/people", token: "admin", status: 422,
				body: `{"last_name":"X","lifecycle":"vip"}`, want: []string{`"lifecycle":`}},

			{name: "duplicate email", method: "POST", path: "/api/v1/people", token: "admin", status: 409,
				body: `{"last_name":"Y","emails":["ANNE@example.com"]}`,
				want: []string{`"code":"conflict"`, `"related_id":"{p1}"`, `"fields":{"emails":"belongs to another person"}`}},
			{name: "duplicate email by patch", method: "PATCH", path: "/api/v1/people/{p2}", token: "admin", status: 409,
				body: `{"emails":["anne@example.com"]}`, want: []string{`"related_id":"{p1}"`}},

			{name: "truncated JSON", method: "POST", path: "/api/v1/people", token: "admin", status: 400,
				body: `{"last_name": "X"`, want: []string{`"code":"invalid"`, `body is not valid JSON: unexpected end at offset 17`}},
			{name: "syntax error", method: "POST", path: "/api/v1/people", token: "admin", status: 400,
				body: `{"last_name" "X"}`, want: []string{`body is not valid JSON: invalid character '\"' after object key at offset 14`}},
			{name: "wrong type", method: "POST", path: "/api/v1/people", token: "admin", status: 400,
				body: `{"first_name": 5}`, want: []string{`field first_name must be a string, not number`, `"fields":{"first_name":`}},
			{name: "wrong type nested", method: "POST", path: "/api/v1/people", token: "admin", status: 400,
				body: `{"emails": "a@example.com"}`, want: []string{`field emails must be an array of strings, not string`}},
			{name: "not an object", method: "POST", path: "/api/v1/people", token: "admin", status: 400,
				body: `["x"]`, want: []string{`body must be a JSON object`}},
			{name: "null body", method: "POST", path: "/api/v1/people", token: "admin", status: 400,
				body: `null`, want: []string{`body must be a JSON object`}},
			{name: "empty body", method: "POST", path: "/api/v1/people", token: "admin", status: 400,
				want: []string{`body is empty`}},
			{name: "trailing data", method: "POST", path: "/api/v1/people", token: "admin", status: 400,
				body: `{"last_name":"X"} {}`, want: []string{`unexpected data after the object at offset 18`}},
			{name: "unknown field and trailing data", method: "POST", path: "/api/v1/people", token: "admin", status: 400,
				body: `{"nickname":"Z"} x`, want: []string{`field nickname is not a known field`}},
			{name: "unknown field", method: "POST", path: "/api/v1/people", token: "admin", status: 400,
				body: `{"last_name":"X","nickname":"Z"}`,
				want: []string{`field nickname is not a known field`, `"fields":{"nickname":`}},
			{name: "unknown nested field", method: "PATCH", path: "/api/v1/people/{p1}", token: "admin", status: 400,
				body: `{"address":{"street":"x"}}`, want: []string{`field address.street is not a known field`}},
			{name: "field names are case-sensitive", method: "PATCH", path: "/api/v1/people/{p1}", token: "admin",
				status: 400, body: `{"Last_Name":"X"}`, want: []string{`field Last_Name is not a known field`}},
			{name: "too large", method: "POST", path: "/api/v1/people", token: "admin", status: 413, body: big,
				want: []string{`"code":"too_large"`}},

			{name: "bad limit", method: "GET", path: "/api/v1/people?limit=0", token: "admin", status: 422,
				want: []string{`"limit":"must be between 1 and 200"`}},
			{name: "limit not a number", method: "GET", path: "/api/v1/people?limit=x", token: "admin", status: 422,
				want: []string{`"limit":"must be a whole number"`}},
			{name: "bad filters", method: "GET", path: "/api/v1/people?sort=age&order=up&lifecycle=vip&cursor=x", token: "admin",
				status: 422, want: []string{`"sort":`, `"order":`, `"lifecycle":`, `"cursor":"is not valid"`}},
			{name: "search in URL", method: "GET", path: "/api/v1/people?q=anne", token: "admin", status: 400,
				want: []string{`parameter q is not a known parameter`}},
			{name: "malformed id", method: "GET", path: "/api/v1/people/not-a-uuid", token: "admin", status: 404},
			{name: "NUL in id", method: "PATCH", path: "/api/v1/people/%00", token: "admin", status: 404, body: `{}`},
			{name: "no such endpoint", method: "GET", path: "/api/v1/nothing", token: "admin", status: 404},
			{name: "wrong method", method: "PATCH", path: "/api/v1/activities/{p1}", token: "admin", status: 405,
				want: []string{`use DELETE or GET`}},
		})
	})
}

func TestAuthentication(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		body := `{"last_name":"Dupont"}`
		for _, tt := range []struct {
			name, method, token string
			status              int
			want                string
		}{
			{"missing", "GET", "", 401, `Send an API token`},
			{"unknown", "GET", "Bearer rgt_nope", 401, `"code":"unauthorised"`},
			{"not bearer", "GET", "Basic dXNlcjpwYXNz", 401, `must be \"Bearer\"`},
			{"revoked", "GET", "revoked", 401, `revoked, expired`},
			{"expired", "GET", "expired", 401, `revoked, expired`},
			{"reader reads", "GET", "reader", 200, `"data":[]`},
			{"reader cannot write", "POST", "reader", 403, `"code":"forbidden"`},
			{"sales writes", "POST", "sales", 201, `"last_name":"Dupont"`},
		} {
			r := e.do(t, tt.method, "/api/v1/people", tt.token, body)
			if r.status != tt.status || !strings.Contains(r.body, tt.want) {
				t.Errorf("%s: %d %s, want %d with %s", tt.name, r.status, r.body, tt.status, tt.want)
			}
			if r.status == http.StatusUnauthorized && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s: WWW-Authenticate = %q", tt.name, r.header.Get("WWW-Authenticate"))
			}
		}
		id := e.do(t, "POST", "/api/v1/people", "admin", `{"last_name":"Martin"}`).id(t)
		if r := e.do(t, "DELETE", "/api/v1/people/"+id, "reader", ""); r.status != http.StatusForbidden {
			t.Errorf("reader deletes: %d", r.status)
		}
		// The document is public; everything else needs a token.
		if r := e.do(t, "GET", "/api/openapi.json", "", ""); r.status != 200 || !strings.Contains(r.body, `"openapi": "3.0.3"`) {
			t.Errorf("openapi.json: %d", r.status)
		}
	})
}

func TestPersonRoundTrip(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		created := e.do(t, "POST", "/api/v1/people", "admin",
			`{"first_name":"Anne","last_name":"Dupont","emails":["anne@example.com","a.dupont@example.org"],"job_title":"CEO"}`)
		if created.status != http.StatusCreated {
			t.Fatalf("create: %d %s", created.status, created.body)
		}
		id := created.id(t)
		if loc := created.header.Get("Location"); loc != "/api/v1/people/"+id {
			t.Errorf("Location = %q", loc)
		}
		if r := e.do(t, "GET", "/api/v1/people/"+strings.ToUpper(id), "reader", ""); r.status != http.StatusOK {
			t.Errorf("upper-case id: %d", r.status)
		}
		// A document read with GET goes back with PUT unchanged: read-only
		// fields are accepted and ignored.
		got := e.do(t, "GET", "/api/v1/people/"+id, "admin", "")
		put := e.do(t, "PUT", "/api/v1/people/"+id, "admin", got.body)
		if put.status != http.StatusOK {
			t.Fatalf("put back: %d %s", put.status, put.body)
		}
		for _, want := range []string{`"emails":["anne@example.com","a.dupont@example.org"]`, `"job_title":"CEO"`} {
			if !strings.Contains(put.body, want) {
				t.Errorf("after round trip, body lacks %s: %s", want, put.body)
			}
		}
	})
}

func TestCustomFields(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		for _, f := range []crm.CustomField{
			{Entity: crm.EntityPerson, Key: "size", Label: "Size", Kind: crm.FieldNumber},
			{Entity: crm.EntityPerson, Key: "vip", Label: "VIP", Kind: crm.FieldBoolean},
		} {
			if _, err := e.crm.CreateCustomField(ctx, e.wsA.ID, f); err != nil {
				t.Fatal(err)
			}
		}
		ids := run(t, e, []step{
			{name: "create", method: "POST", path: "/api/v1/people", token: "admin", status: 201, save: "p",
				body: `{"last_name":"Martin","custom":{"size":3,"vip":true}}`, want: []string{`"custom":{"size":3,"vip":true}`}},
			{name: "unknown key", method: "PATCH", path: "/api/v1/people/{p}", token: "admin", status: 422,
				body: `{"custom":{"color":"red"}}`, want: []string{`"custom.color":"is not a custom field of this workspace"`}},
			{name: "wrong kind", method: "PATCH", path: "/api/v1/people/{p}", token: "admin", status: 422,
				body: `{"custom":{"size":"big"}}`, want: []string{`"custom.size":"must be a number"`}},
			{name: "clear one", method: "PATCH", path: "/api/v1/people/{p}", token: "admin", status: 200,
				body: `{"custom":{"size":null}}`, want: []string{`"custom":{"vip":true}`}},
		})
		fields, err := e.crm.Store.CustomFields(ctx, e.wsA.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			if f.Key == "vip" {
				if err := e.crm.Store.DeleteCustomField(ctx, e.wsA.ID, f.ID, audit.NewEntry(ctx, e.wsA.ID, "custom_field.delete", "custom_field", "vip", nil)); err != nil {
					t.Fatal(err)
				}
			}
		}
		// A value of a deleted field does not block changes to other fields.
		if r := e.do(t, "PATCH", "/api/v1/people/"+ids["p"], "admin", `{"first_name":"Paul"}`); r.status != http.StatusOK || !strings.Contains(r.body, `"custom":{}`) {
			t.Errorf("patch after field deletion: %d %s", r.status, r.body)
		}
	})
}

// TestInternalError checks that a failure below the API answers a bare 500
// and logs the cause with the request id, and nothing the client sent.
func TestInternalError(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		db.Close() // every query now fails
		r := e.do(t, "POST", "/api/v1/people/search", "admin", `{"query":"Secretname"}`)
		if r.status != http.StatusInternalServerError || !strings.Contains(r.body, `"code":"internal","message":"Internal error"`) {
			t.Fatalf("%d %s", r.status, r.body)
		}
		logs := e.logs.String()
		if !strings.Contains(logs, "request_id="+r.header.Get("X-Request-ID")) || strings.Contains(logs, "Secretname") {
			t.Errorf("logs: %s", logs)
		}
	})
}
