package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/app"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/mail"
	"github.com/registre/registre/internal/mail/mailtest"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/workspace"
)

// formsEnv is a running app wired to a real SMTP server, with one
// workspace, an admin, and a published form at /f/newsletter.
type formsEnv struct {
	t     testing.TB
	app   *app.App
	db    *sqldb.DB
	srv   *httptest.Server
	smtp  *mailtest.Server
	ws    *workspace.Workspace
	form  *forms.Form
	admin *auth.User
	ctx   context.Context // acts as the admin
	clock time.Time       // the forms service's "now", moved by tests
}

func startForms(t testing.TB, db *sqldb.DB) *formsEnv {
	t.Helper()
	smtp := mailtest.Start(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
	a, err := app.New(ctx, db, app.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: base,
		SMTP:       mail.Config{Host: smtp.Host, Port: smtp.Port, Security: mail.NoTLS, Timeout: 10 * time.Second},
		FormLimits: forms.Limits{MinFillTime: time.Nanosecond, PerIP: 1000, PerForm: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	e := &formsEnv{t: t, app: a, db: db, smtp: smtp, clock: time.Now().UTC()}
	a.Forms.Now = func() time.Time { return e.clock }
	e.ws = &workspace.Workspace{Slug: "acme", Name: "Acme"}
	if err := (sqldb.WorkspaceStore{DB: db}).Create(ctx, e.ws); err != nil {
		t.Fatal(err)
	}
	e.admin, err = a.Auth.CreateUser(ctx, "admin@acme.example", "Ada Admin", password, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Auth.AddMember(ctx, e.admin.ID, e.ws.ID, auth.RoleAdmin, false); err != nil {
		t.Fatal(err)
	}
	e.ctx = audit.WithActor(ctx, audit.Actor{Kind: audit.ActorUser, ID: e.admin.PublicID, UserID: e.admin.ID})
	// Forms ask consent only for purposes the register declares.
	if _, err := a.Register.AdoptTemplates(e.ctx, e.ws.ID, nil); err != nil {
		t.Fatal(err)
	}
	st := forms.DefaultSettings()
	st.FromName, st.FromEmail, st.ReplyTo = "Acme", "news@acme.example", "contact@acme.example"
	if err := a.Forms.SaveSettings(e.ctx, e.ws.ID, st); err != nil {
		t.Fatal(err)
	}
	e.form, err = a.Forms.CreateForm(e.ctx, e.ws.ID, "Newsletter", "newsletter", "fr", e.ws.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Forms.Publish(e.ctx, e.ws.ID, e.form.PublicID); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewUnstartedServer(a.Handler())
	e.srv.Listener.Close()
	e.srv.Listener = ln
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

var startedPattern = regexp.MustCompile(`name="_started" value="([^"]+)"`)

// page GETs a public page and returns its status and body.
func (e *formsEnv) get(path string) (int, string) {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post POSTs a form body to a public page.
func (e *formsEnv) post(path string, body string, header ...string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "FormsTest/1.0")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if loc := resp.Header.Get("Location"); loc != "" {
		return resp.StatusCode, loc
	}
	return resp.StatusCode, string(b)
}

// noRedirect shows redirects to the test (a redirect's "body" is its
// Location).
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// submit fills the hosted form: it reads the page's start time, then posts
// the values.
func (e *formsEnv) submit(values url.Values) (int, string) {
	e.t.Helper()
	status, page := e.get("/f/newsletter")
	if status != http.StatusOK {
		e.t.Fatalf("form page: %d", status)
	}
	m := startedPattern.FindStringSubmatch(page)
	if m == nil {
		e.t.Fatal("the form page has no start time")
	}
	if values.Get("_started") == "" {
		values.Set("_started", m[1])
	}
	return e.post("/f/newsletter", values.Encode())
}

// send runs one round of the outbox sender.
func (e *formsEnv) send() {
	e.t.Helper()
	if _, err := e.app.Sender.SendDue(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// personByEmail returns the public id of the person with that email, or "".
func (e *formsEnv) personByEmail(email string) string {
	e.t.Helper()
	var id string
	err := e.db.QueryRow(context.Background(), `SELECT p.public_id FROM people p JOIN person_emails m ON m.person_id = p.id
		WHERE p.workspace_id = $1 AND m.email_norm = $2`, e.ws.ID, strings.ToLower(email)).Scan(&id)
	if err != nil {
		return ""
	}
	return id
}

func (e *formsEnv) state(personID, purpose string) consent.State {
	e.t.Helper()
	proof, err := e.app.Consent.Proof(context.Background(), e.ws.ID, personID)
	if err != nil {
		e.t.Fatal(err)
	}
	return proof.Projection.State(purpose)
}

func (e *formsEnv) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

var linkPattern = regexp.MustCompile(`https?://[^\s"<>]+/optin/[A-Za-z0-9_-]+`)

// optinLink reads the confirmation link from the i-th message received.
func (e *formsEnv) optinLink(i int) string {
	e.t.Helper()
	msgs := e.smtp.Wait(e.t, i+1, 10*time.Second)
	link := linkPattern.FindString(msgs[i].Part("text/plain"))
	if link == "" {
		e.t.Fatalf("no confirmation link in %q", msgs[i].Part("text/plain"))
	}
	return strings.TrimPrefix(link, e.srv.URL)
}

func subscribe(email string) url.Values {
	return url.Values{"email": {email}, "first_name": {"Camille"}, "last_name": {"Durand"}, "consent.email_marketing": {"yes"}}
}
