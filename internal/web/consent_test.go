package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

func TestConsentPanelAndProof(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		p, _ := f.crm.CreatePerson(cliCtx(), f.ws.ID, crm.PersonInput{LastName: "Martin", Emails: []string{"m@example.fr"}, Audience: crm.B2C})
		c := f.login(t, adminEmail)
		page := "/people/" + p.PublicID
		c.get(page)
		res := c.post(page+"/consent", url.Values{"change": {"grant:email_marketing"}})
		if !strings.Contains(res.body, "consent must come from the person") {
			t.Errorf("a staff grant without a note was not refused")
		}
		res = c.post(page+"/consent", url.Values{"change": {"grant:email_marketing"}, "note": {"Asked for the newsletter at the counter, signed form 42"}, "source_ref": {"form 42"}})
		if !strings.Contains(res.body, "Change recorded") || !strings.Contains(res.body, "granted") {
			t.Fatalf("grant not shown: %d", res.status)
		}
		res = c.post(page+"/consent", url.Values{"change": {"set:opposed_all"}, "note": {"Called to object"}})
		if !strings.Contains(res.body, "Opposed to all prospecting") {
			t.Fatalf("objection not shown")
		}
		res = c.post(page+"/consent", url.Values{"change": {"set:opposed_all"}, "note": {"again"}})
		if !strings.Contains(res.body, "already set") {
			t.Errorf("setting a flag twice was not refused")
		}
		res = c.get(page + "/consent")
		if res.status != http.StatusOK || !strings.Contains(res.body, "signed form 42") || !strings.Contains(res.body, "each checked against") {
			t.Fatalf("proof page: %d", res.status)
		}
		res = c.get(page + "/consent?format=json")
		var proof struct {
			Events []struct {
				Action, Hash string
			} `json:"events"`
			Problem any `json:"chain_problem"`
		}
		if err := json.Unmarshal([]byte(res.body), &proof); err != nil || len(proof.Events) != 3 || proof.Problem != nil {
			t.Fatalf("proof JSON: %v %+v", err, proof)
		}
		res = c.post("/compliance/ledger", url.Values{})
		if !strings.Contains(res.body, "3 events, chain intact.") {
			t.Errorf("ledger page does not verify")
		}
	})
}

func TestSuppressionPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		c := f.login(t, adminEmail)
		c.get("/compliance/suppression")
		res := c.post("/compliance/suppression", url.Values{"addresses": {"bloque@example.fr\n06 99 88 77 66"}})
		if !strings.Contains(res.body, `data-testid="suppression-count">2<`) {
			t.Fatalf("count not 2 after adding")
		}
		if res := c.post("/people", url.Values{"last_name": {"X"}, "email": {"BLOQUE@example.fr"}}); res.status != http.StatusConflict || !strings.Contains(res.body, "suppression list") {
			t.Errorf("suppressed address accepted by the form: %d", res.status)
		}
		if res := c.post("/compliance/suppression", url.Values{"addresses": {"not an address"}}); res.status != http.StatusUnprocessableEntity {
			t.Errorf("bad address: %d", res.status)
		}
		exp := c.get("/compliance/suppression/export")
		if strings.Contains(exp.body, "bloque") || strings.Count(exp.body, "\n") != 3 {
			t.Errorf("export: %q", exp.body)
		}
		if res := c.post("/compliance/suppression/remove", url.Values{"address": {"bloque@example.fr"}, "reason": {"Typed by mistake during a demo"}}); !strings.Contains(res.body, `suppression-count">1<`) {
			t.Errorf("removal did not work")
		}
		if res := c.post("/people", url.Values{"last_name": {"X"}, "email": {"bloque@example.fr"}}); res.status != http.StatusOK {
			t.Errorf("address still refused after removal: %d", res.status)
		}
	})
}

func TestBulkConsentFromTheList(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		var ids []string
		for i, aud := range []crm.Audience{crm.B2B, crm.B2C} {
			p, _ := f.crm.CreatePerson(cliCtx(), f.ws.ID, crm.PersonInput{LastName: []string{"Alpha", "Beta"}[i], Audience: aud})
			ids = append(ids, p.PublicID)
		}
		c := f.login(t, adminEmail)
		c.get("/people")
		res := c.post("/people/bulk-consent", url.Values{"id": ids, "change": {"grant:email_marketing"}, "note": {"Met at the trade show"}, "back": {"/people"}})
		if !strings.Contains(res.body, "without a proof reference") {
			t.Errorf("B2C grant without proof accepted")
		}
		res = c.post("/people/bulk-consent", url.Values{"id": ids, "change": {"set:sms_optout"}, "note": {"STOP replies"}, "back": {"/people"}})
		if !strings.Contains(res.body, "Change recorded") {
			t.Fatalf("bulk opt-out not recorded")
		}
		if res := c.post("/compliance/ledger", url.Values{}); !strings.Contains(res.body, "2 events, chain intact.") {
			t.Errorf("ledger after bulk")
		}
	})
}
