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

// TestBrowserRegister is an administrator's first visit to the register in
// a real browser: adopt the CNIL templates in one click, open an entry,
// try a negative retention period, fix it, and read both versions.
func TestBrowserRegister(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		s := start(t, db, "acme", auth.RoleAdmin)
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
		step("log in", chromedp.Navigate(s.srv.URL+"/compliance/register"),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), "admin@acme.example"),
			chromedp.SendKeys(css("#password"), password),
			chromedp.Click(css(`button[type="submit"]`)),
			chromedp.WaitVisible(css(`[data-testid="adopt-templates"]`)))
		if got := text(`[data-testid="drift"]`); !strings.Contains(got, "email_marketing") {
			t.Errorf("empty register without drift warning: %q", got)
		}
		step("adopt the templates", chromedp.Click(css(`[data-testid="adopt-templates"]`)),
			chromedp.WaitVisible(css(`[data-testid="register-entries"]`)))
		if got := text(`[data-testid="register-entries"]`); !strings.Contains(got, "Gestion des clients") || !strings.Contains(got, "Mesure d'audience du site") {
			t.Fatalf("entries: %q", got)
		}
		step("open customer management", chromedp.Click(chromedp.Search(`//a[contains(., "Gestion des clients")]`)),
			chromedp.WaitVisible(css(`[data-testid="versions"]`)))
		step("edit it with a negative period", chromedp.Click(css(`[data-testid="edit-entry"]`)),
			chromedp.WaitVisible(css(`[data-testid="register-form"]`)),
			chromedp.SetValue(css(`#f-retention\.0\.count`), "-5"),
			chromedp.SetValue(css("#f-software"), "Registre"),
			chromedp.Submit(css(`[data-testid="register-form"]`)),
			chromedp.WaitVisible(css(`#e-retention\.0\.count`)))
		if got := text(`#e-retention\.0\.count`); !strings.Contains(got, "durée positive") {
			t.Errorf("error beside the duration: %q", got)
		}
		step("fix and save", chromedp.SetValue(css(`#f-retention\.0\.count`), "6"),
			chromedp.Submit(css(`[data-testid="register-form"]`)),
			chromedp.WaitVisible(css(`[data-testid="versions"]`)))
		versions := text(`[data-testid="versions"]`)
		if !strings.Contains(versions, "v1") || !strings.Contains(versions, "v2") {
			t.Fatalf("versions: %q", versions)
		}
		if got := text("main"); !strings.Contains(got, "6 ans") || !strings.Contains(got, "Registre") {
			t.Errorf("entry after edit lacks the new values")
		}
		step("read version 1", chromedp.Click(chromedp.Search(`//a[contains(@href, "?version=1")]`)),
			chromedp.WaitVisible(css(".alert-info")))
		if got := text("main"); !strings.Contains(got, "5 ans") {
			t.Errorf("version 1 does not show the old period")
		}
	})
}
