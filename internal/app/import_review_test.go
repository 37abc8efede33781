package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/registre/registre/internal/app"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
)

// runImport imports csv into the workspace, as the command line would.
func runImport(t *testing.T, s *started, csv string, dedupe importer.Dedupe, execute bool) *importer.Import {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
	open := func() (importer.Source, error) {
		return importer.OpenCSV(strings.NewReader(csv), importer.CSVOptions{})
	}
	src, err := open()
	if err != nil {
		t.Fatal(err)
	}
	src.Close()
	svc := s.app.Imports.Service
	imp := &importer.Import{WorkspaceID: s.ws.ID, Format: importer.CSV, Header: src.Header(),
		Mapping: importer.Suggest(src.Header(), nil, nil), Options: importer.Options{Origin: crm.OriginTradeShow,
			OriginDetail: "Salon de Lyon 2026", LegalBasis: consent.BasisLegitimateInterest, Dedupe: dedupe}}
	if err := svc.Prepare(ctx, imp); err != nil {
		t.Fatal(err)
	}
	if execute {
		if err := svc.Execute(ctx, imp, open, nil); err != nil {
			t.Fatal(err)
		}
	}
	return imp
}

func staffLogin(t *testing.T, s *started, role auth.Role) *staff {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &staff{t: t, base: s.srv.URL, c: &http.Client{Jar: jar}}
	if status, _ := c.post("/login", url.Values{"email": {string(role) + "@" + s.ws.Slug + ".example"}, "password": {password}}); status != 200 {
		t.Fatalf("login: %d", status)
	}
	return c
}

// TestImportReviewPages: the import page links to the held rows; the
// review page shows each beside the person, and its forms (CSRF-checked,
// POST then redirect) resolve them one by one or all at once.
func TestImportReviewPages(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		s := start(t, db, "acme", auth.RoleMarketer, auth.RoleReadOnly)
		runImport(t, s, "Prénom,Nom,E-mail\nÉlodie,Lefèvre,elodie@exemple.fr\nJean,Dupont,jean@exemple.fr\nAnne,Martin,anne@exemple.fr\n", importer.DedupeSkip, true)
		imp := runImport(t, s, "E-mail,Nom,Fonction\nelodie@exemple.fr,Lefèvre,Gérante\njean@exemple.fr,Dupond,\nanne@exemple.fr,Martin,Comptable\n",
			importer.DedupeReview, true)
		c := staffLogin(t, s, auth.RoleMarketer)
		if status, body := c.get("/imports/" + imp.PublicID); status != 200 || !strings.Contains(body, `data-testid="import-reviews"`) {
			t.Fatalf("import page: %d", status)
		}
		reviews := "/imports/" + imp.PublicID + "/reviews"
		status, body := c.get(reviews)
		if status != 200 || !strings.Contains(body, `data-testid="review-2"`) || !strings.Contains(body, `data-testid="differs"`) ||
			!strings.Contains(body, "Gérante") || !strings.Contains(body, "Mettre à jour la fiche avec les valeurs du fichier") {
			t.Fatalf("reviews page: %d\n%s", status, body)
		}
		forged := url.Values{"resolution": {"update"}, "_csrf": {"forged"}}
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+reviews+"/2", strings.NewReader(forged.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if status, _ := c.do(req); status != http.StatusForbidden {
			t.Fatalf("without the CSRF token: %d", status)
		}
		for _, step := range []struct {
			path, resolution, want string
		}{
			{reviews + "/2", "update", "La fiche a été mise à jour avec les valeurs du fichier."},
			{reviews + "/2", "update", "Cette ligne avait déjà été traitée."},
			{reviews + "/3", "create", "L&#39;adresse e-mail de cette ligne appartient déjà à une personne"},
			{reviews, "discard", "Les lignes restantes ont été traitées."},
		} {
			status, body := c.post(step.path, url.Values{"resolution": {step.resolution}})
			if status != 200 || !strings.Contains(body, step.want) {
				t.Errorf("%s %s: %d, want %q\n%.2000s", step.path, step.resolution, status, step.want, body)
			}
		}
		if status, body := c.get(reviews + "?state=resolved"); status != 200 || strings.Count(body, "<tr><td>") != 3 {
			t.Errorf("resolved rows: %d\n%s", status, body)
		}
		p, err := s.app.CRM.Store.Person(context.Background(), s.ws.ID, personID(t, db, s.ws.ID, "elodie@exemple.fr"))
		if err != nil || p.JobTitle != "Gérante" {
			t.Errorf("Élodie: %+v %v", p, err)
		}
		reader := staffLogin(t, s, auth.RoleReadOnly)
		if status, _ := reader.get(reviews); status != http.StatusForbidden {
			t.Errorf("read-only: %d", status)
		}
	})
}

// TestImportCancelPage: the progress page's Cancel button asks the import
// to stop; once stopped, the page says how many rows were imported.
func TestImportCancelPage(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		s := start(t, db, "acme", auth.RoleMarketer)
		csv := "E-mail\nelodie@exemple.fr\n"
		imp := runImport(t, s, csv, importer.DedupeSkip, false)
		c := staffLogin(t, s, auth.RoleMarketer)
		page := "/imports/" + imp.PublicID
		if status, body := c.get(page); status != 200 || !strings.Contains(body, `data-testid="import-cancel"`) {
			t.Fatalf("progress page: %d", status)
		}
		status, body := c.post(page+"/cancel", url.Values{})
		if status != 200 || !strings.Contains(body, "L&#39;import s&#39;arrête après le lot en cours") ||
			!strings.Contains(body, `data-testid="import-cancelling"`) || strings.Contains(body, `data-testid="import-cancel"`) {
			t.Fatalf("cancel: %d\n%s", status, body)
		}
		stored, err := sqldb.ImportStore{DB: db}.Import(context.Background(), s.ws.ID, imp.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		open := func() (importer.Source, error) {
			return importer.OpenCSV(strings.NewReader(csv), importer.CSVOptions{})
		}
		if err := s.app.Imports.Service.Execute(context.Background(), stored, open, nil); err != nil {
			t.Fatal(err)
		}
		if status, body := c.get(page); status != 200 || !strings.Contains(body, `data-testid="import-cancelled"`) {
			t.Fatalf("cancelled: %d\n%s", status, body)
		}
		if status, body := c.post(page+"/cancel", url.Values{}); status != 200 || !strings.Contains(body, "L&#39;import est déjà terminé.") {
			t.Errorf("cancel again: %d", status)
		}
	})
}

func personID(t *testing.T, db *sqldb.DB, ws int64, email string) string {
	t.Helper()
	var id string
	if err := db.QueryRow(context.Background(), `SELECT public_id FROM people WHERE workspace_id = $1 AND email = $2`, ws, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestResumeSkipsCancelledImports: at start-up, unfinished imports carry
// on, except those someone asked to stop, which are marked cancelled
// without reading their file.
func TestResumeSkipsCancelledImports(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
		dir := t.TempDir()
		a, err := app.New(ctx, db, app.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ImportDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		ws := &workspace.Workspace{Slug: "acme", Name: "Acme"}
		if err := (sqldb.WorkspaceStore{DB: db}).Create(ctx, ws); err != nil {
			t.Fatal(err)
		}
		prepare := func(name string) *importer.Import {
			path := filepath.Join(dir, name+".csv")
			if err := os.WriteFile(path, []byte("E-mail\n"+name+"@exemple.fr\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			imp := &importer.Import{WorkspaceID: ws.ID, Format: importer.CSV, FilePath: path, Header: []string{"E-mail"},
				Mapping: importer.Mapping{importer.FieldEmail}, Options: importer.Options{Origin: crm.OriginPartner,
					OriginDetail: "Fichier du partenaire", LegalBasis: consent.BasisLegitimateInterest}}
			if err := a.Imports.Service.Prepare(ctx, imp); err != nil {
				t.Fatal(err)
			}
			return imp
		}
		kept, stopped := prepare("kept"), prepare("stopped")
		if _, err := a.Imports.Service.Cancel(ctx, ws.ID, stopped.PublicID); err != nil {
			t.Fatal(err)
		}
		if err := a.ResumeImports(ctx); err != nil {
			t.Fatal(err)
		}
		a.Imports.Wait()
		st := sqldb.ImportStore{DB: db}
		for imp, want := range map[*importer.Import]importer.Status{kept: importer.StatusDone, stopped: importer.StatusCancelled} {
			got, err := st.Import(ctx, ws.ID, imp.PublicID)
			if err != nil || got.Status != want {
				t.Errorf("%s: %+v %v", imp.FilePath, got, err)
			}
			if _, err := os.Stat(imp.FilePath); !os.IsNotExist(err) {
				t.Errorf("%s: the file is still there", imp.FilePath)
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`, ws.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d people, %v", n, err)
		}
	})
}
