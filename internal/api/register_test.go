package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

func TestRegisterAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		// Only admins change the register.
		if r := e.do(t, "POST", "/api/v1/register/adopt", "sales", `{}`); r.status != http.StatusForbidden {
			t.Fatalf("sales adopting: %d", r.status)
		}
		r := e.do(t, "POST", "/api/v1/register/adopt", "admin", `{"templates":[]}`)
		if ids, _ := r.page(t); r.status != 200 || len(ids) != 7 {
			t.Fatalf("adopt: %d %s", r.status, r.body)
		}
		if r := e.do(t, "POST", "/api/v1/register/adopt", "admin", `{"templates":["astrology"]}`); r.status != 422 || !strings.Contains(r.body, "templates") {
			t.Fatalf("unknown template: %d %s", r.status, r.body)
		}
		// The notice of a purpose refuses to render without a controller.
		if r := e.do(t, "GET", "/api/v1/purposes/newsletter/notice?lang=en", "reader", ""); r.status != 422 || !strings.Contains(r.body, "controller") {
			t.Fatalf("notice without controller: %d %s", r.status, r.body)
		}
		if r := e.do(t, "PUT", "/api/v1/settings/register", "admin", `{"controller_name":"Acme SAS","controller_address":"1 rue de la Paix, Paris",
			"controller_email":"privacy@acme.fr","dpo_email":"not-an-email","processors":[]}`); r.status != 422 || !strings.Contains(r.body, "dpo_email") {
			t.Fatalf("bad DPO email: %d %s", r.status, r.body)
		}
		if r := e.do(t, "PUT", "/api/v1/settings/register", "admin", `{"controller_name":"Acme SAS","controller_address":"1 rue de la Paix, Paris",
			"controller_email":"privacy@acme.fr","processors":[{"name":"Brevo","service":"SMTP","country":"FR"}]}`); r.status != 200 {
			t.Fatalf("organisation: %d %s", r.status, r.body)
		}
		r = e.do(t, "GET", "/api/v1/purposes/newsletter/notice?lang=en", "reader", "")
		var notice struct{ Text, SHA256 string }
		if json.Unmarshal([]byte(r.body), &notice); r.status != 200 || !strings.Contains(notice.Text, "Acme SAS") || len(notice.SHA256) != 64 {
			t.Fatalf("notice: %d %s", r.status, r.body)
		}
		if r := e.do(t, "GET", "/api/v1/purposes/astrology/notice", "reader", ""); r.status != 404 {
			t.Fatalf("uncovered purpose: %d", r.status)
		}
		if r := e.do(t, "GET", "/api/v1/purposes/newsletter/notice?lang=de", "reader", ""); r.status != 400 && r.status != 422 {
			t.Fatalf("lang de: %d", r.status)
		}
		// Create a draft, fail to activate it, complete it, activate it.
		r = e.do(t, "POST", "/api/v1/register", "admin", `{"activity":{"name":"Jeu concours","purposes":[{"key":"contest","label_fr":"jeu concours","label_en":"","legal_basis":"consent","channel":"email"}]}}`)
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		id := r.id(t)
		if r := e.do(t, "POST", "/api/v1/register/"+id+"/status", "admin", `{"status":"active"}`); r.status != 422 || !strings.Contains(r.body, "retention") {
			t.Fatalf("activating an incomplete entry: %d %s", r.status, r.body)
		}
		bad := `{"version":1,"activity":{"name":"Jeu concours","purposes":[],"retention":[{"subjects":"prospects","start":"collection","period":{"count":-1,"unit":"years"},"action":"delete"}]}}`
		if r := e.do(t, "PUT", "/api/v1/register/"+id, "admin", bad); r.status != 422 || !strings.Contains(r.body, "retention.0.period") {
			t.Fatalf("negative period: %d %s", r.status, r.body)
		}
		good := `{"version":1,"activity":{"name":"Jeu concours","name_en":"Contest","purposes":[{"key":"contest","label_fr":"organiser le jeu","label_en":"run the contest","legal_basis":"consent","channel":"email"}],
			"subject_categories":["Participants"],"data_categories":["identity"],"data_fields":["email"],"recipients":{"internal":["Marketing"],"processors":[],"third_parties":[]},"retention":[{"subjects":"prospects","start":"collection","period":{"count":6,"unit":"months"},"action":"delete"}]}}`
		if r := e.do(t, "PUT", "/api/v1/register/"+id, "admin", good); r.status != 200 || !strings.Contains(r.body, `"version":2`) {
			t.Fatalf("update: %d %s", r.status, r.body)
		}
		if r := e.do(t, "PUT", "/api/v1/register/"+id, "admin", good); r.status != 409 {
			t.Fatalf("stale update: %d %s", r.status, r.body)
		}
		if r := e.do(t, "POST", "/api/v1/register/"+id+"/status", "admin", `{"status":"active"}`); r.status != 200 {
			t.Fatalf("activate: %d %s", r.status, r.body)
		}
		if r := e.do(t, "GET", "/api/v1/register/"+id+"/versions", "reader", ""); r.status != 200 || strings.Count(r.body, `"sha256"`) != 3 {
			t.Fatalf("versions: %d %s", r.status, r.body)
		}
		if r := e.do(t, "GET", "/api/v1/register/"+id+"/versions/1", "reader", ""); r.status != 200 || !strings.Contains(r.body, `"status":"draft"`) {
			t.Fatalf("version 1: %d %s", r.status, r.body)
		}
		if r := e.do(t, "GET", "/api/v1/register/"+id+"/versions/9", "reader", ""); r.status != 404 {
			t.Fatalf("version 9: %d", r.status)
		}
		if r := e.do(t, "GET", "/api/v1/register/"+id, "other", ""); r.status != 404 {
			t.Fatalf("other workspace: %d", r.status)
		}
		if r := e.do(t, "POST", "/api/v1/register", "admin", `{"activity":{"name":"x","colour":"red"}}`); r.status != 400 {
			t.Fatalf("unknown field: %d %s", r.status, r.body)
		}
		// Drift: Brevo is in use and listed by no entry.
		if r := e.do(t, "GET", "/api/v1/register/drift", "reader", ""); r.status != 200 || !strings.Contains(r.body, `"subject":"Brevo"`) {
			t.Fatalf("drift: %d %s", r.status, r.body)
		}
		if r := e.do(t, "GET", "/api/v1/register/retention", "reader", ""); r.status != 200 || !strings.Contains(r.body, `"count":6`) {
			t.Fatalf("retention: %d %s", r.status, r.body)
		}
		if r := e.do(t, "GET", "/api/v1/register/templates", "reader", ""); r.status != 200 || !strings.Contains(r.body, "audience_measurement") {
			t.Fatalf("templates: %d", r.status)
		}
		// Exports: admins only (audit permission), CSV and PDF.
		if r := e.do(t, "GET", "/api/v1/register/export?format=csv", "reader", ""); r.status != 403 {
			t.Fatalf("reader export: %d", r.status)
		}
		for format, prefix := range map[string]string{"csv": "Nom du traitement", "pdf": "%PDF-"} {
			req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/register/export?format="+format, nil)
			req.Header.Set("Authorization", "Bearer "+e.secrets["admin"])
			res, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.HasPrefix(string(b), prefix) {
				t.Fatalf("export %s: %d %.80s", format, res.StatusCode, b)
			}
		}
		if r := e.do(t, "GET", "/api/v1/register/export?format=doc", "admin", ""); r.status != 422 {
			t.Fatalf("export doc: %d %s", r.status, r.body)
		}
	})
}
