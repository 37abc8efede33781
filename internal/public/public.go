// Package public serves the pages data subjects use: hosted forms
// (/f/{slug}) and their submission, the double opt-in confirmation page
// and the re-opt-in landing page. They need no login, are rate limited,
// and never put personal data in a URL.
package public

import (
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/i18n"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// MaxBody is the largest submission accepted; a form is a few kilobytes.
const MaxBody = 64 << 10

// Hidden inputs of a form shown again: the page the submission came from
// and its signature.
const (
	pageField    = "_page"
	pageTagField = "_page_tag"
)

// Server serves the public pages.
type Server struct {
	Forms   *forms.Service
	Consent *consent.Service
	Logger  *slog.Logger
	// TrustProxy takes the client address from X-Forwarded-For (behind a
	// reverse proxy); off, it is the connection's.
	TrustProxy bool

	pages map[i18n.Lang]*template.Template
}

// Init parses the templates; a broken one stops the server at start.
func (s *Server) Init() error {
	s.pages = map[i18n.Lang]*template.Template{}
	for _, lang := range i18n.Langs {
		funcs := template.FuncMap{
			"t":     func(msg string) string { return i18n.T(lang, msg) },
			"lines": func(s string) []string { return strings.Split(s, "\n") },
		}
		t, err := template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/*.html")
		if err != nil {
			return err
		}
		s.pages[lang] = t
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	return nil
}

// Routes registers the public pages on mux.
func (s *Server) Routes(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /pub/", http.StripPrefix("/pub/", cacheFor(http.FileServerFS(static))))
	mux.HandleFunc("GET /f/{slug}", s.showForm)
	mux.HandleFunc("POST /f/{slug}", s.submit)
	mux.HandleFunc("OPTIONS /f/{slug}", s.preflight)
	mux.HandleFunc("GET /f/{slug}/brand.css", s.brandCSS)
	mux.HandleFunc("GET /f/{slug}/started", s.started)
	mux.HandleFunc("GET /optin/{token}", s.showOptin)
	mux.HandleFunc("POST /optin/{token}", s.confirmOptin)
	mux.HandleFunc("GET /reoptin/{token}", s.showReoptin)
	mux.HandleFunc("POST /reoptin/{token}", s.confirmReoptin)
}

func cacheFor(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// page is the data every public template gets.
type page struct {
	Lang      i18n.Lang
	Title     string
	Workspace string
	Slug      string // for the brand stylesheet; "" for the default colours
	LogoURL   string
	Message   string
	Detail    string
	Data      any
	// FormAction is an extra origin the page's form may lead to (" https://x").
	FormAction string
}

func (s *Server) render(w http.ResponseWriter, status int, name string, p page) {
	var b strings.Builder
	t := s.pages[p.Lang]
	if t == nil {
		t = s.pages[i18n.FR]
	}
	if err := t.ExecuteTemplate(&b, name, p); err != nil {
		s.Logger.Error("render public page", "page", name, "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The staff policy, plus the workspace's logo (an https address) and,
	// for a form that redirects after submission, the redirect's origin
	// (browsers apply form-action to the redirect too).
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "+
		"object-src 'none'; base-uri 'self'; form-action 'self'"+p.FormAction+"; frame-ancestors 'none'")
	// Personal data may be on these pages (values typed back): no cache.
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// fail shows a friendly page for an error; internal errors are logged,
// never shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, lang i18n.Lang, err error) {
	code := errs.CodeOf(err)
	status := map[errs.Code]int{errs.Invalid: 400, errs.NotFound: 404, errs.Conflict: 409, errs.TooMany: 429,
		errs.TooLarge: 413, errs.Forbidden: 403}[code]
	msg := "Something went wrong on our side. Please try again in a moment."
	if e, ok := errs.As(err); ok && code != errs.Internal {
		msg = e.Message
	} else {
		status = http.StatusInternalServerError
		s.Logger.Error("public page", "route", r.Pattern, "err", err)
	}
	if wantsJSON(r) {
		writeJSON(w, status, map[string]any{"ok": false, "message": i18n.T(lang, msg)})
		return
	}
	s.render(w, status, "message", page{Lang: lang, Title: i18n.T(lang, "Sorry"), Message: i18n.T(lang, msg)})
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// clientIP is the connection's address, or the first X-Forwarded-For hop
// behind a trusted proxy.
func (s *Server) clientIP(r *http.Request) string {
	if s.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			ip, _, _ := strings.Cut(xff, ",")
			if parsed := net.ParseIP(strings.TrimSpace(ip)); parsed != nil {
				return parsed.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// pageURL is the address of the page the person was on: the embedding
// page (Referer) for an embedded form, else the hosted form. Query strings
// are dropped: they may carry personal data or tracking ids.
func pageURL(r *http.Request, fallback string) string {
	ref := r.Header.Get("Referer")
	if ref == "" {
		return fallback
	}
	ref, _, _ = strings.Cut(ref, "?")
	ref, _, _ = strings.Cut(ref, "#")
	return ref
}

// allowOrigin sets the CORS headers when the request's Origin is one of
// the form's allowed origins, and reports whether it is.
func allowOrigin(w http.ResponseWriter, r *http.Request, allowed []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || !slices.Contains(allowed, strings.ToLower(origin)) {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Vary", "Origin")
	h.Set("Access-Control-Allow-Methods", "POST, GET")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Accept")
	h.Set("Access-Control-Max-Age", "600")
	return true
}

func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	_, host, _ := strings.Cut(origin, "://")
	return strings.EqualFold(host, r.Host)
}

var errTooLarge = errs.Errorf(errs.TooLarge, "This form sent far more data than a form holds. Check what was typed and try again.")

func formParseError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	return errs.Errorf(errs.Invalid, "The form could not be read. Reload the page and try again.")
}
