package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/browsertest"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestBrowserPersonFlow is the staff's first walk through Registre in a real
// browser: log in, create a person, find them in the list, open their page,
// add a call, log out.
func TestBrowserPersonFlow(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		s := start(t, db, "acme", auth.RoleSales)
		ctx := browsertest.New(t, 90*time.Second)
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
			stepCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := chromedp.Do(stepCtx, actions...); err != nil {
				loc, _ := chromedp.Run(ctx, chromedp.Location())
				html, _ := chromedp.Run(ctx, chromedp.OuterHTML(css("main")))
				t.Fatalf("%s: %v (at %s)\n%.2000s", what, err, loc, html)
			}
		}

		step("log in", chromedp.Navigate(s.srv.URL+"/people"),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), "sales@acme.example"),
			chromedp.SendKeys(css("#password"), password),
			chromedp.Click(css(`button[type="submit"]`)),
			chromedp.WaitVisible(css(`[data-testid="new-person"]`)))
		if got := text("h1"); !strings.Contains(got, "Personnes") {
			t.Fatalf("after login the page is %q, want the French people list", got)
		}

		step("create a person", chromedp.Click(css(`[data-testid="new-person"]`)),
			chromedp.WaitVisible(css("#f-first_name")),
			chromedp.SendKeys(css("#f-first_name"), "Gaëlle"),
			chromedp.SendKeys(css("#f-last_name"), "Rousseau"),
			chromedp.SendKeys(css("#f-email"), "Gaelle.Rousseau@Exemple.fr"),
			chromedp.SendKeys(css("#f-phone"), "07 81 23 45 67"),
			chromedp.Click(css(`[data-testid="save-person"]`)),
			chromedp.WaitVisible(css(".dp-panel")))
		if got := text("h1"); got != "Gaëlle Rousseau" {
			t.Fatalf("person page title %q", got)
		}

		step("find them in the list", chromedp.Navigate(s.srv.URL+"/people"),
			chromedp.WaitVisible(css("#q")),
			chromedp.SendKeys(css("#q"), "rous"))
		// The list is already on screen: wait for the search's own page.
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(css(`[data-testid="search"]`))); err != nil {
			t.Fatalf("search: %v", err)
		}
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		if strings.Contains(loc, "rous") {
			t.Errorf("the search term is in the URL: %s", loc)
		}
		if got := text("tbody"); !strings.Contains(got, "Gaëlle Rousseau") || !strings.Contains(got, "07 81 23 45 67") {
			t.Fatalf("list shows %q", got)
		}

		step("open their page and add a call", chromedp.Click(css("tbody a")),
			chromedp.WaitVisible(css(".dp-panel")),
			chromedp.SendKeys(css("#a-kind"), "appel"),
			chromedp.SendKeys(css("#a-subject"), "Premier contact"),
			chromedp.Click(css(`#timeline button[type="submit"]`)),
			chromedp.WaitVisible(css(".timeline-event")))
		if got := text(`[data-testid="last-interaction"]`); got == "—" {
			t.Error("a call did not set the last interaction date")
		}

		step("log out", chromedp.ScrollIntoView(css(`[data-testid="logout"]`)),
			chromedp.Click(css(`[data-testid="logout"]`)),
			chromedp.WaitVisible(css("#password")))
		step("stay out", chromedp.Navigate(s.srv.URL+"/people"), chromedp.WaitVisible(css("#password")))
	})
}
