package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestFormAuthorOnTimeline: a submission's activity names its form as
// author on the person's timeline (and in the API's activity document); an
// activity of the same kind added without an author (API, import) keeps
// "API or import".
func TestFormAuthorOnTimeline(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		if status, _ := e.submit(subscribe("timeline@exemple.fr")); status != http.StatusOK {
			t.Fatalf("submit: %d", status)
		}
		id := e.personByEmail("timeline@exemple.fr")
		if _, err := e.app.CRM.AddActivity(e.ctx, e.ws.ID, 0, crm.ActivityInput{PersonID: id, Kind: crm.KindFormSubmission,
			Subject: "Imported form answer"}); err != nil {
			t.Fatal(err)
		}
		p, err := e.app.CRM.Store.Person(context.Background(), e.ws.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		acts, err := e.app.CRM.Store.Activities(context.Background(), e.ws.ID, p.ID, 0, 10)
		if err != nil || len(acts) != 2 {
			t.Fatalf("activities %v %v", acts, err)
		}
		byForm := 0
		for _, a := range acts {
			if a.FormPublicID == e.form.PublicID && a.FormName == "Newsletter" {
				byForm++
			} else if a.FormPublicID != "" {
				t.Errorf("activity %q names form %q", a.Subject, a.FormName)
			}
		}
		if byForm != 1 {
			t.Errorf("%d activities name the form, want 1", byForm)
		}
		s := e.login()
		status, body := s.get("/people/" + id)
		if status != http.StatusOK {
			t.Fatalf("person page: %d", status)
		}
		if !strings.Contains(body, `data-author="form"`) || !strings.Contains(body, "Formulaire « Newsletter »") ||
			!strings.Contains(body, `href="/forms/`+e.form.PublicID+`"`) {
			t.Errorf("the submission's author is not its form: %s", excerpt(body, "timeline-event"))
		}
		if strings.Count(body, "API ou import") != 1 {
			t.Errorf("want exactly one activity without author (the added one): %s", excerpt(body, "timeline-event"))
		}
		// English staff see the English label.
		if status, _ := s.post("/account/lang", url.Values{"lang": {"en"}}); status >= 400 {
			t.Fatalf("switch to English: %d", status)
		}
		if _, body := s.get("/people/" + id); !strings.Contains(body, "Form “Newsletter”") {
			t.Errorf("English label missing: %s", excerpt(body, "timeline-event"))
		}
	})
}

// TestFormFieldsInDrift: the register's drift check sees what published
// forms collect: the connection data kept as consent proof is a gap once
// no active entry lists connection data, and so is a custom field of an
// unlisted category; drafts collect nothing.
func TestFormFieldsInDrift(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		ctx := e.ctx
		formGaps := func() []string {
			t.Helper()
			gaps, err := e.app.Register.Drift(ctx, e.ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, g := range gaps {
				if g.Kind == register.GapFieldCategory && g.Origin != "" {
					out = append(out, g.Origin+": "+g.Subject+" ("+g.Detail+")")
				}
			}
			return out
		}
		// Every template adopted: identity and connection data are listed.
		if got := formGaps(); len(got) != 0 {
			t.Fatalf("templates adopted, form gaps %v", got)
		}
		// Archive the entries listing connection data: the proof's IP and
		// user agent become gaps.
		entries, err := e.app.Register.List(ctx, e.ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range entries {
			for _, c := range en.Activity.Categories {
				if c == register.CatConnection && en.Status == register.Active {
					if _, err := e.app.Register.SetStatus(ctx, e.ws.ID, en.PublicID, register.Archived); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		want := "Newsletter: ip_address (connection),Newsletter: user_agent (connection)"
		if got := strings.Join(formGaps(), ","); got != want {
			t.Errorf("after archiving: %s, want %s", got, want)
		}
		// A custom field without category, asked by a draft: nothing; once
		// published: a gap naming the form.
		if _, err := e.app.CRM.CreateCustomField(ctx, e.ws.ID, crm.CustomField{Entity: crm.EntityPerson, Key: "shoe_size",
			Label: "Pointure", Kind: crm.FieldNumber}); err != nil {
			t.Fatal(err)
		}
		d := e.form.Draft
		d.Fields = append(d.Fields, forms.Field{Key: "custom.shoe_size", Label: "Pointure"})
		if _, err := e.app.Forms.SaveDraft(ctx, e.ws.ID, e.form.PublicID, "Newsletter", d); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(formGaps(), ","); got != want {
			t.Errorf("a draft changed the drift: %s", got)
		}
		if _, err := e.app.Forms.Publish(ctx, e.ws.ID, e.form.PublicID); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(formGaps(), ","); got != "Newsletter: custom.shoe_size (),"+want {
			t.Errorf("published: %s", got)
		}
		// The API names the form as the gap's origin.
		_, secret, err := e.app.Auth.CreateToken(ctx, e.ws.ID, 0, "drift", auth.RoleReadOnly, 0)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/register/drift", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), `{"kind":"field_category","subject":"ip_address","detail":"connection","origin":"Newsletter"}`) {
			t.Errorf("API drift: %d %s", res.StatusCode, b)
		}
		// The register page says it in words.
		s := e.login()
		_, body := s.get("/compliance/register")
		for _, w := range []string{"Le formulaire « Newsletter » collecte ip_address", "Le formulaire « Newsletter » collecte le champ personnalisé custom.shoe_size"} {
			if !strings.Contains(body, w) {
				t.Errorf("register page lacks %q: %s", w, excerpt(body, "data-testid=\"drift\""))
			}
		}
	})
}

// excerpt returns up to 1,500 characters of body from the first mark, for
// failure messages.
func excerpt(body, mark string) string {
	i := strings.Index(body, mark)
	if i < 0 {
		i = 0
	}
	return body[i:min(len(body), i+1500)]
}

// TestActivityFormBackfill runs the UPDATE of migration 0061 on an
// activity recorded without its form (as before the migration): it finds
// the form through the submission of the same person at the same instant,
// and leaves an activity added without author alone.
func TestActivityFormBackfill(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		e.submit(subscribe("backfill@exemple.fr"))
		id := e.personByEmail("backfill@exemple.fr")
		if _, err := e.app.CRM.AddActivity(e.ctx, e.ws.ID, 0, crm.ActivityInput{PersonID: id, Kind: crm.KindFormSubmission,
			Subject: "Imported"}); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := db.Exec(ctx, `UPDATE activities SET form_id = NULL`); err != nil {
			t.Fatal(err)
		}
		body, err := os.ReadFile(filepath.Join("..", "sqldb", "migrations", string(db.Engine), "0061_activity_form.sql"))
		if err != nil {
			t.Fatal(err)
		}
		start := strings.Index(string(body), "UPDATE activities")
		update, _, _ := strings.Cut(string(body)[start:], ";")
		if _, err := db.Exec(ctx, update); err != nil {
			t.Fatal(err)
		}
		rows := e.count(`SELECT COUNT(*) FROM activities WHERE form_id = $1 AND subject = 'Newsletter'`, e.form.ID)
		others := e.count(`SELECT COUNT(*) FROM activities WHERE form_id IS NOT NULL AND subject <> 'Newsletter'`)
		if rows != 1 || others != 0 {
			t.Errorf("backfill: %d submission activities with their form, %d others", rows, others)
		}
	})
}
