package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/segment"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/web"
	"github.com/registre/registre/internal/workspace"
)

// fixture is a staff interface on a fresh database with one workspace and
// one admin, served by httptest.
type fixture struct {
	db     *sqldb.DB
	server *web.Server
	srv    *httptest.Server
	crm    *crm.Service
	ws     *workspace.Workspace
}

const adminEmail, adminPassword = "admin@example.com", "correct horse battery"

func newFixture(t testing.TB, db *sqldb.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	ws := &workspace.Workspace{Slug: "acme", Name: "Acme SARL"}
	if err := (sqldb.WorkspaceStore{DB: db}).Create(ctx, ws); err != nil {
		t.Fatal(err)
	}
	authSvc := auth.NewService(sqldb.AuthStore{DB: db})
	addUser(t, authSvc, ws.ID, adminEmail, auth.RoleAdmin)
	svc := crm.NewService(sqldb.CRMStore{DB: db}, sqldb.AuditStore{DB: db})
	key, err := db.Secret(ctx, "seal")
	if err != nil {
		t.Fatal(err)
	}
	s := &web.Server{CRM: svc, Consent: consent.NewService(sqldb.ConsentStore{DB: db}), Segments: segment.NewService(sqldb.SegmentStore{DB: db}), Suppression: sqldb.SuppressionStore{DB: db}, Auth: authSvc,
		Register: register.NewService(sqldb.RegisterStore{DB: db}, sqldb.CRMStore{DB: db}, sqldb.ConsentStore{DB: db}, sqldb.AuditStore{DB: db}), Users: sqldb.AuthStore{DB: db}, Workspaces: sqldb.WorkspaceStore{DB: db},
		Audit: sqldb.AuditStore{DB: db}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), SealKey: key}
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, server: s, crm: svc, ws: ws}
	// The logger is read per request, so a test may swap it after start.
	f.srv = httptest.NewServer(web.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.AccessLog(f.server.Logger, s.Handler()).ServeHTTP(w, r)
	})))
	t.Cleanup(f.srv.Close)
	return f
}

func addUser(t testing.TB, svc *auth.Service, workspaceID int64, email string, role auth.Role) *auth.User {
	t.Helper()
	u, err := svc.CreateUser(context.Background(), email, "Test User", adminPassword, "en")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.AddMember(context.Background(), u.ID, workspaceID, role, false); err != nil {
		t.Fatal(err)
	}
	return u
}

// client is a logged-in browser-like HTTP client.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

func (f *fixture) login(t *testing.T, email string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: f.srv.URL, http: &http.Client{Jar: jar}}
	res := c.post("/login", url.Values{"email": {email}, "password": {adminPassword}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "Log out") {
		t.Fatalf("login: status %d", res.status)
	}
	return c
}

type response struct {
	status int
	body   string
	url    string
}

var csrfPattern = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfPattern.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return response{status: res.StatusCode, body: string(b), url: res.Request.URL.String()}
}

func (c *client) get(path string) response {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	if c.csrf != "" && form.Get("_csrf") == "" {
		form.Set("_csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func cliCtx() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
}
