package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/segment"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

var countPattern = regexp.MustCompile(`data-testid="segment-count">([^<]*)<`)

func segmentCount(t *testing.T, body string) string {
	t.Helper()
	m := countPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no count in %s", body)
	}
	return m[1]
}

// TestSegmentBuilderFlow walks the builder as htmx drives it: start from
// the re-opt-in template, change the tree, watch the count, save, confirm
// a bulk action, follow the job, export.
func TestSegmentBuilderFlow(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		org, err := f.crm.CreateOrganisation(cliCtx(), f.ws.ID, crm.OrganisationInput{Name: "Boulangerie Martin", Status: crm.StatusCustomer})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"Martin", "Durand", "Petit"} {
			if _, err := f.crm.CreatePerson(cliCtx(), f.ws.ID, crm.PersonInput{LastName: name, OrganisationID: org.PublicID,
				Emails: []string{strings.ToLower(name) + "@boulangerie.fr"}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.crm.CreatePerson(cliCtx(), f.ws.ID, crm.PersonInput{LastName: "Sans Société", Emails: []string{"x@y.fr"}}); err != nil {
			t.Fatal(err)
		}
		c := f.login(t, adminEmail)
		for _, path := range []string{"/segments", "/segments/new", "/segments/new?template=reoptin", "/segments/new?template=retention_soon"} {
			if res := c.get(path); res.status != http.StatusOK || !strings.Contains(res.body, "</html>") {
				t.Fatalf("GET %s: %d", path, res.status)
			}
		}
		res := c.get("/segments/new?template=reoptin")
		if got := segmentCount(t, res.body); got != "3" {
			t.Fatalf("re-opt-in count %q", got)
		}
		// The builder's inputs, as the browser would post them.
		form := url.Values{"r.kind": {"group"}, "r.group": {"and"},
			"r.0.kind": {"crit"}, "r.0.field": {"organisation.status"}, "r.0.op": {"eq"}, "r.0.value": {"customer"},
			"r.1.kind": {"crit"}, "r.1.field": {"last_name"}, "r.1.op": {"starts_with"}, "r.1.value": {"d"}}
		if got := segmentCount(t, c.post("/segments/preview", form).body); got != "1" {
			t.Fatalf("preview count %q", got)
		}
		// Add a group, then change a field: operators follow its type.
		form.Set("edit", "group:r")
		res = c.post("/segments/builder", form)
		if !strings.Contains(res.body, `name="r.2.group"`) || !strings.Contains(res.body, `hx-swap-oob="true"`) {
			t.Fatalf("no group added: %s", res.body)
		}
		form.Del("edit")
		form.Set("r.1.field", "created_at")
		res = c.post("/segments/builder", form)
		if !strings.Contains(res.body, `value="within_last"`) || strings.Contains(res.body, `value="starts_with"`) {
			t.Fatal("operators do not follow the field's type")
		}
		// Remove the criterion; save.
		form.Set("edit", "remove:r.1")
		res = c.post("/segments/builder", form)
		if got := segmentCount(t, res.body); got != "3" {
			t.Fatalf("after removing: %q", got)
		}
		save := url.Values{"r.kind": {"group"}, "r.group": {"and"}, "r.0.kind": {"crit"}, "r.0.field": {"organisation.status"},
			"r.0.op": {"eq"}, "r.0.value": {"customer"}, "name": {"Clients"}, "col": {"name", "email"}}
		res = c.post("/segments", save)
		if res.status != http.StatusOK || !strings.Contains(res.url, "/segments/") {
			t.Fatalf("save: %d %s", res.status, res.url)
		}
		segURL := strings.TrimPrefix(res.url, f.srv.URL)
		if res := c.post("/segments", url.Values{"r.kind": {"group"}}); res.status != http.StatusUnprocessableEntity {
			t.Fatalf("nameless segment: %d", res.status)
		}
		// Export as Excel-friendly CSV.
		res = c.get(segURL + "/export?format=csv&bom=1&sep=semicolon")
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\uFEFF")))
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil || len(recs) != 4 || recs[0][1] != "email" {
			t.Fatalf("export: %v %v", recs, err)
		}
		// A bulk action: the confirmation shows the count, then the job.
		bulk := url.Values{"action": {"set_lifecycle"}, "lifecycle": {"former_customer"}}
		res = c.post(segURL+"/bulk", bulk)
		if !strings.Contains(res.body, `data-testid="bulk-count"`) || !strings.Contains(res.body, "3") {
			t.Fatalf("confirmation: %s", res.body)
		}
		bulk.Set("confirm", "yes")
		res = c.post(segURL+"/bulk", bulk)
		if !strings.Contains(res.url, "/bulk-jobs/") {
			t.Fatalf("job page: %s", res.url)
		}
		jobURL := strings.TrimPrefix(res.url, f.srv.URL)
		(&segment.Runner{Svc: f.server.Segments, BatchSize: 2}).RunOne(cliCtx())
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(c.get(jobURL).body, `data-testid="job-state">Done`) {
			if time.Now().After(deadline) {
				t.Fatalf("job: %s", c.get(jobURL).body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		// Consent without a justification is refused with its reason.
		res = c.post(segURL+"/bulk", url.Values{"action": {"consent"}, "change": {"grant:email_marketing"}, "confirm": {"yes"}})
		if !strings.Contains(res.body, "justification") {
			t.Fatalf("no justification: %s", res.body)
		}
	})
}
