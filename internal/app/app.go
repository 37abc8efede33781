// Package app wires Registre together: the database, the services, the
// staff interface, the JSON API and the health checks. The serve command and
// the end-to-end tests both start it.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/registre/registre/internal/api"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/mail"
	"github.com/registre/registre/internal/public"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/segment"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/web"
)

// Config is what the app needs beyond the database.
type Config struct {
	// SecureCookies marks cookies Secure (serving over TLS).
	SecureCookies bool
	Logger        *slog.Logger
	// PublicURL is the address people reach Registre at, for links in
	// emails (https://crm.example.fr); default http://127.0.0.1:8080.
	PublicURL string
	// SMTP is the mail server; with an empty host, email waits in the
	// outbox until one is configured.
	SMTP mail.Config
	// FormLimits are the spam and abuse limits of public forms; zero
	// fields keep the defaults.
	FormLimits forms.Limits
	// TrustProxy reads the client address from X-Forwarded-For.
	TrustProxy bool
	// ImportDir keeps uploaded files until their import ends (default: a
	// folder in the system's temporary folder); ImportMaxBytes caps an
	// upload (default web.DefaultImportMaxBytes).
	ImportDir      string
	ImportMaxBytes int64
}

// App is a running Registre: everything it holds in memory can be rebuilt
// from the database, so several may share one PostgreSQL database.
type App struct {
	DB       *sqldb.DB
	CRM      *crm.Service
	Consent  *consent.Service
	Register *register.Service
	// Segments runs segment queries, exports and bulk jobs; Jobs is the
	// background runner of the bulk jobs (started by RunWorkers).
	Segments *segment.Service
	Jobs     *segment.Runner
	Auth     *auth.Service
	Forms    *forms.Service
	Imports  *importer.Jobs
	Web      *web.Server
	API      *api.API
	Public   *public.Server
	// Sender delivers the outbox; nil without an SMTP host.
	Sender *mail.Sender
	log    *slog.Logger
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
	a.Register = register.NewService(sqldb.RegisterStore{DB: db}, sqldb.CRMStore{DB: db}, sqldb.ConsentStore{DB: db}, sqldb.AuditStore{DB: db})
	a.Segments = segment.NewService(sqldb.SegmentStore{DB: db})
	a.Jobs = segment.NewRunner(a.Segments, logger)
	formKey, err := db.Secret(ctx, "forms")
	if err != nil {
		return nil, err
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://127.0.0.1:8080"
	}
	a.Forms = forms.NewService(sqldb.FormStore{DB: db}, a.Consent, sqldb.CRMStore{DB: db}, formKey, cfg.PublicURL)
	a.Forms.Notices, a.Forms.Purposes = registerNotices{a.Register}, a.Register
	a.Register.Sources = append(a.Register.Sources, formFields{a.Forms})
	if cfg.FormLimits.MinFillTime != 0 {
		a.Forms.Limits.MinFillTime = cfg.FormLimits.MinFillTime
	}
	if cfg.FormLimits.MaxFillTime != 0 {
		a.Forms.Limits.MaxFillTime = cfg.FormLimits.MaxFillTime
	}
	if cfg.FormLimits.PerIP != 0 {
		a.Forms.Limits.PerIP = cfg.FormLimits.PerIP
	}
	if cfg.FormLimits.PerForm != 0 {
		a.Forms.Limits.PerForm = cfg.FormLimits.PerForm
	}
	if cfg.SMTP.Host != "" {
		transport, err := mail.NewSMTP(cfg.SMTP)
		if err != nil {
			return nil, err
		}
		a.Sender = &mail.Sender{Outbox: sqldb.OutboxStore{DB: db}, Transport: transport, Rules: a.Consent, Log: logger}
		a.Forms.Queued = a.Sender.Wake
	}
	a.Public = &public.Server{Forms: a.Forms, Consent: a.Consent, Logger: logger, TrustProxy: cfg.TrustProxy}
	if err := a.Public.Init(); err != nil {
		return nil, err
	}
	imports := &importer.Service{Store: sqldb.ImportStore{DB: db}, Workspace: sqldb.ImportWorkspace{DB: db}}
	a.Imports = &importer.Jobs{Service: imports, Logger: logger}
	if cfg.ImportDir == "" {
		cfg.ImportDir = filepath.Join(os.TempDir(), "registre-imports")
	}
	a.Web = &web.Server{CRM: a.CRM, Consent: a.Consent, Segments: a.Segments, Register: a.Register, Forms: a.Forms, Outbox: sqldb.OutboxStore{DB: db}, PublicURL: cfg.PublicURL,
		Suppression: sqldb.SuppressionStore{DB: db}, Auth: a.Auth, Users: sqldb.AuthStore{DB: db}, Workspaces: sqldb.WorkspaceStore{DB: db},
		Audit: sqldb.AuditStore{DB: db}, Logger: logger, SecureCookies: cfg.SecureCookies, SealKey: sealKey,
		Imports: imports, ImportList: sqldb.ImportStore{DB: db}, ImportJobs: a.Imports, ImportDir: cfg.ImportDir,
		ImportMaxBytes: cfg.ImportMaxBytes}
	if err := a.Web.Init(); err != nil {
		return nil, err
	}
	a.API = &api.API{CRM: a.CRM, Consent: a.Consent, Segments: a.Segments, Contactable: sqldb.ConsentStore{DB: db}, Auth: a.Auth, Register: a.Register, Logger: logger,
		Imports: imports, ImportJobs: a.Imports, ImportDir: cfg.ImportDir, ImportMaxBytes: cfg.ImportMaxBytes,
		Forms: a.Forms, Workspaces: sqldb.WorkspaceStore{DB: db}}
	return a, nil
}

// RunWorkers runs the background work (bulk jobs on segments) until ctx
// ends; a job a crashed process left half-done is taken up where it
// stopped.
func (a *App) RunWorkers(ctx context.Context) { a.Jobs.Run(ctx) }

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
	a.Public.Routes(mux)
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
	// Public forms are embedded in other sites and carry no session: a
	// cross-site post cannot act as anyone.
	cop.AddInsecureBypassPattern("POST /f/{slug}")
	return cop.Handler(next)
}

// RunBackground runs the outbox sender and the double opt-in expiry sweep
// until ctx ends; the serve command starts it. wait returns once both have
// stopped (the sender after recording its round), before the database may
// close.
func (a *App) RunBackground(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	if a.Sender != nil {
		wg.Go(func() { a.Sender.Run(ctx) })
	}
	wg.Go(func() {
		for {
			if n, err := a.Forms.Expire(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("double opt-in expiry", "err", err)
			} else if n > 0 {
				a.log.Info("double opt-in requests expired", "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Minute):
			}
		}
	})
	return wg.Wait
}
