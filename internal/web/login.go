package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/i18n"
)

type loginData struct {
	Email string
	Next  string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, err := s.loadSession(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	v := s.newView(r, nil, "Log in", "")
	v.Flash = s.takeFlash(w, r)
	v.Data = loginData{Next: safeNext(r.URL.Query().Get("next"))}
	if err := s.render(w, r, http.StatusOK, "login", v); err != nil {
		s.renderError(w, r, nil, err)
	}
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	token, _, err := s.Auth.Login(r.Context(), email, password, clientIP(r), "")
	if err != nil {
		v := s.newView(r, nil, "Log in", "")
		v.Data = loginData{Email: email, Next: next}
		e, ok := errs.As(err)
		if !ok {
			s.renderError(w, r, nil, err)
			return
		}
		v.Error = e.Message
		if rerr := s.render(w, r, statusOf(e.Code), "login", v); rerr != nil {
			s.renderError(w, r, nil, rerr)
		}
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	if next == "" {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// loginLang sets the language of the login page before anyone is logged in.
func (s *Server) loginLang(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	lang := i18n.Parse(r.PostFormValue("lang"))
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(lang), Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	if err := s.Auth.Logout(r.Context(), si.token); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure(r)})
	s.setFlash(w, "You are logged out.")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	lang := i18n.Parse(r.PostFormValue("lang"))
	if err := s.Users.SetUserLocale(r.Context(), si.user.ID, string(lang)); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) switchWorkspace(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	token, _, err := s.Auth.SwitchWorkspace(r.Context(), si.token, si.user.ID, r.PostFormValue("workspace"))
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// safeNext keeps only local paths, so that a login link cannot send the
// user to another site.
func safeNext(next string) string {
	// Browsers drop tabs and newlines from URLs, so "/\t/evil.example"
	// would become "//evil.example": refuse every control character.
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

// clientIP is the connection's address. Registre does not trust
// X-Forwarded-For: a proxy in front must be configured to set RemoteAddr.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
