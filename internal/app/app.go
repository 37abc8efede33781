// Package app wires Registre together: the database, the services, the
// staff interface, the JSON API and the health checks. The serve command and
// the end-to-end tests both start it.
package app

import (
	"context"
	"github.com/registre/registre/internal/importer"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/registre/registre/internal/api"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/web"
)

// Config is what the app needs beyond the database.
type Config struct {
	// SecureCookies marks cookies Secure (serving over TLS).
	SecureCookies bool
	Logger        *slog.Logger
	// ImportDir keeps uploaded files until their import ends (default: a
	// folder in the system's temporary folder); ImportMaxBytes caps an
	// upload (default web.DefaultImportMaxBytes).
	ImportDir      string
	ImportMaxBytes int64
}

// App is a running Registre: everything it holds in memory can be rebuilt
// from the database, so several may share one PostgreSQL database.
type App struct {
	DB      *sqldb.DB
	CRM     *crm.Service
	Consent *consent.Service
	Auth    *auth.Service
	Imports *importer.Jobs
	Web     *web.Server
	API     *api.API
	log     *slog.Logger
}

// New builds an App on an open, migrated database.
func New(ctx context.Context, db *sqldb.DB, cfg Config) (*App, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	sealKey, err := db.Secret(ctx, "seal")
	if err != nil {
		return nil, err
	}
	a := &App{DB: db, log: logger}
	a.CRM = crm.NewService(sqldb.CRMStore{DB: db}, sqldb.AuditStore{DB: db})
	a.Auth = auth.NewService(sqldb.AuthStore{DB: db})
	a.Consent = consent.NewService(sqldb.ConsentStore{DB: db})
	imports := &importer.Service{Store: sqldb.ImportStore{DB: db}, Workspace: sqldb.ImportWorkspace{DB: db}}
	a.Imports = &importer.Jobs{Service: imports, Logger: logger}
	if cfg.ImportDir == "" {
		cfg.ImportDir = filepath.Join(os.TempDir(), "registre-imports")
	}
	a.Web = &web.Server{CRM: a.CRM, Consent: a.Consent, Suppression: sqldb.SuppressionStore{DB: db}, Auth: a.Auth, Users: sqldb.AuthStore{DB: db}, Workspaces: sqldb.WorkspaceStore{DB: db},
		Audit: sqldb.AuditStore{DB: db}, Logger: logger, SecureCookies: cfg.SecureCookies, SealKey: sealKey,
		Imports: imports, ImportList: sqldb.ImportStore{DB: db}, ImportJobs: a.Imports, ImportDir: cfg.ImportDir,
		ImportMaxBytes: cfg.ImportMaxBytes}
	if err := a.Web.Init(); err != nil {
		return nil, err
	}
	a.API = &api.API{CRM: a.CRM, Consent: a.Consent, Contactable: sqldb.ConsentStore{DB: db}, Auth: a.Auth, Logger: logger,
		Imports: imports, ImportJobs: a.Imports, ImportDir: cfg.ImportDir, ImportMaxBytes: cfg.ImportMaxBytes}
	return a, nil
}

// ResumeImports carries on the imports a previous process left unfinished
// (their rows up to the last committed batch are already written).
func (a *App) ResumeImports(ctx context.Context) error {
	list, err := sqldb.ImportStore{DB: a.DB}.Unfinished(ctx)
	if err != nil {
		return err
	}
	a.Imports.Resume(ctx, list)
	a.sweepUploads(list)
	return nil
}

// sweepUploads deletes uploaded files older than a day that no unfinished
// import needs: mapping screens that were left, not imports.
func (a *App) sweepUploads(keep []importer.Import) {
	needed := map[string]bool{}
	for _, imp := range keep {
		needed[filepath.Clean(imp.FilePath)] = true
	}
	entries, err := os.ReadDir(a.Web.ImportDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		path := filepath.Join(a.Web.ImportDir, e.Name())
		info, err := e.Info()
		if err != nil || e.IsDir() || needed[path] || time.Since(info.ModTime()) < 24*time.Hour {
			continue
		}
		_ = os.Remove(path)
	}
}

// Handler returns the whole HTTP surface with its middleware.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/", a.API.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("/", a.Web.Handler())
	var h http.Handler = mux
	h = csrfGuard(h)
	h = web.SecurityHeaders(h)
	h = web.AccessLog(a.log, h)
	h = web.RequestID(h)
	return h
}

// ready answers 200 only when the database does.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

// csrfGuard refuses cross-origin state-changing browser requests (using
// Sec-Fetch-Site and Origin); the session's token checks each form too. API
// calls carry a bearer token and no cookies, so they are exempt.
func csrfGuard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.AddInsecureBypassPattern("/api/")
	return cop.Handler(next)
}
