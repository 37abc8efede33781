package web

import (
	"net/http"

	"github.com/registre/registre/internal/crm"
)

func formFromOrg(o *crm.Organisation) orgForm {
	f := orgForm{Name: o.Name, Kind: string(o.Kind), Status: string(o.Status), RegistrationNumber: o.RegistrationNumber,
		Website: o.Website, Line1: o.Address.Line1, Line2: o.Address.Line2, PostalCode: o.Address.PostalCode,
		City: o.Address.City, Country: o.Address.Country}
	if o.Phone != "" {
		f.Phone = crm.FormatPhone(o.Phone)
	}
	if o.OwnerUserID != 0 {
		f.Owner = itoa(o.OwnerUserID)
	}
	f.Custom = map[string]string{}
	for k, v := range o.Custom {
		f.Custom[k] = customString(v)
	}
	return f
}

func readOrgForm(r *http.Request, fields []crm.CustomField) orgForm {
	g := r.PostFormValue
	f := orgForm{Name: g("name"), Kind: g("kind"), Status: g("status"), RegistrationNumber: g("registration_number"),
		Website: g("website"), Phone: g("phone"), Line1: g("address_line1"), Line2: g("address_line2"),
		PostalCode: g("postal_code"), City: g("city"), Country: g("country"), Owner: g("owner"), Custom: map[string]string{}}
	for _, cf := range entityFields(fields, crm.EntityOrganisation) {
		f.Custom[cf.Key] = g("custom." + cf.Key)
	}
	return f
}

func (f orgForm) input() crm.OrganisationInput {
	in := crm.OrganisationInput{Name: f.Name, Kind: crm.Audience(f.Kind), Status: crm.OrgStatus(f.Status),
		RegistrationNumber: f.RegistrationNumber, Website: f.Website, Phone: f.Phone, OwnerUserID: atoi(f.Owner),
		Address: crm.Address{Line1: f.Line1, Line2: f.Line2, PostalCode: f.PostalCode, City: f.City, Country: f.Country},
		Custom:  map[string]any{}}
	for k, v := range f.Custom {
		in.Custom[k] = v
	}
	return in
}

func (s *Server) orgFormView(r *http.Request, si *sessionInfo, o *crm.Organisation, f orgForm) (*view, error) {
	members, err := s.Users.Members(r.Context(), si.workspace.ID)
	if err != nil {
		return nil, err
	}
	fields, err := s.CRM.Store.CustomFields(r.Context(), si.workspace.ID)
	if err != nil {
		return nil, err
	}
	title, action := "New organisation", "/organisations"
	if o != nil {
		title, action = "Edit organisation", "/organisations/"+o.PublicID
	}
	v := s.newView(r, si, title, "organisations")
	v.Data = &orgFormData{Org: o, Form: f, Members: members, Fields: entityFields(fields, crm.EntityOrganisation), Statuses: crm.OrgStatuses, Kinds: crm.Audiences, Action: action}
	return v, nil
}

func (s *Server) newOrganisation(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	v, err := s.orgFormView(r, si, nil, orgForm{Kind: string(crm.B2B), Status: string(crm.StatusProspect), Country: "FR", Owner: itoa(si.user.ID)})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "organisation_form", v)
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	fields, err := s.CRM.Store.CustomFields(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	f := readOrgForm(r, fields)
	o, err := s.CRM.CreateOrganisation(r.Context(), si.workspace.ID, f.input())
	if err != nil {
		v, verr := s.orgFormView(r, si, nil, f)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, si, "organisation_form", v, err)
	}
	s.setFlash(w, "Organisation created.")
	http.Redirect(w, r, "/organisations/"+o.PublicID, http.StatusSeeOther)
	return nil
}

func (s *Server) editOrganisation(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	o, err := s.CRM.Organisation(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.orgFormView(r, si, o, formFromOrg(o))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "organisation_form", v)
}

func (s *Server) updateOrganisation(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	fields, err := s.CRM.Store.CustomFields(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	f := readOrgForm(r, fields)
	o, err := s.CRM.UpdateOrganisation(r.Context(), si.workspace.ID, r.PathValue("id"), f.input())
	if err != nil {
		old, gerr := s.CRM.Store.Organisation(r.Context(), si.workspace.ID, r.PathValue("id"))
		if gerr != nil {
			return gerr
		}
		v, verr := s.orgFormView(r, si, old, f)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, si, "organisation_form", v, err)
	}
	s.setFlash(w, "Changes saved.")
	http.Redirect(w, r, "/organisations/"+o.PublicID, http.StatusSeeOther)
	return nil
}

func (s *Server) deleteOrganisation(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	if err := s.CRM.DeleteOrganisation(r.Context(), si.workspace.ID, r.PathValue("id")); err != nil {
		return err
	}
	s.setFlash(w, "Organisation deleted.")
	http.Redirect(w, r, "/organisations", http.StatusSeeOther)
	return nil
}
