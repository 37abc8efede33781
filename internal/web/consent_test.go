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
