// Package web serves the staff interface: server-rendered pages, French and
// English, over the same services as the JSON API and the CLI.
package web

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/i18n"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/segment"
	"github.com/registre/registre/internal/workspace"
)

// AuditLog lists audit entries.
type AuditLog interface {
	List(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
	Record(ctx context.Context, e audit.Entry) error
}

// Workspaces reads workspaces.
type Workspaces interface {
	ByID(ctx context.Context, id int64) (*workspace.Workspace, error)
	SuppressionPolicy(ctx context.Context, id int64) (string, error)
	SetSuppressionPolicy(ctx context.Context, id int64, policy string, e audit.Entry) error
}

// Server is the staff interface.
type Server struct {
	CRM      *crm.Service
	Consent  *consent.Service
	Segments *segment.Service
	// Suppression is the suppression list.
	Suppression SuppressionList
	Auth        *auth.Service
	// Register is the register of processing activities.
	Register   *register.Service
	Users      auth.Store
	Workspaces Workspaces
	Audit      AuditLog
	Logger     *slog.Logger
	// SecureCookies marks cookies Secure; set when served over TLS.
	SecureCookies bool
	// SealKey encrypts search criteria carried in URLs.
	SealKey []byte
	// Forms builds and publishes web forms; Outbox shows a person's email.
	Forms     *forms.Service
	Outbox    PersonMessages
	PublicURL string
	// Imports runs imports of people; ImportList reads them; ImportDir
	// keeps uploaded files until their import ends; ImportMaxBytes caps an
	// upload (DefaultImportMaxBytes when zero).
	Imports        *importer.Service
	ImportList     ImportStore
	ImportJobs     *importer.Jobs
	ImportDir      string
	ImportMaxBytes int64

	pages  map[i18n.Lang]map[string]*template.Template
	assets *assets
}

// Init parses the templates and indexes the static files. It fails when a
// template does not parse, so that a broken page stops the server at start.
func (s *Server) Init() error {
	a, err := newAssets()
	if err != nil {
		return fmt.Errorf("static files: %w", err)
	}
	s.assets = a
	s.pages = map[i18n.Lang]map[string]*template.Template{}
	for _, lang := range i18n.Langs {
		pages, err := parsePages(lang, a)
		if err != nil {
			return fmt.Errorf("templates (%s): %w", lang, err)
		}
		s.pages[lang] = pages
	}
	if len(s.SealKey) < 32 {
		return fmt.Errorf("seal key must have 32 bytes")
	}
	return nil
}

// Handler returns the routes of the staff interface, with their middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	return mux
}
