package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/i18n"
	"github.com/registre/registre/internal/workspace"
)

const (
	sessionCookie = "registre_session"
	flashCookie   = "registre_flash"
	langCookie    = "registre_lang"
)

// sessionInfo is the logged-in user as a handler sees them.
type sessionInfo struct {
	token     string
	session   *auth.Session
	user      *auth.User
	member    auth.Membership
	members   []auth.Membership
	workspace *workspace.Workspace
}

// handlerFunc is the shape of every page handler: errors are rendered by
// one function, so handlers read top to bottom.
type handlerFunc func(w http.ResponseWriter, r *http.Request, s *sessionInfo) error

// page wraps a handler that needs a logged-in member with permission perm.
// State-changing requests must carry the session's CSRF token.
func (s *Server) page(perm auth.Permission, h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		si, err := s.loadSession(r)
		if err != nil {
			if errs.Is(err, errs.Unauthorised) {
				s.redirectToLogin(w, r)
				return
			}
			s.renderError(w, r, nil, err)
			return
		}
		ctx := audit.WithActor(r.Context(), audit.Actor{Kind: audit.ActorUser, ID: si.user.PublicID, UserID: si.user.ID})
		r = r.WithContext(ctx)
		// Pages hold personal data: the Back button after logout on a
		// shared computer must not show them from the cache.
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodPost {
			limit := int64(maxFormBytes)
			if strings.HasSuffix(r.URL.Path, "/import") {
				limit = maxUploadBytes // file uploads, streamed by their handler
			}
			if r.URL.Path == "/people/import" {
				limit = s.importMaxBytes()
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			parse := r.ParseForm
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				// The CSRF token is a field of the multipart body; files
				// beyond 32 MiB wait in temporary files, not in memory.
				parse = func() error { return r.ParseMultipartForm(32 << 20) }
			}
			if err := parse(); err != nil {
				s.renderError(w, r, si, formParseError(err))
				return
			}
		}
		if bad, ok := storable(r); !ok {
			s.renderError(w, r, si, errs.Errorf(errs.Invalid, "\u201c%s\u201d: contains characters that cannot be stored (not UTF-8, or NUL)", bad))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !validCSRF(r, si.session.CSRFToken) {
			s.renderError(w, r, si, errs.Errorf(errs.Forbidden, "This form has expired. Go back, reload the page and try again."))
			return
		}
		if !auth.Can(si.member.Role, si.member.IsDPO, perm) {
			s.renderError(w, r, si, errs.Errorf(errs.Forbidden, "Your role does not allow this."))
			return
		}
		if err := h(w, r, si); err != nil {
			s.renderError(w, r, si, err)
		}
	}
}

func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("_csrf")
	}
	return got != "" && subtleEqual(got, want)
}

func (s *Server) loadSession(r *http.Request) (*sessionInfo, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, errs.Errorf(errs.Unauthorised, "Please log in.")
	}
	sess, err := s.Auth.Authenticate(r.Context(), c.Value)
	if err != nil {
		return nil, err
	}
	u, err := s.Users.UserByID(r.Context(), sess.UserID)
	if err != nil {
		return nil, err
	}
	members, err := s.Users.Memberships(r.Context(), sess.UserID)
	if err != nil {
		return nil, err
	}
	si := &sessionInfo{token: c.Value, session: sess, user: u, members: members}
	for _, m := range members {
		if m.WorkspaceID == sess.WorkspaceID {
			si.member = m
		}
	}
	if si.member.WorkspaceID == 0 {
		return nil, errs.Errorf(errs.Unauthorised, "Please log in.")
	}
	if si.workspace, err = s.Workspaces.ByID(r.Context(), sess.WorkspaceID); err != nil {
		return nil, err
	}
	return si, nil
}

func (s *Server) redirectToLogin(w http.ResponseWriter, r *http.Request) {
	next := ""
	if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/login") {
		next = "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", "/login"+next)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, "/login"+next, http.StatusSeeOther)
}

// newView returns the base view model for a logged-in page.
func (s *Server) newView(r *http.Request, si *sessionInfo, title, nav string) *view {
	v := &view{Lang: langOf(r, si), Title: title, Nav: nav, RequestID: audit.RequestIDFrom(r.Context())}
	if si != nil {
		v.User, v.Member, v.Workspace, v.Workspaces = si.user, &si.member, si.workspace, si.members
		v.CSRF = si.session.CSRFToken
	}
	return v
}

// langOf picks the user's language, else the language cookie of the login
// page, else the browser's preference, else French.
func langOf(r *http.Request, si *sessionInfo) i18n.Lang {
	if si != nil && si.user != nil {
		return i18n.Parse(si.user.Locale)
	}
	if c, err := r.Cookie(langCookie); err == nil {
		return i18n.Parse(c.Value)
	}
	if strings.HasPrefix(r.Header.Get("Accept-Language"), "en") {
		return i18n.EN
	}
	return i18n.FR
}

// renderError shows an error page (or, for htmx requests, a fragment).
// Internal errors are logged with the request id and shown as "Internal
// error" only.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, si *sessionInfo, err error) {
	code := errs.CodeOf(err)
	status := statusOf(code)
	msg := "Internal error"
	if e, ok := errs.As(err); ok && code != errs.Internal {
		msg = e.Message
	} else {
		s.Logger.Error("internal error", "request_id", audit.RequestIDFrom(r.Context()), "route", routeOf(r), "err", err)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status, msg = http.StatusRequestEntityTooLarge, "The form is too large."
	}
	v := s.newView(r, si, "Error", "")
	v.Error = msg
	v.Data = status
	if rerr := s.render(w, r, status, "error", v); rerr != nil {
		s.Logger.Error("render error page", "request_id", v.RequestID, "err", rerr)
		http.Error(w, "Internal error", http.StatusInternalServerError)
	}
}

func statusOf(c errs.Code) int {
	switch c {
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Unauthorised:
		return http.StatusUnauthorized
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.TooMany:
		return http.StatusTooManyRequests
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// setFlash stores a short message (a catalogue key, never personal data)
// shown on the next page.
func (s *Server) setFlash(w http.ResponseWriter, msg string) {
	// Secure is not needed: the message is a catalogue key, never a secret.
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HttpOnly: true,
		Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

// takeFlash reads and clears the flash message.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

// formError renders a form again with the problems of err beside its fields
// when err is a validation or conflict error; other errors go to renderError.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, si *sessionInfo, page string, v *view, err error) error {
	e, ok := errs.As(err)
	if !ok || (e.Code != errs.Invalid && e.Code != errs.Conflict) {
		return err
	}
	v.Errors, v.Error, v.Related = e.Fields, e.Message, e.Related
	return s.render(w, r, statusOf(e.Code), page, v)
}

// formParseError names what is wrong with a form body that cannot be read.
func formParseError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errs.Errorf(errs.TooLarge, "The form is too large.")
	}
	return errs.Errorf(errs.Invalid, "The form could not be read.")
}

// asUserError returns the message of a validation or conflict error, with
// its first field problem, for a flash; ok is false for other errors.
func asUserError(err error) (string, bool) {
	e, ok := errs.As(err)
	if !ok || (e.Code != errs.Invalid && e.Code != errs.Conflict) {
		return "", false
	}
	for field, problem := range e.Fields {
		if e.Code == errs.Conflict {
			return e.Message, true
		}
		return field + ": " + problem, true
	}
	return e.Message, true
}

// storable reports whether the path and every query and form value are
// valid UTF-8 without NUL, which both databases can store and compare;
// anything else is refused here rather than failing deep in a query.
// It returns the name of the first offending field ("address" for the path).
func storable(r *http.Request) (string, bool) {
	ok := func(v string) bool { return utf8.ValidString(v) && !strings.ContainsRune(v, 0) }
	if !ok(r.URL.Path) {
		return "address", false
	}
	if err := r.ParseForm(); err != nil {
		return "form", false
	}
	for k, vs := range r.Form {
		for _, v := range vs {
			if !ok(k) || !ok(v) {
				return strings.ToValidUTF8(k, "?"), false
			}
		}
	}
	return "", true
}

// secure reports whether cookies must be Secure: when configured so, or
// when the request itself came over TLS.
func (s *Server) secure(r *http.Request) bool { return s.SecureCookies || r.TLS != nil }
