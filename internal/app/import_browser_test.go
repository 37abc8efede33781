package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/charmap"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/browsertest"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestBrowserImportFlow: a marketer uploads a messy French CSV (Excel's
// Windows-1252 and semicolons, an address over two lines, a bad email, a
// duplicate row), checks the suggested mapping, declares the source and
// the legal basis, and watches the import finish with its counts.
func TestBrowserImportFlow(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		s := start(t, db, "acme", auth.RoleMarketer)
		csv, _ := charmap.Windows1252.NewEncoder().String("Prénom;Nom;E-mail;Téléphone;Société;Adresse;Ville\r\n" +
			"Élodie;Lefèvre;elodie@exemple.fr;06 12 34 56 78;Boulangerie Lefèvre;\"12 rue des Écoles\r\nBât. B\";Paris\r\n" +
			"Jean;Dupont;jean@@exemple;;;;\r\n" +
			"Chloé;Bernard;chloe@exemple.fr;;;;Lyon\r\n" +
			"Chloé;Bernard;CHLOE@exemple.fr;;;;Lyon\r\n")
		file := filepath.Join(t.TempDir(), "salon-lyon.csv")
		if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx := browsertest.New(t, 90*time.Second)
		css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
		step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if err := chromedp.Do(stepCtx, actions...); err != nil {
				loc, _ := chromedp.Run(ctx, chromedp.Location())
				html, _ := chromedp.Run(ctx, chromedp.OuterHTML(css("main")))
				t.Fatalf("%s: %v (at %s)\n%.3000s", what, err, loc, html)
			}
		}
		value := func(sel string) string {
			t.Helper()
			v, err := chromedp.Run(ctx, chromedp.Value(css(sel)))
			if err != nil {
				t.Fatalf("value of %s: %v", sel, err)
			}
			return v
		}
		// With REGISTRE_SCREENSHOTS set, the pages are saved there as PNGs.
		shot := func(name string) {
			dir := os.Getenv("REGISTRE_SCREENSHOTS")
			if dir == "" || db.Engine != sqldb.SQLite {
				return
			}
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err == nil {
				_ = os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
			}
		}
		step("log in", chromedp.Navigate(s.srv.URL+"/people/import"),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), "marketer@acme.example"),
			chromedp.SendKeys(css("#password"), password),
			chromedp.Click(css(`button[type="submit"]`)),
			chromedp.WaitVisible(css(`[data-testid="import-upload"]`)))
		step("upload without a file", chromedp.Click(css(`[data-testid="import-upload"] button[type="submit"]`)),
			chromedp.WaitVisible(css("#e-file")))
		step("upload the file", chromedp.SetUploadFiles(css("#f-file"), []string{file}),
			chromedp.Click(css(`[data-testid="import-upload"] button[type="submit"]`)),
			chromedp.WaitVisible(css(`[data-testid="import-mapping"]`)))
		shot("import_mapping")
		for col, want := range map[string]string{"0": "first_name", "1": "last_name", "2": "email", "3": "phone", "4": "organisation", "5": "address_line1", "6": "city"} {
			if got := value(`[data-testid="col-` + col + `"]`); got != want {
				t.Errorf("column %s suggested %q, want %q", col, got, want)
			}
		}
		if got := value("#f-encoding") + " " + value("#f-separator"); got != "windows-1252 semicolon" {
			t.Errorf("detected %q", got)
		}
		step("read the file with another separator", chromedp.SetValue(css("#f-separator"), "comma"),
			chromedp.Click(css(`button[form="reread"]`)),
			chromedp.WaitNotPresent(css(`[data-testid="col-1"]`)))
		step("and back", chromedp.WaitVisible(css(`[data-testid="col-0"]`)), chromedp.WaitVisible(css("#f-separator")),
			chromedp.SetValue(css("#f-separator"), "semicolon"),
			chromedp.Click(css(`button[form="reread"]`)),
			chromedp.WaitVisible(css(`[data-testid="col-6"]`)))
		step("start without a source", chromedp.Click(css(`[data-testid="import-start"]`)),
			chromedp.WaitVisible(css("#e-origin")))
		shot("import_mapping_errors")
		step("declare the source and start", chromedp.SetValue(css("#f-origin"), "trade_show"),
			chromedp.SendKeys(css("#f-origin_detail"), "Salon des entrepreneurs, Lyon 2026"),
			chromedp.SetValue(css("#f-basis"), "legitimate_interest"),
			chromedp.Click(css(`[data-testid="import-start"]`)),
			chromedp.WaitVisible(css(`[data-testid="import-progress"][data-status="done"]`)))
		shot("import_done")
		counts, err := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="import-progress"]`)))
		if err != nil {
			t.Fatal(err)
		}
		created, _ := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="import-created"]`)))
		invalid, _ := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="import-invalid"]`)))
		skipped, _ := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="import-skipped"]`)))
		if created != "2" || invalid != "1" || skipped != "1" {
			t.Fatalf("counts: created %q invalid %q skipped %q\n%s", created, invalid, skipped, counts)
		}
		href, err := chromedp.Run(ctx, chromedp.AttributeValue(css(`[data-testid="import-report"]`), "href"))
		if err != nil || !strings.HasSuffix(href.Value, "/report") {
			t.Fatalf("report link %+v %v", href, err)
		}
		// A second file under the review policy: Élodie's row is held, then
		// merged into her record from the review screen.
		second := filepath.Join(t.TempDir(), "salon-marseille.csv")
		if err := os.WriteFile(second, []byte("E-mail;Fonction;Ville\nelodie@exemple.fr;Gérante;Lyon\nchloe@exemple.fr;;Marseille\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		step("upload a file of known people", chromedp.Navigate(s.srv.URL+"/people/import"),
			chromedp.WaitVisible(css(`[data-testid="import-upload"]`)),
			chromedp.SetUploadFiles(css("#f-file"), []string{second}),
			chromedp.Click(css(`[data-testid="import-upload"] button[type="submit"]`)),
			chromedp.WaitVisible(css(`[data-testid="import-mapping"]`)))
		step("keep known people for review", chromedp.SetValue(css("#f-origin"), "trade_show"),
			chromedp.SendKeys(css("#f-origin_detail"), "Salon de Marseille 2026"),
			chromedp.SetValue(css("#f-basis"), "legitimate_interest"),
			chromedp.SetValue(css("#f-dedupe"), "review"),
			chromedp.Click(css(`[data-testid="import-start"]`)),
			chromedp.WaitVisible(css(`[data-testid="import-progress"][data-status="done"]`)))
		shot("import_held")
		if held, _ := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="import-review"]`))); held != "2" {
			t.Fatalf("%q rows held", held)
		}
		step("open the review screen", chromedp.Click(css(`[data-testid="import-reviews"]`)),
			chromedp.WaitVisible(css(`[data-testid="review-2"] [data-testid="differs"]`)))
		shot("import_reviews")
		step("update Élodie with the file's values", chromedp.Click(css(`[data-testid="review-2"] [data-testid="review-update"]`)),
			chromedp.WaitVisible(css(`.alert-success`)),
			chromedp.WaitNotPresent(css(`[data-testid="review-2"]`)))
		shot("import_reviews_resolved")
		if waiting, _ := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="reviews-waiting"]`))); waiting != "1" {
			t.Errorf("%q rows still waiting", waiting)
		}
		var job, city string
		if err := db.QueryRow(context.Background(), `SELECT job_title, city FROM people WHERE workspace_id = $1 AND email = 'elodie@exemple.fr'`,
			s.ws.ID).Scan(&job, &city); err != nil || job != "Gérante" || city != "Lyon" {
			t.Fatalf("Élodie after the review: %q %q %v", job, city, err)
		}
		step("see the imports", chromedp.Navigate(s.srv.URL+"/people/import"), chromedp.WaitVisible(css("tbody")))
		shot("imports")
		step("see the people", chromedp.Navigate(s.srv.URL+"/people"), chromedp.WaitVisible(css("tbody")))
		list, _ := chromedp.Run(ctx, chromedp.Text(css("tbody")))
		if !strings.Contains(list, "Élodie Lefèvre") || !strings.Contains(list, "Chloé Bernard") {
			t.Fatalf("people list: %q", list)
		}
	})
}
