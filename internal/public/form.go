package public

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/i18n"
)

// formView is the hosted form page.
type formView struct {
	Def     *forms.Definition
	Action  string
	Started string
	Values  map[string]string
	Errors  map[string]string
	Ticked  map[string]bool
	Summary string
	// Confirm asks the person to send the form again (a submission that
	// came without a fresh start time); Page and PageTag carry the address
	// of the page it came from, signed, to the submission that follows.
	Confirm string
	Page    string
	PageTag string
}

// pageTagPurpose binds the signature of a carried page address to that use.
const pageTagPurpose = "page"

func (s *Server) showForm(w http.ResponseWriter, r *http.Request) {
	f, v, st, err := s.Forms.Published(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, i18n.Parse(r.Header.Get("Accept-Language")), err)
		return
	}
	s.renderForm(w, http.StatusOK, f, v, st, formView{Values: map[string]string{}, Errors: map[string]string{}, Ticked: map[string]bool{}})
}

func (s *Server) renderForm(w http.ResponseWriter, status int, f *forms.Form, v *forms.Version, st forms.Settings, fv formView) {
	d := &v.Definition
	fv.Def, fv.Action = d, "/f/"+f.Slug
	if fv.Started == "" {
		fv.Started = s.Forms.Signer.Started(s.Forms.Now())
	}
	lang := i18n.Parse(d.Lang)
	pg := page{Lang: lang, Title: d.Title, Workspace: f.WorkspaceName, Slug: f.Slug, LogoURL: st.LogoURL, Data: fv}
	if u, err := url.Parse(d.RedirectURL); err == nil && u.Host != "" {
		pg.FormAction = " " + u.Scheme + "://" + u.Host
	}
	s.render(w, status, "form", pg)
}

// submit receives a submission: from the hosted page or an embedded plain
// HTML form (answered with a page), or from the embed script (answered
// with JSON, for an allowed origin only).
func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	lang := i18n.Parse(r.Header.Get("Accept-Language"))
	if wantsJSON(r) && !sameOrigin(r) {
		// Only the form's allowed origins may submit by script.
		_, v, _, err := s.Forms.Published(r.Context(), slug)
		if err != nil {
			s.fail(w, r, lang, err)
			return
		}
		if !allowOrigin(w, r, v.Definition.AllowedOrigins) {
			s.fail(w, r, i18n.Parse(v.Definition.Lang), errs.Errorf(errs.Forbidden, "This site may not submit this form."))
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, lang, formParseError(err))
		return
	}
	page := s.submittedFrom(r, "/f/"+slug)
	out, err := s.Forms.Submit(r.Context(), forms.Input{Slug: slug, Values: r.PostForm, PageURL: page,
		IP: s.clientIP(r), UserAgent: r.UserAgent()})
	if out != nil {
		lang = i18n.Parse(out.Version.Definition.Lang)
	}
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid && len(e.Fields) > 0 && out != nil {
		s.invalid(w, r, out.Form, out.Version, out.Settings, e, page)
		return
	}
	if err != nil {
		s.fail(w, r, lang, err)
		return
	}
	if out.Confirm {
		s.confirm(w, r, out, page)
		return
	}
	s.thanks(w, r, out.Form, out.Version, out.Pending)
}

// confirm answers a submission that came without a fresh start time (the
// plain HTML embed code carries none): nothing was stored; the hosted
// form comes back filled in with what was sent, a fresh start time and a
// short request to send it again. A person passes with one more click; a
// robot that posts blindly does not. The embed script gets the new start
// time in JSON and asks the same.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request, out *forms.Outcome, page string) {
	lang := i18n.Parse(out.Version.Definition.Lang)
	msg := i18n.T(lang, "Please confirm your submission: check your answers and send the form again.")
	started := s.Forms.Signer.ConfirmStarted(s.Forms.Now())
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "confirm": true, "message": msg, "started": started})
		return
	}
	fv := s.typedBack(r, out.Version, page)
	fv.Confirm, fv.Started = msg, started
	s.renderForm(w, http.StatusOK, out.Form, out.Version, out.Settings, fv)
}

// typedBack is the form view holding what was sent, to show it again, and
// the signed address of the page it came from.
func (s *Server) typedBack(r *http.Request, v *forms.Version, page string) formView {
	fv := formView{Values: map[string]string{}, Errors: map[string]string{}, Ticked: map[string]bool{},
		Page: page, PageTag: s.Forms.Signer.Tag(pageTagPurpose, page)}
	for _, fd := range v.Definition.Fields {
		fv.Values[fd.Key] = strings.ToValidUTF8(r.PostForm.Get(fd.Key), "")
	}
	for _, c := range v.Definition.Checkboxes {
		fv.Ticked[c.Purpose] = r.PostForm.Get(forms.ConsentPrefix+c.Purpose) != ""
	}
	return fv
}

// submittedFrom is the page a submission came from: the address a page shown
// again carried (signed, so it cannot be made up), else the Referer.
func (s *Server) submittedFrom(r *http.Request, fallback string) string {
	if p := r.PostForm.Get(pageField); p != "" && s.Forms.Signer.CheckTag(pageTagPurpose, p, r.PostForm.Get(pageTagField)) {
		return p
	}
	return pageURL(r, fallback)
}

func (s *Server) invalid(w http.ResponseWriter, r *http.Request, f *forms.Form, v *forms.Version, st forms.Settings, e *errs.Error, page string) {
	lang := i18n.Parse(v.Definition.Lang)
	msgs := map[string]string{}
	for field, m := range e.Fields {
		msgs[field] = i18n.Msg(lang, m)
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"ok": false, "message": i18n.T(lang, "Please correct the fields marked below."), "errors": msgs})
		return
	}
	fv := s.typedBack(r, v, page)
	fv.Errors, fv.Summary = msgs, i18n.T(lang, "Please correct the fields marked below.")
	s.renderForm(w, http.StatusUnprocessableEntity, f, v, st, fv)
}

func (s *Server) thanks(w http.ResponseWriter, r *http.Request, f *forms.Form, v *forms.Version, pending bool) {
	d := &v.Definition
	lang := i18n.Parse(d.Lang)
	msg := d.ThankYou
	if msg == "" {
		msg = i18n.T(lang, "Thank you, your answer is recorded.")
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "message": msg, "redirect": d.RedirectURL, "pending": pending})
		return
	}
	if d.RedirectURL != "" {
		http.Redirect(w, r, d.RedirectURL, http.StatusSeeOther)
		return
	}
	s.render(w, http.StatusOK, "message", page{Lang: lang, Title: d.Title, Workspace: f.WorkspaceName, Slug: f.Slug, Message: msg})
}

// preflight answers CORS preflight requests from allowed origins.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) {
	_, v, _, err := s.Forms.Published(r.Context(), r.PathValue("slug"))
	if err != nil || !allowOrigin(w, r, v.Definition.AllowedOrigins) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// started gives the embed script a fresh signed start time, so that an
// embedded form gets the minimum fill time check too.
func (s *Server) started(w http.ResponseWriter, r *http.Request) {
	_, v, _, err := s.Forms.Published(r.Context(), r.PathValue("slug"))
	if err != nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	allowOrigin(w, r, v.Definition.AllowedOrigins)
	writeJSON(w, http.StatusOK, map[string]string{"started": s.Forms.Signer.Started(s.Forms.Now())})
}

// brandCSS gives the hosted pages the workspace's colour (the CSP allows
// no inline style).
func (s *Server) brandCSS(w http.ResponseWriter, r *http.Request) {
	_, _, st, err := s.Forms.Published(r.Context(), r.PathValue("slug"))
	color := "#206bc4"
	if err == nil {
		color = st.BrandColor
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	fmt.Fprintf(w, ":root{--brand:%s}\n", color)
}

// EmbedCode returns the HTML staff copy into their site: a plain form that
// works without JavaScript, and the optional script for in-page
// submission. The start time is left empty: a value written into the code
// would be frozen at the moment it was copied. The script fills it from
// /f/{slug}/started; without the script, the first submission is shown
// back on the hosted page, which carries a fresh one, to be confirmed.
func EmbedCode(baseURL string, f *forms.Form, v *forms.Version) (html, script string) {
	d := &v.Definition
	action := baseURL + "/f/" + url.PathEscape(f.Slug)
	var b strings.Builder
	fmt.Fprintf(&b, "<form method=\"post\" action=\"%s\" data-registre-form>\n", escape(action))
	for _, fd := range d.Fields {
		req := ""
		if fd.Required {
			req = " required"
		}
		fmt.Fprintf(&b, "  <p><label for=\"rg-%s\">%s</label><br>\n", escape(fd.Key), escape(fd.Label))
		switch fd.Kind {
		case forms.KindSelect:
			fmt.Fprintf(&b, "  <select id=\"rg-%s\" name=\"%s\"%s><option value=\"\"></option>", escape(fd.Key), escape(fd.Key), req)
			for _, o := range fd.Options {
				fmt.Fprintf(&b, "<option>%s</option>", escape(o))
			}
			b.WriteString("</select></p>\n")
		case forms.KindCheckbox:
			fmt.Fprintf(&b, "  <input type=\"checkbox\" id=\"rg-%s\" name=\"%s\" value=\"true\"></p>\n", escape(fd.Key), escape(fd.Key))
		default:
			fmt.Fprintf(&b, "  <input type=\"%s\" id=\"rg-%s\" name=\"%s\" maxlength=\"%d\"%s></p>\n", fd.Kind, escape(fd.Key), escape(fd.Key), forms.MaxValue, req)
		}
	}
	for _, c := range d.Checkboxes {
		fmt.Fprintf(&b, "  <p><label><input type=\"checkbox\" name=\"%s%s\" value=\"yes\"> %s</label>", forms.ConsentPrefix, escape(c.Purpose), escape(c.Label))
		if c.Text != "" {
			fmt.Fprintf(&b, "<br><small>%s</small>", escape(c.Text))
		}
		b.WriteString("</p>\n")
	}
	fmt.Fprintf(&b, "  <p><small>%s</small></p>\n", escape(d.Notice()))
	fmt.Fprintf(&b, "  <input type=\"hidden\" name=\"%s\" value=\"\">\n", forms.StartedField)
	fmt.Fprintf(&b, "  <p style=\"position:absolute;left:-9999px\" aria-hidden=\"true\"><input type=\"text\" name=\"%s\" tabindex=\"-1\" autocomplete=\"off\"></p>\n", forms.HoneypotField)
	submit := d.SubmitLabel
	if submit == "" {
		submit = "OK"
	}
	fmt.Fprintf(&b, "  <p><button type=\"submit\">%s</button></p>\n</form>", escape(submit))
	script = fmt.Sprintf("<script src=\"%s/pub/embed.js\" defer></script>", escape(baseURL))
	return b.String(), script
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}
