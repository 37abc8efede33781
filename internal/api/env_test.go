package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/registre/registre/internal/api"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/segment"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/workspace"
)

// env is the API on a fresh database with two workspaces, A ("acme") and
// B ("globex"), and tokens of several roles and states.
type env struct {
	db      *sqldb.DB
	crm     *crm.Service
	consent *consent.Service
	handler http.Handler
	srv     *httptest.Server
	wsA     *workspace.Workspace
	wsB     *workspace.Workspace
	// secrets and ids of the tokens by name: admin, sales, reader (all of
	// A), revoked and expired (of A, no longer valid), other (admin of B).
	secrets  map[string]string
	tokenIDs map[string]string
	logs     *lockedBuffer
	jobs     *importer.Jobs
	register *register.Service
	forms    *forms.Service
}

func newEnv(t testing.TB, db *sqldb.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{db: db, secrets: map[string]string{}, tokenIDs: map[string]string{}, logs: &lockedBuffer{}}
	e.wsA, e.wsB = newWorkspace(t, db, "acme"), newWorkspace(t, db, "globex")
	authSvc := auth.NewService(sqldb.AuthStore{DB: db})
	past := auth.NewService(sqldb.AuthStore{DB: db})
	past.Now = func() time.Time { return time.Now().UTC().Add(-2 * time.Hour) }
	for _, tk := range []struct {
		name string
		svc  *auth.Service
		ws   int64
		role auth.Role
		ttl  time.Duration
	}{
		{"admin", authSvc, e.wsA.ID, auth.RoleAdmin, 0},
		{"sales", authSvc, e.wsA.ID, auth.RoleSales, 0},
		{"reader", authSvc, e.wsA.ID, auth.RoleReadOnly, 0},
		{"revoked", authSvc, e.wsA.ID, auth.RoleAdmin, 0},
		{"expired", past, e.wsA.ID, auth.RoleAdmin, time.Hour},
		{"other", authSvc, e.wsB.ID, auth.RoleAdmin, 0},
	} {
		tok, secret, err := tk.svc.CreateToken(ctx, tk.ws, 0, "test "+tk.name, tk.role, tk.ttl)
		if err != nil {
			t.Fatal(err)
		}
		e.secrets[tk.name], e.tokenIDs[tk.name] = secret, tok.PublicID
	}
	if err := authSvc.RevokeToken(ctx, e.wsA.ID, e.tokenIDs["revoked"]); err != nil {
		t.Fatal(err)
	}
	e.crm = crm.NewService(sqldb.CRMStore{DB: db}, sqldb.AuditStore{DB: db})
	e.consent = consent.NewService(sqldb.ConsentStore{DB: db})
	imports := &importer.Service{Store: sqldb.ImportStore{DB: db}, Workspace: sqldb.ImportWorkspace{DB: db}}
	e.jobs = &importer.Jobs{Service: imports}
	e.register = register.NewService(sqldb.RegisterStore{DB: db}, sqldb.CRMStore{DB: db}, sqldb.ConsentStore{DB: db}, sqldb.AuditStore{DB: db})
	e.forms = forms.NewService(sqldb.FormStore{DB: db}, e.consent, sqldb.CRMStore{DB: db}, []byte("forms test key of 32 bytes......"), "http://127.0.0.1:8080")
	e.forms.Purposes = e.register
	a := &api.API{CRM: e.crm, Consent: e.consent, Segments: segment.NewService(sqldb.SegmentStore{DB: db}), Contactable: sqldb.ConsentStore{DB: db}, Auth: authSvc,
		Register: e.register, Logger: slog.New(slog.NewTextHandler(e.logs, nil)), Imports: imports, ImportJobs: e.jobs, ImportDir: t.TempDir(),
		Forms: e.forms, Workspaces: sqldb.WorkspaceStore{DB: db}}
	e.handler = a.Handler()
	e.srv = httptest.NewServer(e.handler)
	t.Cleanup(e.srv.Close)
	return e
}

func newWorkspace(t testing.TB, db *sqldb.DB, slug string) *workspace.Workspace {
	t.Helper()
	w := &workspace.Workspace{Slug: slug, Name: "Test " + slug}
	if err := (sqldb.WorkspaceStore{DB: db}).Create(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	return w
}

// response is an answer of the API.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request with the named token ("" for none, or a raw
// Authorization value when it contains a space) and checks what every
// answer must have: the JSON content type, no-store, a request id, and for
// errors the error document carrying that request id.
func (e *env) do(t testing.TB, method, path, token, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(token, " ") {
		req.Header.Set("Authorization", token)
	} else if token != "" {
		req.Header.Set("Authorization", "Bearer "+e.secrets[token])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := response{status: res.StatusCode, header: res.Header, body: string(b)}
	checkResponse(t, method+" "+path, r)
	return r
}

func checkResponse(t testing.TB, what string, r response) {
	t.Helper()
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s: Cache-Control = %q", what, got)
	}
	reqID := r.header.Get("X-Request-ID")
	if reqID == "" {
		t.Errorf("%s: no X-Request-ID", what)
	}
	if r.status == http.StatusNoContent {
		return
	}
	if got := r.header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("%s: Content-Type = %q", what, got)
	}
	var doc struct {
		Error *struct {
			Code      string `json:"code"`
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Errorf("%s: body is not JSON: %v\n%s", what, err, r.body)
		return
	}
	if r.status >= 400 && (doc.Error == nil || doc.Error.Code == "" || doc.Error.RequestID != reqID) {
		t.Errorf("%s: %d without an error document carrying request id %q: %s", what, r.status, reqID, r.body)
	}
}

// id returns the "id" member of a JSON document.
func (r response) id(t testing.TB) string {
	t.Helper()
	var doc struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || doc.ID == "" {
		t.Fatalf("no id in %d %s", r.status, r.body)
	}
	return doc.ID
}

// page decodes a list answer.
func (r response) page(t testing.TB) (ids []string, next string) {
	t.Helper()
	var doc struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
		NextCursor *string `json:"next_cursor"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || doc.Data == nil {
		t.Fatalf("not a page: %d %s", r.status, r.body)
	}
	for _, d := range doc.Data {
		ids = append(ids, d.ID)
	}
	if doc.NextCursor != nil {
		next = *doc.NextCursor
	}
	return ids, next
}

// lockedBuffer collects the API's logs from concurrent requests.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
