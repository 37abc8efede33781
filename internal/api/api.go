// Package api serves Registre's JSON API under /api/v1 and its OpenAPI
// document at /api/openapi.json.
//
// Every call but the document's is authenticated with an API token sent as
// "Authorization: Bearer rgt_…", and acts in that token's workspace only:
// ids of other workspaces answer 404, exactly like ids that do not exist.
// Changes and reads are recorded in the audit log with the token as actor.
package api

import (
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/segment"
)

// API is the JSON API. Mount it with mux.Handle("/api/", api.Handler()).
type API struct {
	CRM      *crm.Service
	Consent  *consent.Service
	Segments *segment.Service
	// Contactable counts the people who may be contacted
	// (sqldb.ConsentStore).
	Contactable ContactCounter
	Auth        *auth.Service
	// Register is the register of processing activities.
	Register *register.Service
	// Imports, ImportJobs and ImportDir serve the import endpoints;
	// ImportMaxBytes caps an upload (512 MiB when zero).
	Imports        *importer.Service
	ImportJobs     *importer.Jobs
	ImportDir      string
	ImportMaxBytes int64
	// Forms serves the web form endpoints; Workspaces gives a new form
	// its workspace's name and language.
	Forms      *forms.Service
	Workspaces Workspaces
	// Logger receives internal errors (never request bodies or personal
	// data); nil means slog.Default().
	Logger *slog.Logger
}

// caller is the authenticated side of a request: the token and the
// workspace every call is confined to.
type caller struct {
	token       *auth.Token
	workspaceID int64
}

// handlerFunc is an API handler. It writes the success response itself and
// returns errors, which the adapter turns into the JSON error document.
type handlerFunc func(w http.ResponseWriter, r *http.Request, c *caller) error

// serve runs one request: request id, headers, authentication, permission,
// handler, and the mapping of any error to a JSON error document.
func (a *API) serve(w http.ResponseWriter, r *http.Request, perm auth.Permission, h handlerFunc) {
	ctx := r.Context()
	reqID := audit.RequestIDFrom(ctx)
	if reqID == "" {
		// Mounted without the server's RequestID middleware (tests, other
		// wiring): make one so that errors and audit entries still carry it.
		reqID = newRequestID()
		ctx = audit.WithRequestID(ctx, reqID)
		w.Header().Set("X-Request-ID", reqID)
	}
	r = r.WithContext(ctx)
	w.Header().Set("Cache-Control", "no-store")
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			a.logger().Error("api panic", "request_id", reqID, "route", r.Pattern, "panic", v, "stack", string(debug.Stack()))
			a.writeError(w, r, reqID, errs.Errorf(errs.Internal, "panic"))
		}
	}()
	if err := a.authorise(w, r, perm, h); err != nil {
		a.writeError(w, r, reqID, err)
	}
}

// authorise authenticates the bearer token, checks that its role grants
// perm, and calls h with the token as the audit actor.
func (a *API) authorise(w http.ResponseWriter, r *http.Request, perm auth.Permission, h handlerFunc) error {
	if perm == public {
		return h(w, r, nil)
	}
	tok, err := a.authenticate(r)
	if err != nil {
		return err
	}
	if !auth.Can(tok.Role, false, perm) {
		return errs.Errorf(errs.Forbidden, "This API token's role (%s) does not have the %s permission.", tok.Role, perm)
	}
	ctx := audit.WithActor(r.Context(), audit.Actor{Kind: audit.ActorAPIToken, ID: tok.PublicID})
	return h(w, r.WithContext(ctx), &caller{token: tok, workspaceID: tok.WorkspaceID})
}

func (a *API) authenticate(r *http.Request) (*auth.Token, error) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return nil, errs.Errorf(errs.Unauthorised, "Send an API token in the Authorization header: Bearer rgt_….")
	}
	scheme, secret, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return nil, errs.Errorf(errs.Unauthorised, "The Authorization header must be \"Bearer\" followed by an API token.")
	}
	return a.Auth.AuthenticateToken(r.Context(), strings.TrimSpace(secret))
}

func (a *API) logger() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.Default()
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// openAPIDocument is the OpenAPI 3.0.3 description of the API, written by
// hand so that its prose is worth reading; TestOpenAPIMatchesRoutes keeps
// it in step with the route table and the Go types.
//
//go:embed openapi.json
var openAPIDocument []byte

// openAPI serves the document. It needs no token: it describes the API,
// not any workspace's data.
func (a *API) openAPI(w http.ResponseWriter, r *http.Request, _ *caller) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(openAPIDocument)
	return nil
}
