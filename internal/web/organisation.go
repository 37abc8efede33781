package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/crm"
)

type orgListData struct {
	Query    string
	Sealed   string
	Status   crm.OrgStatus
	Statuses []crm.OrgStatus
	Items    []crm.Organisation
	NextURL  string
	PrevURL  string
}

type orgPageData struct {
	Org        *crm.Organisation
	Fields     []crm.CustomField
	People     []crm.Person
	MorePeople bool
	Activities []crm.Activity
	Kinds      []crm.ActivityKind
	Outcomes   []crm.CallOutcome
	Now        time.Time
}

type orgFormData struct {
	Org      *crm.Organisation
	Form     orgForm
	Fields   []crm.CustomField
	Members  []auth.Member
	Statuses []crm.OrgStatus
	Kinds    []crm.Audience
	Action   string
}

type orgForm struct {
	Name, Kind, Status, RegistrationNumber, Website, Phone string
	Line1, Line2, PostalCode, City, Country, Owner         string
	Custom                                                 map[string]string
}

func (s *Server) listOrganisations(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	q := r.URL.Query()
	d := orgListData{Status: crm.OrgStatus(q.Get("status")), Statuses: crm.OrgStatuses, Sealed: q.Get("s")}
	if d.Sealed != "" {
		var v struct {
			Q string `json:"q"`
		}
		if s.unseal(d.Sealed, &v) == nil {
			d.Query = v.Q
		} else {
			d.Sealed = ""
		}
	}
	page, err := s.CRM.Organisations(r.Context(), si.workspace.ID, crm.OrganisationFilter{Query: d.Query, Status: d.Status,
		After: q.Get("after"), Before: q.Get("before"), Limit: 50})
	if err != nil {
		return err
	}
	d.Items = page.Organisations
	link := func(k, id string) string {
		v := url.Values{k: {id}}
		if d.Sealed != "" {
			v.Set("s", d.Sealed)
		}
		if d.Status != "" {
			v.Set("status", string(d.Status))
		}
		return "/organisations?" + v.Encode()
	}
	if page.HasNext && len(d.Items) > 0 {
		d.NextURL = link("after", d.Items[len(d.Items)-1].PublicID)
	}
	if page.HasPrev && len(d.Items) > 0 {
		d.PrevURL = link("before", d.Items[0].PublicID)
	}
	v := s.newView(r, si, "Organisations", "organisations")
	v.Flash, v.Data = s.takeFlash(w, r), d
	return s.render(w, r, http.StatusOK, "organisations", v)
}

func (s *Server) searchOrganisations(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	v := url.Values{}
	if q := r.PostFormValue("q"); q != "" {
		sealed, err := s.seal(struct {
			Q string `json:"q"`
		}{q})
		if err != nil {
			return err
		}
		v.Set("s", sealed)
	}
	if st := r.PostFormValue("status"); st != "" {
		v.Set("status", st)
	}
	target := "/organisations"
	if len(v) > 0 {
		target += "?" + v.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// organisationOptions answers the organisation picker of the person form
// (htmx): the <option>s whose name starts with what was typed.
func (s *Server) organisationOptions(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	page, err := s.CRM.Organisations(r.Context(), si.workspace.ID, crm.OrganisationFilter{Query: r.URL.Query().Get("org_q"), Limit: 50})
	if err != nil {
		return err
	}
	v := s.newView(r, si, "", "")
	v.Data = page.Organisations
	return s.render(w, r, http.StatusOK, "organisation_options", v)
}

// organisationChoices lists organisations for a select: the first 200 by
// name, plus the selected one if it is further down.
func (s *Server) organisationChoices(r *http.Request, si *sessionInfo, selected string) ([]crm.Organisation, error) {
	page, err := s.CRM.Store.Organisations(r.Context(), si.workspace.ID, crm.OrganisationFilter{Limit: 200})
	if err != nil {
		return nil, err
	}
	out := page.Organisations
	if selected == "" {
		return out, nil
	}
	for _, o := range out {
		if o.PublicID == selected {
			return out, nil
		}
	}
	if o, err := s.CRM.Store.Organisation(r.Context(), si.workspace.ID, selected); err == nil {
		out = append([]crm.Organisation{*o}, out...)
	}
	return out, nil
}

func (s *Server) showOrganisation(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	o, err := s.CRM.Organisation(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	people, err := s.CRM.People(r.Context(), si.workspace.ID, crm.PeopleFilter{OrganisationID: o.ID, Limit: 100})
	if err != nil {
		return err
	}
	acts, err := s.CRM.Activities(r.Context(), si.workspace.ID, 0, o.ID, 100)
	if err != nil {
		return err
	}
	fields, err := s.CRM.Store.CustomFields(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	v := s.newView(r, si, o.Name, "organisations")
	v.Flash = s.takeFlash(w, r)
	v.Data = orgPageData{Org: o, Fields: entityFields(fields, crm.EntityOrganisation), People: people.People, MorePeople: people.HasNext, Activities: acts, Kinds: crm.ActivityKinds, Outcomes: crm.CallOutcomes, Now: time.Now()}
	return s.render(w, r, http.StatusOK, "organisation", v)
}
