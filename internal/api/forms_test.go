package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// formDoc is the part of a form document the tests read.
type formDoc struct {
	ID             string          `json:"id"`
	Slug           string          `json:"slug"`
	Status         string          `json:"status"`
	CurrentVersion *int            `json:"current_version"`
	Draft          json.RawMessage `json:"draft"`
	Published      *struct {
		Number     int `json:"number"`
		Definition struct {
			Checkboxes []struct {
				SHA256 *string `json:"sha256"`
			} `json:"checkboxes"`
			NoticeSHA256 *string `json:"notice_sha256"`
		} `json:"definition"`
	} `json:"published"`
	Versions []struct {
		Number int `json:"number"`
	} `json:"versions"`
}

func decodeForm(t *testing.T, r response) formDoc {
	t.Helper()
	var f formDoc
	if err := json.Unmarshal([]byte(r.body), &f); err != nil || f.ID == "" {
		t.Fatalf("not a form: %d %s", r.status, r.body)
	}
	return f
}

// TestFormsAPI walks a form through the API: create, read, a draft that
// pre-ticks a box refused by name, a publication refused while the register
// declares no purpose, then published with its hashes; versions; access by
// role and workspace.
func TestFormsAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		run(t, e, []step{
			{name: "reader cannot create", method: "POST", path: "/api/v1/forms", token: "reader", status: 403, body: `{"name":"N","slug":"n"}`},
			{name: "bad slug", method: "POST", path: "/api/v1/forms", token: "sales", status: 422, body: `{"name":"N","slug":"Salon 2026!"}`,
				want: []string{`"slug":`}},
			{name: "unknown member", method: "POST", path: "/api/v1/forms", token: "sales", status: 400, body: `{"name":"N","slug":"n","title":"x"}`,
				want: []string{`"title":"is not a known field`}},
		})
		r := e.do(t, "POST", "/api/v1/forms", "sales", `{"name":"Newsletter","slug":"newsletter"}`)
		f := decodeForm(t, r)
		if r.status != 201 || r.header.Get("Location") != "/api/v1/forms/"+f.ID || f.Status != "unpublished" || f.CurrentVersion != nil ||
			f.Published != nil || len(f.Versions) != 0 || !strings.Contains(string(f.Draft), `"key":"email"`) || !strings.Contains(string(f.Draft), `"lang":"fr"`) {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		run(t, e, []step{
			{name: "slug taken", method: "POST", path: "/api/v1/forms", token: "sales", status: 409, body: `{"name":"Other","slug":"newsletter","lang":"en"}`},
			{name: "list", method: "GET", path: "/api/v1/forms", token: "reader", status: 200, want: []string{f.ID, `"status":"unpublished"`}},
			{name: "read", method: "GET", path: "/api/v1/forms/" + f.ID, token: "reader", status: 200, want: []string{`"draft":`, `"versions":[]`}},
			{name: "malformed id", method: "GET", path: "/api/v1/forms/nope", token: "reader", status: 404},
			{name: "another workspace", method: "GET", path: "/api/v1/forms/" + f.ID, token: "other", status: 404},
			{name: "another workspace's list", method: "GET", path: "/api/v1/forms", token: "other", status: 200, want: []string{`"data":[]`}},
		})

		// The draft read back, with a box ticked in advance: refused by name,
		// nothing saved.
		var doc map[string]any
		json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/forms/"+f.ID, "reader", "").body), &doc)
		draft := doc["draft"].(map[string]any)
		box := draft["checkboxes"].([]any)[0].(map[string]any)
		box["checked"] = true
		draft["title"] = "Restons en contact"
		body, _ := json.Marshal(doc)
		r = e.do(t, "PUT", "/api/v1/forms/"+f.ID, "sales", string(body))
		if r.status != 422 || !strings.Contains(r.body, `"draft.checkboxes":"a consent box must not be ticked in advance`) {
			t.Fatalf("pre-ticked box: %d %s", r.status, r.body)
		}
		if r := e.do(t, "GET", "/api/v1/forms/"+f.ID, "reader", ""); strings.Contains(r.body, "Restons en contact") {
			t.Fatal("a refused draft was saved")
		}
		box["checked"] = false
		draft["notify_user_id"] = "00000000-0000-4000-8000-000000000000"
		body, _ = json.Marshal(doc)
		if r := e.do(t, "PUT", "/api/v1/forms/"+f.ID, "sales", string(body)); r.status != 422 || !strings.Contains(r.body, `"draft.notify_user_id"`) {
			t.Fatalf("unknown user to notify: %d %s", r.status, r.body)
		}
		delete(draft, "notify_user_id")
		draft["fields"] = append(draft["fields"].([]any), map[string]any{"key": "custom.nope", "label": "Nope"})
		body, _ = json.Marshal(doc)
		if r := e.do(t, "PUT", "/api/v1/forms/"+f.ID, "sales", string(body)); r.status != 422 || !strings.Contains(r.body, `"draft.fields"`) {
			t.Fatalf("unknown field: %d %s", r.status, r.body)
		}
		draft["fields"] = draft["fields"].([]any)[:3]
		body, _ = json.Marshal(doc)
		if r := e.do(t, "PUT", "/api/v1/forms/"+f.ID, "reader", string(body)); r.status != 403 {
			t.Fatalf("reader saving: %d", r.status)
		}
		if r := e.do(t, "PUT", "/api/v1/forms/"+f.ID, "sales", string(body)); r.status != 200 || !strings.Contains(r.body, "Restons en contact") {
			t.Fatalf("save: %d %s", r.status, r.body)
		}

		// No active register entry declares email marketing yet.
		r = e.do(t, "POST", "/api/v1/forms/"+f.ID+"/publish", "sales", "")
		if r.status != 422 || !strings.Contains(r.body, `"draft.checkboxes":"no active entry of the register`) {
			t.Fatalf("publish without the register: %d %s", r.status, r.body)
		}
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
		if _, err := e.register.AdoptTemplates(ctx, e.wsA.ID, nil); err != nil {
			t.Fatal(err)
		}
		if r := e.do(t, "POST", "/api/v1/forms/"+f.ID+"/publish", "reader", ""); r.status != 403 {
			t.Fatalf("reader publishing: %d", r.status)
		}
		r = e.do(t, "POST", "/api/v1/forms/"+f.ID+"/publish", "sales", "")
		if r.status != 201 || r.header.Get("Location") != "/api/v1/forms/"+f.ID+"/versions/1" || !strings.Contains(r.body, `"number":1`) ||
			!strings.Contains(r.body, `"created_by":"`+e.tokenIDs["sales"]+`"`) {
			t.Fatalf("publish: %d %s", r.status, r.body)
		}
		f = decodeForm(t, e.do(t, "GET", "/api/v1/forms/"+f.ID, "reader", ""))
		if f.Status != "published" || f.CurrentVersion == nil || *f.CurrentVersion != 1 || f.Published == nil || f.Published.Number != 1 ||
			len(f.Versions) != 1 || f.Published.Definition.NoticeSHA256 == nil || f.Published.Definition.Checkboxes[0].SHA256 == nil {
			t.Fatalf("published form: %+v", f)
		}
		run(t, e, []step{
			{name: "version 1", method: "GET", path: "/api/v1/forms/" + f.ID + "/versions/1", token: "reader", status: 200,
				want: []string{`"title":"Restons en contact"`, `"sha256":"`}},
			{name: "version 2", method: "GET", path: "/api/v1/forms/" + f.ID + "/versions/2", token: "reader", status: 404},
			{name: "version 0", method: "GET", path: "/api/v1/forms/" + f.ID + "/versions/x", token: "reader", status: 404},
			{name: "another workspace's version", method: "GET", path: "/api/v1/forms/" + f.ID + "/versions/1", token: "other", status: 404},
			{name: "another workspace publishing", method: "POST", path: "/api/v1/forms/" + f.ID + "/publish", token: "other", status: 404},
		})

		// Unpublished, the address serves nothing; the versions stay, and
		// publishing again reopens it.
		if _, _, _, err := e.forms.Published(ctx, f.Slug); err != nil {
			t.Fatalf("published form not served: %v", err)
		}
		run(t, e, []step{
			{name: "reader unpublishing", method: "POST", path: "/api/v1/forms/" + f.ID + "/unpublish", token: "reader", status: 403},
			{name: "another workspace unpublishing", method: "POST", path: "/api/v1/forms/" + f.ID + "/unpublish", token: "other", status: 404},
			{name: "unpublish", method: "POST", path: "/api/v1/forms/" + f.ID + "/unpublish", token: "sales", status: 200,
				want: []string{`"status":"unpublished"`, `"versions":[{`}},
			{name: "unpublish again", method: "POST", path: "/api/v1/forms/" + f.ID + "/unpublish", token: "sales", status: 409},
		})
		if _, _, _, err := e.forms.Published(ctx, f.Slug); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unpublished form still served: %v", err)
		}
		var n int
		if err := e.db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'form.unpublish' AND object_id = $1`, f.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("form.unpublish audited %d times, %v", n, err)
		}
		if r := e.do(t, "POST", "/api/v1/forms/"+f.ID+"/publish", "sales", ""); r.status != 201 || !strings.Contains(r.body, `"number":2`) {
			t.Fatalf("publish again: %d %s", r.status, r.body)
		}
		if _, v, _, err := e.forms.Published(ctx, f.Slug); err != nil || v.Number != 2 {
			t.Fatalf("published again: %v", err)
		}
	})
}

// TestFormSubmissionsAPI pages a form's submissions with their values and
// checks that each page read is in the audit log with its count.
func TestFormSubmissionsAPI(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newEnv(t, db)
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
		if _, err := e.register.AdoptTemplates(ctx, e.wsA.ID, nil); err != nil {
			t.Fatal(err)
		}
		form, err := e.forms.CreateForm(ctx, e.wsA.ID, "Salon", "salon", "fr", "Acme")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.forms.Publish(ctx, e.wsA.ID, form.PublicID); err != nil {
			t.Fatal(err)
		}
		other, err := e.forms.CreateForm(ctx, e.wsA.ID, "Autre", "autre", "fr", "Acme")
		if err != nil {
			t.Fatal(err)
		}
		started := e.forms.Signer.Started(time.Now().Add(-time.Minute))
		for _, email := range []string{"un@exemple.fr", "deux@exemple.fr", "trois@exemple.fr"} {
			out, err := e.forms.Submit(ctx, forms.Input{Slug: "salon", IP: "203.0.113.7", UserAgent: "test", PageURL: "https://acme.example/salon",
				Values: map[string][]string{"email": {email}, "last_name": {"Martin"}, "_started": {started}, "consent.email_marketing": {"yes"}}})
			if err != nil || out.Result == nil {
				t.Fatalf("submit %s: %+v %v", email, out, err)
			}
		}
		path := "/api/v1/forms/" + form.PublicID + "/submissions"
		r := e.do(t, "GET", path+"?limit=2", "reader", "")
		ids, next := r.page(t)
		if r.status != 200 || len(ids) != 2 || next != ids[1] || !strings.Contains(r.body, `"value":"trois@exemple.fr"`) ||
			!strings.Contains(r.body, `"status":"pending"`) || !strings.Contains(r.body, `"page_url":"https://acme.example/salon"`) {
			t.Fatalf("first page: %d %s", r.status, r.body)
		}
		r = e.do(t, "GET", path+"?limit=2&cursor="+next, "reader", "")
		ids2, next2 := r.page(t)
		if len(ids2) != 1 || next2 != "" || !strings.Contains(r.body, `"value":"un@exemple.fr"`) || !strings.Contains(r.body, `"version":1`) {
			t.Fatalf("second page: %d %s", r.status, r.body)
		}
		run(t, e, []step{
			{name: "limit 0", method: "GET", path: path + "?limit=0", token: "reader", status: 422, want: []string{`"limit"`}},
			{name: "bad cursor", method: "GET", path: path + "?cursor=x", token: "reader", status: 422, want: []string{`"cursor":"is not valid"`}},
			{name: "another form's cursor", method: "GET", path: "/api/v1/forms/" + other.PublicID + "/submissions?cursor=" + next, token: "reader",
				status: 422, want: []string{`"cursor":"is not a submission of this form"`}},
			{name: "unknown parameter", method: "GET", path: path + "?email=x", token: "reader", status: 400},
			{name: "another workspace", method: "GET", path: path, token: "other", status: 404},
			{name: "no submissions", method: "GET", path: "/api/v1/forms/" + other.PublicID + "/submissions", token: "reader", status: 200,
				want: []string{`"data":[]`, `"next_cursor":null`}},
		})
		entries, err := (sqldb.AuditStore{DB: db}).List(context.Background(), audit.Filter{WorkspaceID: e.wsA.ID, Action: "form.submissions.list", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var counts []string
		for _, en := range entries {
			if en.Actor.ID != e.tokenIDs["reader"] || en.ObjectID == "" {
				t.Errorf("audit entry %+v", en)
			}
			b, _ := json.Marshal(en.Detail)
			counts = append(counts, string(b))
			if strings.Contains(string(b), "exemple.fr") {
				t.Errorf("the audit entry holds personal data: %s", b)
			}
		}
		// Newest first: the empty list, then the second page, then the first.
		if strings.Join(counts, " ") != `{"count":0} {"count":1} {"count":2}` {
			t.Errorf("audit counts %v", counts)
		}
	})
}
