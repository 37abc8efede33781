package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/register"
)

// The register of processing activities: list with the drift check, one
// entry with its versions and notices, the entry form, the common sheet,
// template adoption and exports. Admins and the DPO read it; admins change it.

type registerListData struct {
	Entries    []register.Entry
	Gaps       []register.Gap
	Org        register.Organisation
	Unadopted  int
	Templates  []register.Template
	OrgMissing bool
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	ctx, ws := r.Context(), si.workspace.ID
	entries, err := s.Register.List(ctx, ws)
	if err != nil {
		return err
	}
	gaps, err := s.Register.Drift(ctx, ws)
	if err != nil {
		return err
	}
	org, err := s.Register.Organisation(ctx, ws)
	if err != nil {
		return err
	}
	d := registerListData{Entries: entries, Gaps: gaps, Org: org, Templates: register.Templates(),
		OrgMissing: org.ControllerName == "" || org.ControllerAddress == "" || (org.RightsContact == "" && org.ControllerEmail == "")}
	adopted := map[string]bool{}
	for _, e := range entries {
		if e.Status != register.Archived {
			adopted[e.Template] = true
		}
	}
	for _, t := range d.Templates {
		if !adopted[t.Key] {
			d.Unadopted++
		}
	}
	v := s.newView(r, si, "Register of processing activities", "register")
	v.Flash = s.takeFlash(w, r)
	v.Data = d
	return s.render(w, r, http.StatusOK, "register", v)
}

func (s *Server) adoptTemplates(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	entries, err := s.Register.AdoptTemplates(r.Context(), si.workspace.ID, r.PostForm["template"])
	if err != nil {
		return err
	}
	s.setFlash(w, fmt.Sprintf("%d", len(entries))+" entries added to the register.")
	http.Redirect(w, r, "/compliance/register", http.StatusSeeOther)
	return nil
}

type registerEntryData struct {
	Entry    *register.Entry
	Shown    register.Version
	Current  bool
	Versions []register.Version
	Notices  []noticePreview
}

type noticePreview struct {
	Lang   string
	Notice register.Notice
	// Missing lists the values the notice lacks; it is not published then.
	Missing    []string
	Paragraphs []string
}

func (s *Server) showRegisterEntry(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	ctx, ws, id := r.Context(), si.workspace.ID, r.PathValue("id")
	e, err := s.Register.Get(ctx, ws, id)
	if err != nil {
		return err
	}
	versions, err := s.Register.Versions(ctx, ws, id)
	if err != nil {
		return err
	}
	d := registerEntryData{Entry: e, Versions: versions, Shown: versions[len(versions)-1], Current: true}
	if n, err := strconv.Atoi(r.URL.Query().Get("version")); err == nil {
		for _, v := range versions {
			if v.Version == n {
				d.Shown, d.Current = v, n == e.Version
			}
		}
	}
	org, err := s.Register.Organisation(ctx, ws)
	if err != nil {
		return err
	}
	shown := *e
	shown.Activity, shown.Version = d.Shown.Activity, d.Shown.Version
	for _, lang := range []string{"fr", "en"} {
		p := noticePreview{Lang: lang}
		n, err := register.RenderNotice(&shown, org, lang)
		if fe, ok := errs.As(err); ok && fe.Code == errs.Invalid {
			for f := range fe.Fields {
				p.Missing = append(p.Missing, f)
			}
		} else if err != nil {
			return err
		}
		p.Notice = n
		for _, para := range strings.Split(n.Text, "\n\n") {
			if para = strings.TrimSpace(para); para != "" {
				p.Paragraphs = append(p.Paragraphs, para)
			}
		}
		d.Notices = append(d.Notices, p)
	}
	v := s.newView(r, si, "Register of processing activities", "register")
	v.Flash = s.takeFlash(w, r)
	v.Data = d
	return s.render(w, r, http.StatusOK, "register_entry", v)
}

func (s *Server) setRegisterStatus(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	id := r.PathValue("id")
	_, err := s.Register.SetStatus(r.Context(), si.workspace.ID, id, register.Status(r.PostFormValue("status")))
	if msg, ok := asUserError(err); ok {
		s.setFlash(w, "!"+msg)
	} else if err != nil {
		return err
	} else {
		s.setFlash(w, "Changes saved.")
	}
	http.Redirect(w, r, "/compliance/register/"+id, http.StatusSeeOther)
	return nil
}

// exportRegister downloads the register as CSV or PDF (audited by the
// service), in the interface's language.
func (s *Server) exportRegister(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	format := r.URL.Query().Get("format")
	var buf bytes.Buffer
	if err := s.Register.Export(r.Context(), si.workspace.ID, si.workspace.Name, format, string(langOf(r, si)), &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", map[string]string{"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}[format])
	w.Header().Set("Content-Disposition", `attachment; filename="register-`+si.workspace.Slug+`.`+format+`"`)
	_, err := buf.WriteTo(w)
	return err
}

type organisationData struct{ Org register.Organisation }

func (s *Server) registerOrganisationPage(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	org, err := s.Register.Organisation(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	org.Processors = append(org.Processors, register.Processor{}, register.Processor{})
	v := s.newView(r, si, "Controller and processors", "register")
	v.Data = organisationData{Org: org}
	return s.render(w, r, http.StatusOK, "register_organisation", v)
}

func (s *Server) saveRegisterOrganisation(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	f := r.PostForm
	o := register.Organisation{ControllerName: f.Get("controller_name"), ControllerAddress: f.Get("controller_address"),
		ControllerEmail: f.Get("controller_email"), Representative: f.Get("representative"), DPOName: f.Get("dpo_name"),
		DPOEmail: f.Get("dpo_email"), RightsContact: f.Get("rights_contact")}
	for i := 0; i < 60 && f.Has(fmt.Sprintf("processors.%d.name", i)); i++ {
		p := fmt.Sprintf("processors.%d.", i)
		o.Processors = append(o.Processors, register.Processor{Name: f.Get(p + "name"), Service: f.Get(p + "service"), Country: f.Get(p + "country")})
	}
	if _, err := s.Register.SetOrganisation(r.Context(), si.workspace.ID, o); err != nil {
		o.Processors = append(o.Processors, register.Processor{})
		v := s.newView(r, si, "Controller and processors", "register")
		v.Data = organisationData{Org: o}
		return s.formError(w, r, si, "register_organisation", v, err)
	}
	s.setFlash(w, "Changes saved.")
	http.Redirect(w, r, "/compliance/register", http.StatusSeeOther)
	return nil
}

// registerFormData is the entry form: the activity with blank rows to
// add purposes, retention rules and transfers, and the choices of each
// select.
type registerFormData struct {
	Entry      *register.Entry
	A          register.Activity
	Version    int
	Purposes   []register.PurposeSpec
	Retention  []register.RetentionRule
	Transfers  []register.Transfer
	Categories map[string]bool
	Security   map[string]bool
	Enums      registerEnums
}

type registerEnums struct {
	Bases      []consent.LegalBasis
	Channels   []consent.Channel
	Kinds      []consent.PurposeKind
	Subjects   []register.Subjects
	Starts     []register.StartEvent
	Units      []register.Unit
	Actions    []register.EndAction
	Categories []register.DataCategory
	Security   []string
}

var enums = registerEnums{Bases: consent.LegalBases, Channels: consent.Channels,
	Kinds:    []consent.PurposeKind{consent.Marketing, consent.Profiling, consent.Sharing, consent.Transactional},
	Subjects: register.SubjectsList, Starts: register.StartEvents, Units: register.Units, Actions: register.EndActions,
	Categories: register.DataCategories, Security: register.SecurityMeasures}

func newRegisterForm(e *register.Entry, a register.Activity, version int) registerFormData {
	d := registerFormData{Entry: e, A: a, Version: version, Enums: enums, Categories: map[string]bool{}, Security: map[string]bool{}}
	d.Purposes = append(append([]register.PurposeSpec{}, a.Purposes...), register.PurposeSpec{}, register.PurposeSpec{})
	d.Retention = append(append([]register.RetentionRule{}, a.Retention...), register.RetentionRule{}, register.RetentionRule{})
	d.Transfers = append(append([]register.Transfer{}, a.Transfers...), register.Transfer{})
	for _, c := range a.Categories {
		d.Categories[string(c)] = true
	}
	for _, m := range a.Security {
		d.Security[m] = true
	}
	return d
}

func (s *Server) newRegisterEntry(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	v := s.newView(r, si, "New register entry", "register")
	v.Data = newRegisterForm(nil, register.Activity{}, 0)
	return s.render(w, r, http.StatusOK, "register_form", v)
}

func (s *Server) editRegisterEntry(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	e, err := s.Register.Get(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := s.newView(r, si, "Edit register entry", "register")
	v.Data = newRegisterForm(e, e.Activity, e.Version)
	return s.render(w, r, http.StatusOK, "register_form", v)
}

func (s *Server) createRegisterEntry(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	a := activityFromForm(r)
	e, err := s.Register.Create(r.Context(), si.workspace.ID, a, r.PostFormValue("activate") == "1")
	if err != nil {
		v := s.newView(r, si, "New register entry", "register")
		v.Data = newRegisterForm(nil, a, 0)
		return s.formError(w, r, si, "register_form", v, err)
	}
	s.setFlash(w, "Entry saved.")
	http.Redirect(w, r, "/compliance/register/"+e.PublicID, http.StatusSeeOther)
	return nil
}

func (s *Server) updateRegisterEntry(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	id := r.PathValue("id")
	a := activityFromForm(r)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	e, err := s.Register.Update(r.Context(), si.workspace.ID, id, version, a)
	if err != nil {
		current, gerr := s.Register.Get(r.Context(), si.workspace.ID, id)
		if gerr != nil {
			return gerr
		}
		v := s.newView(r, si, "Edit register entry", "register")
		v.Data = newRegisterForm(current, a, version)
		return s.formError(w, r, si, "register_form", v, err)
	}
	s.setFlash(w, "Entry saved.")
	http.Redirect(w, r, "/compliance/register/"+e.PublicID, http.StatusSeeOther)
	return nil
}

// activityFromForm reads the entry form. Lists are one item per line;
// rows are numbered fields (purposes.0.key…), read until the first
// missing number.
func activityFromForm(r *http.Request) register.Activity {
	f := r.PostForm
	a := register.Activity{Name: f.Get("name"), NameEN: f.Get("name_en"), Description: f.Get("description"),
		JointController: f.Get("joint_controller"), Software: f.Get("software"), Source: f.Get("source"),
		SubjectGroups: lines(f.Get("subject_categories")), Fields: splitFields(f.Get("data_fields")),
		Sensitive: f.Get("sensitive") == "1", SensitiveDetail: f.Get("sensitive_detail"), SecurityOther: f.Get("security_other"),
		Recipients: register.Recipients{Internal: lines(f.Get("recipients.internal")), Processors: lines(f.Get("recipients.processors")),
			ThirdParties: lines(f.Get("recipients.third_parties"))}}
	for _, c := range f["data_categories"] {
		a.Categories = append(a.Categories, register.DataCategory(c))
	}
	a.Security = f["security_measures"]
	for i := 0; i < 40 && f.Has(fmt.Sprintf("purposes.%d.label_fr", i)); i++ {
		p := fmt.Sprintf("purposes.%d.", i)
		a.Purposes = append(a.Purposes, register.PurposeSpec{Key: f.Get(p + "key"), LabelFR: f.Get(p + "label_fr"), LabelEN: f.Get(p + "label_en"),
			Basis: consent.LegalBasis(f.Get(p + "legal_basis")), Channel: consent.Channel(f.Get(p + "channel")),
			Kind: consent.PurposeKind(f.Get(p + "kind")), Interest: f.Get(p + "legitimate_interest")})
	}
	for i := 0; i < 40 && f.Has(fmt.Sprintf("retention.%d.subjects", i)); i++ {
		p := fmt.Sprintf("retention.%d.", i)
		count, err := strconv.Atoi(strings.TrimSpace(f.Get(p + "count")))
		if err != nil && strings.TrimSpace(f.Get(p+"count")) != "" {
			count = -1 // not a number: refused as not a positive duration
		}
		a.Retention = append(a.Retention, register.RetentionRule{Subjects: register.Subjects(f.Get(p + "subjects")),
			Category: register.DataCategory(f.Get(p + "category")), Start: register.StartEvent(f.Get(p + "start")),
			Period: register.Period{Count: count, Unit: register.Unit(f.Get(p + "unit"))}, Action: register.EndAction(f.Get(p + "action")),
			Note: f.Get(p + "note")})
	}
	for i := 0; i < 40 && f.Has(fmt.Sprintf("transfers.%d.country", i)); i++ {
		p := fmt.Sprintf("transfers.%d.", i)
		a.Transfers = append(a.Transfers, register.Transfer{Country: strings.TrimSpace(f.Get(p + "country")),
			Recipient: strings.TrimSpace(f.Get(p + "recipient")), Safeguard: strings.TrimSpace(f.Get(p + "safeguard"))})
	}
	a.Normalise()
	return a
}

// splitFields reads field keys separated by lines or commas.
func splitFields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' })
}
