package public

import (
	"net/http"
	"slices"

	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/i18n"
)

// optinView is the confirmation page: one button, which alone confirms
// (mail systems open links to scan them).
type optinView struct {
	Action   string
	Purposes []purposeView
}

type purposeView struct {
	Key     string
	Label   string
	Wording string
}

func (s *Server) langOf(r *http.Request, req *forms.OptinRequest) i18n.Lang {
	if req != nil && req.Lang != "" {
		return i18n.Parse(req.Lang)
	}
	return i18n.Parse(r.Header.Get("Accept-Language"))
}

func (s *Server) showOptin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer") // the token must not leak to other sites
	req, err := s.Forms.OpenLink(r.Context(), forms.TokenOptin, r.PathValue("token"))
	lang := s.langOf(r, req)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	v := optinView{Action: "/optin/" + r.PathValue("token"), Purposes: s.purposes(r, req, lang)}
	s.render(w, http.StatusOK, "optin", page{Lang: lang, Title: i18n.T(lang, "Confirm your subscription"), Data: v})
}

func (s *Server) confirmOptin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	req, err := s.Forms.ConfirmOptin(r.Context(), r.PathValue("token"), s.visit(r))
	lang := s.langOf(r, req)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	s.render(w, http.StatusOK, "message", page{Lang: lang, Title: i18n.T(lang, "Thank you"),
		Message: i18n.T(lang, "Your subscription is confirmed. Thank you!"),
		Detail:  i18n.T(lang, "You can withdraw your consent at any time with the link in each message.")})
}

func (s *Server) visit(r *http.Request) forms.Visit {
	return forms.Visit{PageURL: "/" + firstSegment(r.URL.Path) + "/", IP: s.clientIP(r), UserAgent: r.UserAgent()}
}

// firstSegment keeps "optin" of "/optin/<token>": the token is not kept in
// the proof (it identifies the request, which the proof names already).
func firstSegment(p string) string {
	for i := 1; i < len(p); i++ {
		if p[i] == '/' {
			return p[1:i]
		}
	}
	return p
}

// purposes describes the request's purposes with the wording shown.
func (s *Server) purposes(r *http.Request, req *forms.OptinRequest, lang i18n.Lang) []purposeView {
	all, _ := s.Consent.Store.Purposes(r.Context(), req.WorkspaceID)
	var out []purposeView
	for _, key := range req.Purposes {
		pv := purposeView{Key: key, Label: key}
		for _, p := range all {
			if p.Key == key {
				pv.Label = p.LabelFR
				if lang == i18n.EN {
					pv.Label = p.LabelEN
				}
			}
		}
		pv.Wording = forms.ReoptinWording(string(lang), pv.Label)
		out = append(out, pv)
	}
	return out
}

func (s *Server) showReoptin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	req, err := s.Forms.OpenLink(r.Context(), forms.TokenReoptin, r.PathValue("token"))
	lang := s.langOf(r, req)
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	s.renderReoptin(w, http.StatusOK, r, req, lang, "")
}

func (s *Server) renderReoptin(w http.ResponseWriter, status int, r *http.Request, req *forms.OptinRequest, lang i18n.Lang, problem string) {
	v := optinView{Action: "/reoptin/" + r.PathValue("token"), Purposes: s.purposes(r, req, lang)}
	s.render(w, status, "reoptin", page{Lang: lang, Title: i18n.T(lang, "Stay in touch"), Message: problem, Data: v})
}

func (s *Server) confirmReoptin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	lang := i18n.Parse(r.Header.Get("Accept-Language"))
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, lang, formParseError(err))
		return
	}
	req, err := s.Forms.OpenLink(r.Context(), forms.TokenReoptin, r.PathValue("token"))
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	// The proof keeps the exact text of each box as the page showed it.
	shown := s.purposes(r, req, lang)
	req.Wordings = map[string]string{}
	for _, p := range shown {
		req.Wordings[p.Key] = p.Wording
	}
	ticked := slices.DeleteFunc(r.PostForm["purpose"], func(p string) bool { return req.Wordings[p] == "" })
	_, err = s.Forms.ConfirmReoptinRequest(r.Context(), req, ticked, s.visit(r))
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid && e.Fields["consent"] != "" {
		s.renderReoptin(w, http.StatusUnprocessableEntity, r, req, lang, i18n.T(lang, e.Fields["consent"]))
		return
	}
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	s.render(w, http.StatusOK, "message", page{Lang: lang, Title: i18n.T(lang, "Thank you"),
		Message: i18n.T(lang, "Your consent is recorded. Thank you!"),
		Detail:  i18n.T(lang, "You can withdraw your consent at any time with the link in each message.")})
}
