package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/registre/registre/internal/browsertest"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/public"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestBrowserFormWithoutJavaScript: in Chromium with JavaScript turned
// off, a visitor of a customer's site fills the plain HTML embed, is
// asked once to confirm on Registre's page (the embed carries no start
// time), is thanked, then confirms from the email's link: the consent is
// granted, with the customer's site as proof. The hosted form works
// without JavaScript too.
func TestBrowserFormWithoutJavaScript(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		f, v, _, err := e.app.Forms.Published(context.Background(), "newsletter")
		if err != nil {
			t.Fatal(err)
		}
		code, _ := public.EmbedCode(e.srv.URL, f, v)
		site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Client</title>
<script>document.title = "JavaScript ran"</script></head><body><h1>Contact</h1>%s</body></html>`, code)
		}))
		t.Cleanup(site.Close)

		ctx := browsertest.New(t, 300*time.Second)
		css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
		step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			stepCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			if err := chromedp.Do(stepCtx, actions...); err != nil {
				loc, _ := chromedp.Run(ctx, chromedp.Location())
				html, _ := chromedp.Run(ctx, chromedp.OuterHTML(css("body")))
				t.Fatalf("%s: %v (at %s)\n%.2000s", what, err, loc, html)
			}
		}
		lead := func() string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Text(css("p.lead")))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		step("turn JavaScript off", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))

		step("open the customer's page", chromedp.Navigate(site.URL+"/contact"), chromedp.WaitVisible(css(`input[name="email"]`)))
		if title, _ := chromedp.Run(ctx, chromedp.Title()); title != "Client" {
			t.Fatalf("JavaScript is not off: the page's title is %q", title)
		}
		step("fill the embedded form and send it",
			chromedp.SendKeys(css(`input[name="email"]`), "sans.js@exemple.fr"),
			chromedp.SendKeys(css(`input[name="first_name"]`), "Jean"),
			chromedp.SendKeys(css(`input[name="last_name"]`), "Sansjs"),
			chromedp.Click(css(`input[name="consent.email_marketing"]`)),
			chromedp.Click(css(`button[type="submit"]`)),
			chromedp.WaitVisible(css("#confirm-submission")))
		if n := e.written(); n != 0 {
			t.Fatalf("the embed's first post wrote %d rows", n)
		}
		step("confirm on Registre's page", chromedp.Click(css(`button[type="submit"]`)), chromedp.WaitVisible(css(`p.lead[role="status"]`)))
		if got := lead(); !strings.Contains(got, "Vérifiez votre boîte") {
			t.Fatalf("after confirming: %q", got)
		}

		e.send()
		step("open the email's link", chromedp.Navigate(e.srv.URL+e.optinLink(0)), chromedp.WaitVisible(css("#confirm")))
		step("press confirm", chromedp.Click(css("#confirm")), chromedp.WaitVisible(css(`p.lead[role="status"]`)))
		if got := lead(); !strings.Contains(got, "confirmée") {
			t.Fatalf("after confirm: %q", got)
		}
		id := e.personByEmail("sans.js@exemple.fr")
		if st := e.state(id, consent.EmailMarketing); st != consent.Granted {
			t.Fatalf("consent %s, want granted", st)
		}
		proof, err := e.app.Consent.Proof(context.Background(), e.ws.ID, id)
		// Browsers send only the origin of a cross-site page by default
		// (strict-origin-when-cross-origin): the proof names the site.
		if err != nil || len(proof.Events) != 2 || !strings.HasPrefix(proof.Events[0].PageURL, site.URL) {
			t.Fatalf("proof: %+v %v", proof.Events, err)
		}

		step("open the hosted form", chromedp.Navigate(e.srv.URL+"/f/newsletter"), chromedp.WaitVisible(css("#f-email")))
		step("fill and send it",
			chromedp.SendKeys(css("#f-email"), "hebergee@exemple.fr"),
			chromedp.SendKeys(css("#f-last_name"), "Hébergée"),
			chromedp.Click(css(`input[name="consent.email_marketing"]`)),
			chromedp.Click(css(`button[type="submit"]`)),
			chromedp.WaitVisible(css(`p.lead[role="status"]`)))
		if got := lead(); !strings.Contains(got, "Vérifiez votre boîte") {
			t.Fatalf("hosted form without JavaScript: %q", got)
		}
	})
}
