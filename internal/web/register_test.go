package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/registre/registre/internal/browsertest"
	"github.com/registre/registre/internal/register"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

var entryLink = regexp.MustCompile(`href="/compliance/register/([0-9a-f-]{36})"`)

func TestRegisterPages(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		c := f.login(t, adminEmail)
		res := c.get("/compliance/register")
		if res.status != http.StatusOK || !strings.Contains(res.body, "data-testid=\"adopt-templates\"") || !strings.Contains(res.body, `data-gap="purpose"`) {
			t.Fatalf("empty register page: %d", res.status)
		}
		res = c.post("/compliance/register/adopt", url.Values{})
		if res.status != http.StatusOK || strings.Count(res.body, "/compliance/register/") < 7 || strings.Contains(res.body, `data-testid="adopt-templates"`) {
			t.Fatalf("after adoption: %d", res.status)
		}
		if strings.Contains(res.body, `data-gap=`) {
			t.Errorf("gaps after adopting every template")
		}
		// A custom field of an unlisted category shows a drift warning.
		if _, err := f.crm.CreateCustomField(cliCtx(), f.ws.ID, crm.CustomField{Entity: crm.EntityPerson, Key: "badge", Label: "Badge", Kind: crm.FieldText}); err != nil {
			t.Fatal(err)
		}
		if res := c.get("/compliance/register"); !strings.Contains(res.body, `data-gap="field_category"`) {
			t.Errorf("no drift warning for an unclassified field")
		}
		m := entryLink.FindStringSubmatch(res.body)
		if m == nil {
			t.Fatal("no entry link")
		}
		id := m[1]
		res = c.get("/compliance/register/" + id)
		if res.status != http.StatusOK || !strings.Contains(res.body, "This notice cannot be published") && !strings.Contains(res.body, "Cette mention ne peut pas") {
			t.Fatalf("entry page without controller: %d", res.status)
		}
		if res := c.post("/compliance/register/organisation", url.Values{"controller_name": {"Acme SARL"}, "controller_address": {"3 quai Saint-Antoine, Lyon"},
			"controller_email": {"rgpd@acme.fr"}, "dpo_email": {"nope"}, "processors.0.name": {"Brevo"}}); res.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad DPO email: %d", res.status)
		}
		if res := c.post("/compliance/register/organisation", url.Values{"controller_name": {"Acme SARL"}, "controller_address": {"3 quai Saint-Antoine, Lyon"},
			"controller_email": {"rgpd@acme.fr"}, "processors.0.name": {"Brevo"}, "processors.0.service": {"SMTP"}}); res.status != http.StatusOK || !strings.Contains(res.body, `data-gap="processor"`) {
			t.Fatalf("organisation saved: %d", res.status)
		}
		res = c.get("/compliance/register/" + id)
		if !strings.Contains(res.body, "Acme SARL, 3 quai Saint-Antoine") || !strings.Contains(res.body, `data-testid="notice-en"`) {
			t.Errorf("notice preview missing")
		}
		// Edit: a negative duration is refused beside its field; then a
		// valid edit makes version 2.
		form := c.get("/compliance/register/" + id + "/edit")
		if form.status != http.StatusOK {
			t.Fatalf("edit form: %d", form.status)
		}
		values := formValues(form.body)
		values.Set("retention.0.count", "-2")
		res = c.post("/compliance/register/"+id, values)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, `id="e-retention.0.count"`) {
			t.Fatalf("negative duration: %d", res.status)
		}
		values.Set("retention.0.count", "4")
		values.Set("software", "Registre")
		res = c.post("/compliance/register/"+id, values)
		if res.status != http.StatusOK || !strings.Contains(res.body, "v2") || !strings.Contains(res.body, "?version=1") {
			t.Fatalf("edit saved: %d", res.status)
		}
		if res := c.get("/compliance/register/" + id + "?version=1"); !strings.Contains(res.body, "version 1") && !strings.Contains(res.body, "version 1 du") {
			t.Errorf("old version not shown")
		}
		// Exports.
		for format, prefix := range map[string]string{"csv": "Processing activity,", "pdf": "%PDF-"} {
			res := c.get("/compliance/register/export?format=" + format)
			if res.status != http.StatusOK || !strings.HasPrefix(res.body, prefix) {
				t.Errorf("export %s: %d %.40s", format, res.status, res.body)
			}
		}
		// A new entry without a purpose cannot be saved active.
		res = c.post("/compliance/register", url.Values{"name": {"Fichier salon"}, "activate": {"1"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "purpose") && !strings.Contains(res.body, "finalité") {
			t.Fatalf("incomplete entry activated: %d", res.status)
		}
		// Marketing staff cannot read or change the register.
		addUser(t, f.server.Auth, f.ws.ID, "mk@example.com", auth.RoleMarketer)
		mk := f.login(t, "mk@example.com")
		if res := mk.get("/compliance/register"); res.status != http.StatusForbidden {
			t.Errorf("marketer reads the register: %d", res.status)
		}
	})
}

// formValues reads the values a browser would send from a rendered form:
// text inputs, checked boxes, selected options and textareas.
func formValues(body string) url.Values {
	out := url.Values{}
	for _, m := range regexp.MustCompile(`(?s)<input[^>]*>`).FindAllString(body, -1) {
		name := attr(m, "name")
		if name == "" || (strings.Contains(m, `type="checkbox"`) && !strings.Contains(m, "checked")) {
			continue
		}
		out.Add(name, attr(m, "value"))
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(body, -1) {
		out.Set(m[1], htmlUnescape(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(body, -1) {
		sel := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[2])
		if sel != nil {
			out.Set(m[1], htmlUnescape(sel[1]))
		} else {
			out.Set(m[1], "")
		}
	}
	return out
}

func attr(tag, name string) string {
	m := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return htmlUnescape(m[1])
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#39;", "'", "&quot;", `"`, "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&amp;", "&").Replace(s)
}

// TestRegisterScreenshots writes PNGs of the register pages to the folder
// named by REGISTRE_SCREENSHOTS (skipped otherwise, like TestScreenshots).
func TestRegisterScreenshots(t *testing.T) {
	dir := os.Getenv("REGISTRE_SCREENSHOTS")
	if dir == "" {
		t.Skip("REGISTRE_SCREENSHOTS is not set")
	}
	f := newFixture(t, sqldbtest.Open(t, sqldb.SQLite))
	svc := f.server.Register
	entries, err := svc.AdoptTemplates(cliCtx(), f.ws.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc.SetOrganisation(cliCtx(), f.ws.ID, register.Organisation{ControllerName: "Acme SARL", ControllerAddress: "3 quai Saint-Antoine, 69002 Lyon",
		ControllerEmail: "rgpd@acme.fr", DPOName: "Claire Martin", DPOEmail: "dpo@acme.fr", Processors: []register.Processor{{Name: "Brevo", Service: "SMTP", Country: "FR"}}})
	f.crm.CreateCustomField(cliCtx(), f.ws.ID, crm.CustomField{Entity: crm.EntityPerson, Key: "allergies", Label: "Allergies", Kind: crm.FieldText, Category: "personal_life"})
	f.crm.CreateCustomField(cliCtx(), f.ws.ID, crm.CustomField{Entity: crm.EntityPerson, Key: "badge", Label: "Badge", Kind: crm.FieldText})
	ctx := browsertest.New(t, 60*time.Second)
	os.MkdirAll(dir, 0o755)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/login"), chromedp.SendKeys(chromedp.CSS("#email"), adminEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), adminPassword), chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="logout"]`))); err != nil {
		t.Fatal(err)
	}
	id := entries[1].PublicID
	for name, path := range map[string]string{"register": "/compliance/register", "register_entry": "/compliance/register/" + id,
		"register_form": "/compliance/register/" + id + "/edit", "register_organisation": "/compliance/register/organisation"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+path)); err != nil {
			t.Fatal(err)
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	}
}
