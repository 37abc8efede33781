package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestSegmentsAPI: the same criteria tree as the builder, as JSON: count,
// save, list its people, export, queue a bulk action, and nothing of it
// visible from another workspace.
func TestSegmentsAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		reoptin := `{"group":"and","children":[{"field":"organisation.status","op":"eq","value":"customer"},
			{"field":"consent.email_marketing","op":"neq","value":"granted"},{"field":"flag.opposed_all","op":"is_false"},
			{"field":"flag.email_unsubscribed","op":"is_false"},{"field":"email","op":"contains","value":"@"},
			{"field":"flag.email_invalid","op":"is_false"}]}`
		ids := run(t, e, []step{
			{name: "customer", method: "POST", path: "/api/v1/organisations", token: "admin", status: 201, save: "org",
				body: `{"name":"Fromagerie","status":"customer"}`},
		})
		run(t, e, []step{
			{name: "person 1", method: "POST", path: "/api/v1/people", token: "admin", status: 201,
				body: `{"last_name":"Un","emails":["un@fromagerie.fr"],"organisation_id":"` + ids["org"] + `"}`},
			{name: "person 2", method: "POST", path: "/api/v1/people", token: "admin", status: 201,
				body: `{"last_name":"Deux","emails":["deux@fromagerie.fr"],"organisation_id":"` + ids["org"] + `"}`},
			{name: "count", method: "POST", path: "/api/v1/segments/count", token: "reader", status: 200,
				body: `{"criteria":` + reoptin + `}`, want: []string{`"count":2`}},
			{name: "unknown field", method: "POST", path: "/api/v1/segments/count", token: "reader", status: 422,
				body: `{"criteria":{"field":"password_hash","op":"eq","value":"x"}}`, want: []string{`"tree":"the field is not known"`}},
			{name: "operator that does not fit", method: "POST", path: "/api/v1/segments/count", token: "reader", status: 422,
				body: `{"criteria":{"group":"and","children":[{"field":"lifecycle","op":"contains","value":"c"}]}}`, want: []string{`"tree.0":`}},
			{name: "people", method: "POST", path: "/api/v1/segments/people", token: "reader", status: 200,
				body: `{"criteria":` + reoptin + `,"columns":["last_name","email"],"limit":1}`, want: []string{`"columns":["last_name","email"]`, `"next":`}},
			{name: "readers cannot save", method: "POST", path: "/api/v1/segments", token: "reader", status: 403,
				body: `{"name":"Ré-optin","criteria":` + reoptin + `}`},
		})
		seg := run(t, e, []step{{name: "save", method: "POST", path: "/api/v1/segments", token: "admin", status: 201, save: "s",
			body: `{"name":"Ré-optin","criteria":` + reoptin + `,"columns":["last_name","email"]}`, want: []string{`"name":"Ré-optin"`}}})["s"]
		path := "/api/v1/segments/" + seg
		run(t, e, []step{
			{name: "list", method: "GET", path: "/api/v1/segments", token: "reader", status: 200, want: []string{seg}},
			{name: "its people", method: "GET", path: path + "/people?limit=10", token: "reader", status: 200, want: []string{`"un@fromagerie.fr"`}},
			{name: "export needs the export permission", method: "GET", path: path + "/export", token: "sales", status: 403},
			{name: "bad format", method: "GET", path: path + "/export?format=pdf", token: "admin", status: 422},
			{name: "bulk without justification", method: "POST", path: path + "/bulk", token: "admin", status: 422,
				body: `{"action":"consent","purpose":"email_marketing","change":"withdraw"}`, want: []string{`"note"`}},
			{name: "bulk", method: "POST", path: path + "/bulk", token: "admin", status: 202, save: "job",
				body: `{"action":"consent","flag":"email_unsubscribed","change":"set","note":"Lettre reçue"}`, want: []string{`"state":"queued"`, `"total":2`}},
			{name: "other workspace", method: "GET", path: path, token: "other", status: 404},
			{name: "other workspace count", method: "POST", path: "/api/v1/segments/count", token: "other", status: 200,
				body: `{"criteria":` + reoptin + `}`, want: []string{`"count":0`}},
		})
		// An export is a file, not a JSON document.
		req, _ := http.NewRequest("GET", e.srv.URL+path+"/export?format=jsonl", nil)
		req.Header.Set("Authorization", "Bearer "+e.secrets["admin"])
		hres, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(hres.Body)
		hres.Body.Close()
		if hres.StatusCode != 200 || !strings.Contains(string(body), `{"last_name":"Deux","email":"deux@fromagerie.fr"}`+"\n") ||
			hres.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("export: %d %s %v", hres.StatusCode, body, hres.Header)
		}
		res := e.do(t, "GET", "/api/v1/segments", "other", "")
		if strings.Contains(res.body, seg) {
			t.Fatal("a segment is visible from another workspace")
		}
	})
}
