package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/registre/registre/internal/browsertest"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestBrowserFormDoubleOptIn is a data subject's walk through a form in a
// real browser, then the staff's view of the result: open the hosted
// form, fill it, tick one consent, submit, read the confirmation email from
// the SMTP server, open the link, press confirm; then, logged in, see the
// person with the consent granted, its proof and the submission history.
func TestBrowserFormDoubleOptIn(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		ctx := browsertest.New(t, 300*time.Second)
		css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
		text := func(sel string) string {
			t.Helper()
			v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
			if err != nil {
				t.Fatalf("text of %s: %v", sel, err)
			}
			return v
		}
		step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			stepCtx, cancel := context.WithTimeout(ctx, 60*time.Second) // loaded machines, -race
			defer cancel()
			if err := chromedp.Do(stepCtx, actions...); err != nil {
				loc, _ := chromedp.Run(ctx, chromedp.Location())
				html, _ := chromedp.Run(ctx, chromedp.OuterHTML(css("body")))
				t.Fatalf("%s: %v (at %s)\n%.2000s", what, err, loc, html)
			}
		}
		shot := func(name string) {
			if dir := os.Getenv("REGISTRE_SCREENSHOTS"); dir != "" {
				buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err == nil {
					os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
				}
			}
		}

		step("open the hosted form", chromedp.Navigate(e.srv.URL+"/f/newsletter"), chromedp.WaitVisible(css("#f-email")))
		if checked, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="consent.email_marketing"]').checked`)); checked {
			t.Fatal("the consent box is ticked when the page opens")
		}
		shot("form-hosted")
		step("fill it and tick one consent",
			chromedp.SendKeys(css("#f-email"), "Ines.Garnier@Exemple.fr"),
			chromedp.SendKeys(css("#f-first_name"), "Inès"),
			chromedp.SendKeys(css("#f-last_name"), "Garnier"),
			chromedp.Click(css(`input[name="consent.email_marketing"]`)),
			chromedp.Click(css(`button[type="submit"]`)),
			chromedp.WaitVisible(css(`p.lead[role="status"]`)))
		if got := text("p.lead"); !strings.Contains(got, "Vérifiez votre boîte") {
			t.Fatalf("after submit: %q", got)
		}

		e.send()
		link := e.optinLink(0)
		step("open the link", chromedp.Navigate(e.srv.URL+link), chromedp.WaitVisible(css("#confirm")))
		shot("form-confirm")
		id := e.personByEmail("ines.garnier@exemple.fr")
		if st := e.state(id, consent.EmailMarketing); st != consent.Pending {
			t.Fatalf("opening the link made the consent %s", st)
		}
		step("press confirm", chromedp.Click(css("#confirm")), chromedp.WaitVisible(css(`p.lead[role="status"]`)))
		if got := text("p.lead"); !strings.Contains(got, "confirmée") {
			t.Fatalf("after confirm: %q", got)
		}

		step("log in as staff", chromedp.Navigate(e.srv.URL+"/people/"+id),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), "admin@acme.example"),
			chromedp.SendKeys(css("#password"), password),
			chromedp.Click(css(`button[type="submit"]`)),
			chromedp.WaitVisible(css("#submissions")))
		shot("form-person")
		if got := text(".dp-panel"); !strings.Contains(got, "donné") {
			t.Errorf("the data protection panel does not show the consent granted: %q", got)
		}
		if got := text("#submissions"); !strings.Contains(got, "Newsletter") || !strings.Contains(got, "Inès") || !strings.Contains(got, "confirmé") {
			t.Errorf("submission history: %q", got)
		}
		step("open the proof", chromedp.Click(css(`[data-testid="proof-link"]`)), chromedp.WaitVisible(css("main")))
		if got := text("main"); !strings.Contains(got, "confirm") || !strings.Contains(got, "form") {
			t.Errorf("proof page: %.500q", got)
		}
		shot("form-proof")

		step("open the builder", chromedp.Navigate(e.srv.URL+"/forms/"+e.form.PublicID), chromedp.WaitVisible(css("#embed-html")))
		if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#embed-html').value`)); !strings.Contains(got, `action="`+e.srv.URL+`/f/newsletter"`) {
			t.Errorf("embed code: %.300s", got)
		}
		shot("form-builder")
		// The publish button is on the page before and after: what says
		// the answer has arrived is the unpublish button gone.
		step("unpublish it", chromedp.Click(css(`[data-testid="unpublish"]`)), chromedp.WaitNotPresent(css(`[data-testid="unpublish"]`)),
			chromedp.WaitVisible(css(`[data-testid="publish"]`)))
		if got := text("main"); !strings.Contains(got, "Dépublié") || !strings.Contains(got, "Brouillon") {
			t.Errorf("after unpublishing: %.300q", got)
		}
		step("open its address", chromedp.Navigate(e.srv.URL+"/f/newsletter"), chromedp.WaitVisible(css("body")))
		// The page speaks the browser's language: headless Chromium may
		// ask for English whatever --lang says.
		if got := text("body"); !strings.Contains(got, "Il n'y a pas de formulaire à cette adresse") && !strings.Contains(got, "There is no form at this address") {
			t.Errorf("unpublished form's address: %.300q", got)
		}
		step("open the double opt-in settings", chromedp.Navigate(e.srv.URL+"/settings/forms"), chromedp.WaitVisible(css("#f-body_fr")))
		shot("form-settings")
	})
}
