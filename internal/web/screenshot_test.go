package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/registre/registre/internal/browsertest"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestScreenshots writes a PNG of each staff page to the folder named by
// REGISTRE_SCREENSHOTS, so that a developer can look at them. It is skipped
// otherwise: it checks nothing that the other tests do not.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("REGISTRE_SCREENSHOTS")
	if dir == "" {
		t.Skip("REGISTRE_SCREENSHOTS is not set")
	}
	db := sqldbtest.Open(t, sqldb.SQLite)
	f := newFixture(t, db)
	org, _ := f.crm.CreateOrganisation(cliCtx(), f.ws.ID, crm.OrganisationInput{Name: "Boulangerie Martin", Status: crm.StatusCustomer,
		Address: crm.Address{Line1: "12 rue de la Paix", PostalCode: "75002", City: "Paris", Country: "FR"}})
	var first *crm.Person
	for _, n := range [][2]string{{"Élodie", "Lefèvre"}, {"Jean", "Martin"}, {"Chloé", "Dubois"}, {"Hugo", "Bernard"}} {
		p, err := f.crm.CreatePerson(cliCtx(), f.ws.ID, crm.PersonInput{FirstName: n[0], LastName: n[1],
			Emails: []string{strings.ToLower(crm.Fold(n[0]+"."+n[1])) + "@example.fr"}, Phones: []string{"06 12 34 56 78"},
			JobTitle: "Gérante", OrganisationID: org.PublicID, Lifecycle: crm.Customer, Origin: crm.OriginTradeShow, OriginDetail: "Salon Vivatech 2025"})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = p
		}
	}
	f.crm.AddActivity(cliCtx(), f.ws.ID, 0, crm.ActivityInput{PersonID: first.PublicID, Kind: crm.KindCall, Subject: "Appel de suivi", Body: "Intéressée par l'offre annuelle."})
	cs := consent.NewService(sqldb.ConsentStore{DB: db})
	cs.Record(cliCtx(), f.ws.ID, first.PublicID, []consent.Change{{Purpose: consent.EmailMarketing, Action: consent.Request}},
		consent.Proof{SourceKind: consent.SourceForm, SourceID: "newsletter", SourceVersion: "2", Wording: "J'accepte de recevoir la lettre d'information.", IP: "203.0.113.7"})
	cs.Record(cliCtx(), f.ws.ID, first.PublicID, []consent.Change{{Purpose: consent.EmailMarketing, Action: consent.Confirm}}, consent.Proof{SourceKind: consent.SourceLink})
	cs.Record(cliCtx(), f.ws.ID, first.PublicID, []consent.Change{{Flag: consent.PhoneOptOut, Action: consent.Set}}, consent.Proof{SourceKind: consent.SourceStaff, Note: "Refuse les appels"})
	ctx := browsertest.New(t, 60*time.Second)
	os.MkdirAll(dir, 0o755)
	shots := []struct{ name, path string }{
		{"home", "/"}, {"people", "/people"}, {"person", "/people/" + first.PublicID}, {"proof", "/people/" + first.PublicID + "/consent"}, {"person_edit", "/people/" + first.PublicID + "/edit"},
		{"organisations", "/organisations"}, {"organisation", "/organisations/" + org.PublicID}, {"audit", "/audit"},
		{"tokens", "/settings/tokens"}, {"fields", "/settings/fields"}, {"contact_rules", "/settings/contact-rules"},
		{"segments", "/segments"}, {"segment_reoptin", "/segments/new?template=reoptin"},
	}
	shoot := func(name, path string) {
		if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+path)); err != nil {
			t.Fatal(err)
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	}
	shoot("login", "/login")
	err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#email"), adminEmail), chromedp.SendKeys(chromedp.CSS("#password"), adminPassword),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitReady(chromedp.CSS(`[data-testid="logout"]`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range shots {
		shoot(s.name, s.path)
	}
}
