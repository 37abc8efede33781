package app_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

type staff struct {
	t    testing.TB
	base string
	c    *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (e *formsEnv) login() *staff {
	jar, _ := cookiejar.New(nil)
	s := &staff{t: e.t, base: e.srv.URL, c: &http.Client{Jar: jar}}
	if status, _ := s.post("/login", url.Values{"email": {"admin@acme.example"}, "password": {password}}); status != 200 {
		e.t.Fatalf("login: %d", status)
	}
	return s
}

func (s *staff) do(req *http.Request) (int, string) {
	s.t.Helper()
	res, err := s.c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(b); m != nil {
		s.csrf = string(m[1])
	}
	return res.StatusCode, string(b)
}

func (s *staff) get(path string) (int, string) {
	req, _ := http.NewRequest(http.MethodGet, s.base+path, nil)
	return s.do(req)
}

func (s *staff) post(path string, form url.Values) (int, string) {
	if s.csrf != "" {
		form.Set("_csrf", s.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

// builderForm is what the builder page posts for the default form.
func builderForm(action string) url.Values {
	return url.Values{"name": {"Salon 2026"}, "title": {"Restons en contact"}, "lang": {"fr"}, "audience": {"b2b"},
		"notice_fr": {"Mentions FR"}, "notice_en": {"Notice EN"}, "double_opt_in": {"1"}, "action": {action},
		"field": {"email", "first_name", "job_title"}, "field.email.label": {"E-mail"}, "field.first_name.on": {"1"},
		"field.first_name.label": {"Prénom"}, "field.first_name.pos": {"1"}, "field.job_title.label": {"Fonction"},
		"box": {"email_marketing"}, "box.email_marketing.on": {"1"}, "box.email_marketing.label": {"J'accepte les e-mails"},
		"box.email_marketing.text": {"Une lettre par mois."}}
}

// TestFormStaffPages: the builder creates, saves and publishes a form,
// refuses a pre-ticked box sent by a crafted request, shows the embed code;
// the settings page refuses a template without the link; the person page
// offers the resend.
func TestFormStaffPages(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		s := e.login()
		if status, body := s.get("/forms"); status != 200 || !strings.Contains(body, "Newsletter") {
			t.Fatalf("list: %d", status)
		}
		status, body := s.post("/forms", url.Values{"name": {"Salon"}, "slug": {"Salon 2026!"}, "lang": {"fr"}})
		if status != 422 || !strings.Contains(body, "minuscules") {
			t.Fatalf("bad slug: %d %.300s", status, body)
		}
		status, body = s.post("/forms", url.Values{"name": {"Salon"}, "slug": {"salon-2026"}, "lang": {"fr"}})
		if status != 200 || !strings.Contains(body, `id="builder"`) {
			t.Fatalf("create: %d", status)
		}
		var formID string
		if m := regexp.MustCompile(`action="/forms/([0-9a-f-]{36})"`).FindStringSubmatch(body); m != nil {
			formID = m[1]
		} else {
			t.Fatal("no builder form")
		}
		crafted := builderForm("publish")
		crafted.Set("box.email_marketing.checked", "1")
		if status, body := s.post("/forms/"+formID, crafted); status != 422 || !strings.Contains(body, "pré-cochée") {
			t.Fatalf("pre-ticked: %d %.500s", status, body)
		}
		if status, _ := e.get("/f/salon-2026"); status != 404 {
			t.Fatalf("a refused form was published: %d", status)
		}
		if status, body := s.post("/forms/"+formID, builderForm("publish")); status != 200 || !strings.Contains(body, "embed-html") {
			t.Fatalf("publish: %d %.300s", status, body)
		}
		status, page := e.get("/f/salon-2026")
		if status != 200 || !strings.Contains(page, "J&#39;accepte les e-mails") {
			t.Fatalf("published page: %d %.500s", status, page)
		}
		if strings.Contains(page, "Fonction") {
			t.Error("a field left off is on the page")
		}
		if status, _ := s.get("/settings/forms"); status != 200 {
			t.Fatalf("settings: %d", status)
		}
		status, body = s.post("/settings/forms", url.Values{"from_name": {"Acme"}, "from_email": {"news@acme.example"},
			"subject_fr": {"Confirmez"}, "subject_en": {"Confirm"}, "body_fr": {"Cliquez"}, "body_en": {"Click [[!OPTINLINK]]"},
			"expiry_days": {"7"}, "brand_color": {"#aa3300"}})
		if status != 422 || !strings.Contains(body, "[[!OPTINLINK]]") {
			t.Fatalf("settings without the link: %d %.300s", status, body)
		}
		e.submit(subscribe("page@exemple.fr"))
		id := e.personByEmail("page@exemple.fr")
		status, body = s.get("/people/" + id)
		if status != 200 || !strings.Contains(body, "Renvoyer") || !strings.Contains(body, "Camille") {
			t.Fatalf("person page: %d", status)
		}
		if status, body := s.post("/people/"+id+"/optin/resend", url.Values{"lang": {"fr"}}); status != 200 || !strings.Contains(body, "nouvel e-mail") {
			t.Fatalf("resend: %d %.300s", status, body)
		}
		e.send()
		if n := len(e.smtp.Wait(t, 2, 5e9)); n != 2 {
			t.Fatalf("%d emails after resend", n)
		}
		if status, body := s.post("/people/"+id+"/reoptin", url.Values{"purpose": {"email_marketing"}}); status != 200 || !strings.Contains(body, "/reoptin/") {
			t.Fatalf("re-opt-in link: %d", status)
		}
	})
}

// TestFormEmbedAndCORS: the embed script is served; an allowed origin may
// submit by script and read the answer; another origin is refused; a plain
// HTML post from any site works.
func TestFormEmbedAndCORS(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := startForms(t, db)
		d := e.form.Draft
		d.AllowedOrigins = []string{"https://www.client.example"}
		if _, err := e.app.Forms.SaveDraft(e.ctx, e.ws.ID, e.form.PublicID, "Newsletter", d); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Forms.Publish(e.ctx, e.ws.ID, e.form.PublicID); err != nil {
			t.Fatal(err)
		}
		if status, js := e.get("/pub/embed.js"); status != 200 || !strings.Contains(js, "data-registre-form") {
			t.Fatalf("embed.js: %d", status)
		}
		_, js := e.get("/f/newsletter/started")
		started := strings.Split(js, `"`)[3]
		body := subscribe("cors@exemple.fr")
		body.Set("_started", started)
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/f/newsletter", strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Origin", "https://www.client.example")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "https://www.client.example" {
			t.Fatalf("allowed origin: %d %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}
		body.Set("email", "evil@exemple.fr")
		if status, _ := e.post("/f/newsletter", body.Encode(), "Accept", "application/json", "Origin", "https://evil.example"); status != 403 {
			t.Errorf("other origin by script: %d", status)
		}
		body.Set("email", "plain@exemple.fr")
		if status, _ := e.post("/f/newsletter", body.Encode(), "Origin", "https://any.example", "Sec-Fetch-Site", "cross-site"); status != 200 {
			t.Errorf("plain cross-site post: %d", status)
		}
		if e.personByEmail("evil@exemple.fr") != "" || e.personByEmail("plain@exemple.fr") == "" {
			t.Error("origin rules not applied")
		}
	})
}
