package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestContactRulesSettingsAndPanel: an admin turns soft opt-in on, and the
// person page's "may we contact?" list follows; a refused call on the
// timeline stops calls; bad settings come back naming the field.
func TestContactRulesSettingsAndPanel(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		p, err := f.crm.CreatePerson(cliCtx(), f.ws.ID, crm.PersonInput{LastName: "Client", Emails: []string{"client@example.fr"},
			Phones: []string{"0612345678"}, Audience: crm.B2C, Lifecycle: crm.Customer, SoftOptIn: true})
		if err != nil {
			t.Fatal(err)
		}
		c := f.login(t, adminEmail)
		page := "/people/" + p.PublicID
		if res := c.get(page); !strings.Contains(res.body, `data-purpose="email_marketing" data-allowed="false"`) {
			t.Fatalf("email marketing allowed before soft opt-in is turned on")
		}
		res := c.post("/settings/contact-rules", url.Values{"soft_opt_in": {"on"}, "phone_consent_from": {"2026-08-11"},
			"max_calls_per_30_days": {"twelve"}, "refusal_quiet_days": {"60"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "doit être entre 1 et 10") && !strings.Contains(res.body, "must be between 1 and 10") {
			t.Fatalf("bad call limit: %d", res.status)
		}
		res = c.post("/settings/contact-rules", url.Values{"soft_opt_in": {"on"}, "phone_consent_from": {"2026-08-11"},
			"max_calls_per_30_days": {"4"}, "refusal_quiet_days": {"60"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, `name="soft_opt_in" id="f-soft_opt_in" aria-describedby="h-soft_opt_in" checked`) {
			t.Fatalf("settings not saved: %d", res.status)
		}
		if res := c.get(page); !strings.Contains(res.body, `data-purpose="email_marketing" data-allowed="true"`) {
			t.Errorf("soft opt-in not applied on the person page")
		}
		c.post(page+"/activities", url.Values{"kind": {"call"}, "outcome": {"refused"}, "subject": {"Relance"}, "counts_present": {"1"}})
		res = c.get(page)
		if !strings.Contains(res.body, `data-purpose="phone_prospecting" data-allowed="false"`) {
			t.Errorf("a refused call did not stop calls")
		}
		if !strings.Contains(res.body, "refus d&#39;être appelé") && !strings.Contains(res.body, "refused to be called") {
			t.Errorf("the call's outcome is not on the timeline")
		}
		addUser(t, auth.NewService(sqldb.AuthStore{DB: db}), f.ws.ID, "sales@example.com", auth.RoleSales)
		sales := f.login(t, "sales@example.com")
		if res := sales.get("/settings/contact-rules"); res.status != http.StatusForbidden {
			t.Errorf("sales reads the contact rules settings: %d", res.status)
		}
	})
}
