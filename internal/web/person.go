package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/i18n"
	"github.com/registre/registre/internal/mail"
)

// maxFormBytes bounds every staff form; a larger body is refused with 413.
const maxFormBytes = 256 << 10

// maxUploadBytes bounds an uploaded file.
const maxUploadBytes = 64 << 20

type personPageData struct {
	Person     *crm.Person
	Consent    *consentPanel
	Activities []crm.Activity
	Fields     []crm.CustomField
	Kinds      []crm.ActivityKind
	Outcomes   []crm.CallOutcome
	Now        time.Time
	// Web forms: every submission with its values, the email queued for
	// the person, and whether a double opt-in awaits confirmation.
	Submissions []forms.Submission
	Messages    []mail.Entry
	Pending     bool
	Purposes    []consent.Purpose
}

type personFormData struct {
	Person        *crm.Person
	Form          personForm
	Fields        []crm.CustomField
	Organisations []crm.Organisation
	Members       []auth.Member
	Lifecycles    []crm.Lifecycle
	Audiences     []crm.Audience
	Origins       []crm.Origin
	Action        string
}

// personForm holds the form's raw values, so that a refused form comes back
// exactly as typed.
type personForm struct {
	FirstName, LastName, Email, OtherEmails, Phone, OtherPhones, JobTitle string
	Line1, Line2, PostalCode, City, Region, Country                       string
	OrganisationID, Lifecycle, Audience, Origin, OriginDetail, Collected  string
	Owner                                                                 string
	SoftOptIn                                                             bool
	Custom                                                                map[string]string
}

func formFromPerson(p *crm.Person) personForm {
	f := personForm{FirstName: p.FirstName, LastName: p.LastName, JobTitle: p.JobTitle,
		Line1: p.Address.Line1, Line2: p.Address.Line2, PostalCode: p.Address.PostalCode, City: p.Address.City,
		Region: p.Address.Region, Country: p.Address.Country, OrganisationID: p.OrganisationPublicID,
		Lifecycle: string(p.Lifecycle), Audience: string(p.Audience), Origin: string(p.Origin),
		OriginDetail: p.OriginDetail, SoftOptIn: p.SoftOptIn, Custom: map[string]string{}}
	if !p.CollectedAt.IsZero() {
		f.Collected = p.CollectedAt.In(i18n.Paris).Format("2006-01-02")
	}
	if p.OwnerUserID != 0 {
		f.Owner = itoa(p.OwnerUserID)
	}
	for i, e := range p.Emails {
		if i == 0 {
			f.Email = e.Address
		} else {
			f.OtherEmails += e.Address + "\n"
		}
	}
	for i, ph := range p.Phones {
		if i == 0 {
			f.Phone = crm.FormatPhone(ph.E164)
		} else {
			f.OtherPhones += crm.FormatPhone(ph.E164) + "\n"
		}
	}
	for k, v := range p.Custom {
		f.Custom[k] = customString(v)
	}
	return f
}

func readPersonForm(r *http.Request, fields []crm.CustomField) personForm {
	g := r.PostFormValue
	f := personForm{FirstName: g("first_name"), LastName: g("last_name"), Email: g("email"), OtherEmails: g("other_emails"),
		Phone: g("phone"), OtherPhones: g("other_phones"), JobTitle: g("job_title"), Line1: g("address_line1"),
		Line2: g("address_line2"), PostalCode: g("postal_code"), City: g("city"), Region: g("region"),
		Country: g("country"), OrganisationID: g("organisation_id"), Lifecycle: g("lifecycle"), Audience: g("audience"),
		Origin: g("origin"), OriginDetail: g("origin_detail"), Collected: g("collected_at"), Owner: g("owner"),
		SoftOptIn: g("soft_opt_in") == "on", Custom: map[string]string{}}
	for _, cf := range fields {
		if cf.Entity == crm.EntityPerson {
			f.Custom[cf.Key] = g("custom." + cf.Key)
		}
	}
	return f
}

func (f personForm) input(fields []crm.CustomField) crm.PersonInput {
	in := crm.PersonInput{FirstName: f.FirstName, LastName: f.LastName, JobTitle: f.JobTitle,
		Emails: append([]string{f.Email}, lines(f.OtherEmails)...), Phones: append([]string{f.Phone}, lines(f.OtherPhones)...),
		Address:        crm.Address{Line1: f.Line1, Line2: f.Line2, PostalCode: f.PostalCode, City: f.City, Region: f.Region, Country: f.Country},
		OrganisationID: f.OrganisationID, Lifecycle: crm.Lifecycle(f.Lifecycle), Audience: crm.Audience(f.Audience),
		Origin: crm.Origin(f.Origin), OriginDetail: f.OriginDetail, SoftOptIn: f.SoftOptIn, OwnerUserID: atoi(f.Owner), Custom: map[string]any{}}
	if t, err := time.ParseInLocation("2006-01-02", f.Collected, i18n.Paris); err == nil {
		in.CollectedAt = t.UTC()
	}
	for _, cf := range fields {
		if v, ok := f.Custom[cf.Key]; ok && cf.Entity == crm.EntityPerson {
			in.Custom[cf.Key] = v
		}
	}
	return in
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ';' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (s *Server) showPerson(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	p, err := s.CRM.Person(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	acts, err := s.CRM.Activities(r.Context(), si.workspace.ID, p.ID, 0, 100)
	if err != nil {
		return err
	}
	fields, err := s.CRM.Store.CustomFields(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	panel, err := s.consentPanel(r, si, p.ID, p.PublicID)
	if err != nil {
		return err
	}
	v := s.newView(r, si, p.DisplayName(), "people")
	v.Flash = s.takeFlash(w, r)
	data := personPageData{Person: p, Consent: panel, Activities: acts, Fields: personFields(fields), Kinds: crm.ActivityKinds, Outcomes: crm.CallOutcomes, Now: time.Now()}
	if err := s.personForms(r, si, &data); err != nil {
		return err
	}
	v.Data = data
	return s.render(w, r, http.StatusOK, "person", v)
}

func personFields(all []crm.CustomField) []crm.CustomField {
	return entityFields(all, crm.EntityPerson)
}

// entityFields keeps the custom fields of one entity.
func entityFields(all []crm.CustomField, e crm.Entity) []crm.CustomField {
	var out []crm.CustomField
	for _, f := range all {
		if f.Entity == e {
			out = append(out, f)
		}
	}
	return out
}
