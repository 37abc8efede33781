package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/mail"
	"github.com/registre/registre/internal/public"
)

// PersonMessages lists the email queued for a person (the outbox).
type PersonMessages interface {
	PersonMessages(ctx context.Context, workspaceID int64, personPublicID string) ([]mail.Entry, error)
}

type formsListData struct {
	Forms []forms.Form
	Name  string
	Slug  string
	Lang  string
}

func (s *Server) listForms(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	v, err := s.formsListView(r, si, formsListData{Lang: string(langOf(r, si))})
	if err != nil {
		return err
	}
	v.Flash = s.takeFlash(w, r)
	return s.render(w, r, http.StatusOK, "forms", v)
}

func (s *Server) formsListView(r *http.Request, si *sessionInfo, d formsListData) (*view, error) {
	all, err := s.Forms.Forms(r.Context(), si.workspace.ID)
	if err != nil {
		return nil, err
	}
	d.Forms = all
	v := s.newView(r, si, "Forms", "forms")
	v.Data = d
	return v, nil
}

func (s *Server) createForm(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	d := formsListData{Name: r.PostFormValue("name"), Slug: r.PostFormValue("slug"), Lang: r.PostFormValue("lang")}
	f, err := s.Forms.CreateForm(r.Context(), si.workspace.ID, d.Name, d.Slug, d.Lang, si.workspace.Name)
	if err != nil {
		v, verr := s.formsListView(r, si, d)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, si, "forms", v, err)
	}
	s.setFlash(w, "Form created. Check its fields and texts, then publish it.")
	http.Redirect(w, r, "/forms/"+f.PublicID, http.StatusSeeOther)
	return nil
}

// builderRow is one candidate field of the builder.
type builderRow struct {
	Key    string
	Name   string // what it maps to, for the table
	On     bool
	Field  forms.Field
	Locked bool // the email field is always there
}

// builderBox is one purpose's checkbox in the builder.
type builderBox struct {
	Purpose consent.Purpose
	On      bool
	Box     forms.Checkbox
}

type formEditData struct {
	Form      *forms.Form
	Name      string
	Def       forms.Definition
	Rows      []builderRow
	Boxes     []builderBox
	Members   []memberOption
	Origins   string
	HostedURL string
	EmbedHTML string
	EmbedJS   string
}

type memberOption struct {
	ID   int64
	Name string
}

func (s *Server) editForm(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	f, err := s.Forms.Form(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.formEditView(r, si, f, f.Name, f.Draft)
	if err != nil {
		return err
	}
	v.Flash = s.takeFlash(w, r)
	return s.render(w, r, http.StatusOK, "form_edit", v)
}

func (s *Server) formEditView(r *http.Request, si *sessionInfo, f *forms.Form, name string, d forms.Definition) (*view, error) {
	ctx := r.Context()
	purposes, err := s.Consent.Store.Purposes(ctx, si.workspace.ID)
	if err != nil {
		return nil, err
	}
	custom, err := s.CRM.Store.CustomFields(ctx, si.workspace.ID)
	if err != nil {
		return nil, err
	}
	members, err := s.Users.Members(ctx, si.workspace.ID)
	if err != nil {
		return nil, err
	}
	data := formEditData{Form: f, Name: name, Def: d, Origins: strings.Join(d.AllowedOrigins, "\n"),
		HostedURL: s.PublicURL + "/f/" + f.Slug}
	data.Rows = builderRows(d, custom)
	for _, p := range purposes {
		if p.Kind == consent.Transactional {
			continue
		}
		b := builderBox{Purpose: p}
		for _, c := range d.Checkboxes {
			if c.Purpose == p.Key {
				b.On, b.Box = true, c
			}
		}
		if !b.On {
			b.Box = forms.Checkbox{Purpose: p.Key, Label: p.LabelFR}
			if d.Lang == "en" {
				b.Box.Label = p.LabelEN
			}
		}
		data.Boxes = append(data.Boxes, b)
	}
	for _, m := range members {
		data.Members = append(data.Members, memberOption{ID: m.ID, Name: m.Name + " <" + m.Email + ">"})
	}
	if f.CurrentVersionID != 0 {
		if _, ver, _, err := s.Forms.Published(ctx, f.Slug); err == nil {
			data.EmbedHTML, data.EmbedJS = public.EmbedCode(s.PublicURL, f, ver)
		}
	}
	v := s.newView(r, si, f.Name, "forms")
	v.Data = data
	return v, nil
}

// builderRows lists every field a form may ask for: the draft's own, in
// their order, then the others, off.
func builderRows(d forms.Definition, custom []crm.CustomField) []builderRow {
	var rows []builderRow
	seen := map[string]bool{}
	for _, f := range d.Fields {
		rows = append(rows, builderRow{Key: f.Key, Name: f.Key, On: true, Field: f, Locked: f.Key == forms.FieldEmail})
		seen[f.Key] = true
	}
	add := func(key, label string) {
		if !seen[key] {
			rows = append(rows, builderRow{Key: key, Name: key, Field: forms.Field{Key: key, Label: label}})
			seen[key] = true
		}
	}
	for _, k := range forms.PersonFields {
		add(k, k)
	}
	for _, c := range custom {
		if c.Entity == crm.EntityPerson {
			add("custom."+c.Key, c.Label)
		}
	}
	return rows
}

// saveForm saves the draft, and publishes it when asked.
func (s *Server) saveForm(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	f, err := s.Forms.Form(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	name, d := readDefinition(r, f.Draft)
	saved, err := s.Forms.SaveDraft(r.Context(), si.workspace.ID, f.PublicID, name, d)
	if err == nil && r.PostFormValue("action") == "publish" {
		if _, err = s.Forms.Publish(r.Context(), si.workspace.ID, f.PublicID); err == nil {
			s.setFlash(w, "Published: the hosted page now shows this version.")
		}
	} else if err == nil {
		s.setFlash(w, "Draft saved. Publish it to show it on the hosted page.")
	}
	if err != nil {
		v, verr := s.formEditView(r, si, f, name, d)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, si, "form_edit", v, err)
	}
	http.Redirect(w, r, "/forms/"+saved.PublicID, http.StatusSeeOther)
	return nil
}

// unpublishForm closes the form's hosted page and embeds.
func (s *Server) unpublishForm(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	f, err := s.Forms.Unpublish(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.setFlash(w, "Unpublished: the hosted page and the embedded forms no longer take submissions. Publish again to reopen them.")
	http.Redirect(w, r, "/forms/"+f.PublicID, http.StatusSeeOther)
	return nil
}

// readDefinition reads the builder's fields into a definition.
func readDefinition(r *http.Request, old forms.Definition) (string, forms.Definition) {
	pf := r.PostForm
	d := forms.Definition{Lang: pf.Get("lang"), Title: pf.Get("title"), Intro: pf.Get("intro"), SubmitLabel: pf.Get("submit_label"),
		NoticeFR: pf.Get("notice_fr"), NoticeEN: pf.Get("notice_en"), ThankYou: pf.Get("thank_you"),
		RedirectURL: strings.TrimSpace(pf.Get("redirect_url")), DoubleOptIn: pf.Get("double_opt_in") != "",
		Audience: crm.Audience(pf.Get("audience"))}
	d.NotifyUserID, _ = strconv.ParseInt(pf.Get("notify_user_id"), 10, 64)
	d.AllowedOrigins = strings.Fields(pf.Get("allowed_origins"))
	type ordered struct {
		pos int
		f   forms.Field
	}
	var fields []ordered
	for _, key := range pf["field"] {
		p := "field." + key + "."
		if pf.Get(p+"on") == "" && key != forms.FieldEmail {
			continue
		}
		pos, _ := strconv.Atoi(pf.Get(p + "pos"))
		fields = append(fields, ordered{pos, forms.Field{Key: key, Label: pf.Get(p + "label"), Help: pf.Get(p + "help"), Required: pf.Get(p+"required") != ""}})
	}
	slices.SortStableFunc(fields, func(a, b ordered) int { return a.pos - b.pos })
	for _, o := range fields {
		d.Fields = append(d.Fields, o.f)
	}
	for _, key := range pf["box"] {
		p := "box." + key + "."
		if pf.Get(p+"on") == "" {
			continue
		}
		// "checked" is never offered by the builder; a crafted request that
		// sends it is refused by validation, by name.
		d.Checkboxes = append(d.Checkboxes, forms.Checkbox{Purpose: key, Label: pf.Get(p + "label"), Text: pf.Get(p + "text"), Checked: pf.Get(p+"checked") != ""})
	}
	return pf.Get("name"), d
}

func (s *Server) formSettingsPage(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	st, err := s.Forms.Settings(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	v := s.newView(r, si, "Forms and double opt-in", "form-settings")
	v.Data = st
	v.Flash = s.takeFlash(w, r)
	return s.render(w, r, http.StatusOK, "form_settings", v)
}

func (s *Server) saveFormSettings(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	pf := r.PostForm
	days, _ := strconv.Atoi(pf.Get("expiry_days"))
	st := forms.Settings{DoubleOptIn: pf.Get("double_opt_in") != "", FromName: strings.TrimSpace(pf.Get("from_name")),
		FromEmail: strings.TrimSpace(pf.Get("from_email")), ReplyTo: strings.TrimSpace(pf.Get("reply_to")),
		SubjectFR: pf.Get("subject_fr"), SubjectEN: pf.Get("subject_en"), BodyFR: normalizeNewlines(pf.Get("body_fr")),
		BodyEN: normalizeNewlines(pf.Get("body_en")), ExpiryDays: days, BrandColor: pf.Get("brand_color"), LogoURL: strings.TrimSpace(pf.Get("logo_url"))}
	if err := s.Forms.SaveSettings(r.Context(), si.workspace.ID, st); err != nil {
		v := s.newView(r, si, "Forms and double opt-in", "form-settings")
		v.Data = st
		return s.formError(w, r, si, "form_settings", v, err)
	}
	s.setFlash(w, "Settings saved.")
	http.Redirect(w, r, "/settings/forms", http.StatusSeeOther)
	return nil
}

func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

func (s *Server) resendOptin(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	id := r.PathValue("id")
	lang := r.PostFormValue("lang")
	if err := s.Forms.Resend(r.Context(), si.workspace.ID, id, lang); err != nil {
		if msg, ok := asUserError(err); ok {
			s.setFlash(w, msg)
		} else if errs.Is(err, errs.NotFound) {
			s.setFlash(w, "This person has no pending double opt-in to confirm.")
		} else {
			return err
		}
	} else {
		s.setFlash(w, "A new confirmation email is on its way, through the contact rules.")
	}
	http.Redirect(w, r, "/people/"+id, http.StatusSeeOther)
	return nil
}

func (s *Server) createReoptin(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	id := r.PathValue("id")
	link, err := s.Forms.CreateReoptin(r.Context(), si.workspace.ID, id, r.PostForm["purpose"], 30)
	if err != nil {
		if msg, ok := asUserError(err); ok {
			s.setFlash(w, msg)
			http.Redirect(w, r, "/people/"+id, http.StatusSeeOther)
			return nil
		}
		return err
	}
	v := s.newView(r, si, "Re-opt-in link", "people")
	v.Data = map[string]string{"Link": link, "Person": id}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, "reoptin_link", v)
}

// personForms fills the person page's web form section.
func (s *Server) personForms(r *http.Request, si *sessionInfo, d *personPageData) error {
	if s.Forms == nil {
		return nil
	}
	ctx := r.Context()
	var err error
	if d.Submissions, err = s.Forms.PersonSubmissions(ctx, si.workspace.ID, d.Person.PublicID); err != nil {
		return err
	}
	if s.Outbox != nil {
		if d.Messages, err = s.Outbox.PersonMessages(ctx, si.workspace.ID, d.Person.PublicID); err != nil {
			return err
		}
	}
	pending, err := s.Forms.Store.PendingOptins(ctx, si.workspace.ID, d.Person.PublicID)
	if err != nil {
		return err
	}
	d.Pending = len(pending) > 0
	all, err := s.Consent.Store.Purposes(ctx, si.workspace.ID)
	if err != nil {
		return err
	}
	for _, p := range all {
		if p.Kind != consent.Transactional {
			d.Purposes = append(d.Purposes, p)
		}
	}
	return nil
}
