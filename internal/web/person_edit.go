package web

import (
	"net/http"

	"github.com/registre/registre/internal/crm"
)

func (s *Server) personFormView(r *http.Request, si *sessionInfo, p *crm.Person, f personForm) (*view, error) {
	fields, err := s.CRM.Store.CustomFields(r.Context(), si.workspace.ID)
	if err != nil {
		return nil, err
	}
	members, err := s.Users.Members(r.Context(), si.workspace.ID)
	if err != nil {
		return nil, err
	}
	orgs, err := s.organisationChoices(r, si, f.OrganisationID)
	if err != nil {
		return nil, err
	}
	title, action := "New person", "/people"
	if p != nil {
		title, action = "Edit person", "/people/"+p.PublicID
	}
	v := s.newView(r, si, title, "people")
	v.Data = &personFormData{Person: p, Form: f, Fields: personFields(fields), Organisations: orgs, Members: members,
		Lifecycles: crm.Lifecycles, Audiences: crm.Audiences, Origins: crm.Origins, Action: action}
	return v, nil
}

func (s *Server) newPerson(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	f := personForm{Lifecycle: string(crm.Lead), Audience: string(crm.B2B), Origin: string(crm.OriginManual),
		OrganisationID: r.URL.Query().Get("organisation"), Owner: itoa(si.user.ID)}
	v, err := s.personFormView(r, si, nil, f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "person_form", v)
}

func (s *Server) createPerson(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	fields, err := s.CRM.Store.CustomFields(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	f := readPersonForm(r, fields)
	p, err := s.CRM.CreatePerson(r.Context(), si.workspace.ID, f.input(fields))
	if err != nil {
		v, verr := s.personFormView(r, si, nil, f)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, si, "person_form", v, err)
	}
	s.setFlash(w, "Person created.")
	http.Redirect(w, r, "/people/"+p.PublicID, http.StatusSeeOther)
	return nil
}

func (s *Server) editPerson(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	p, err := s.CRM.Person(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.personFormView(r, si, p, formFromPerson(p))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "person_form", v)
}

func (s *Server) updatePerson(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	fields, err := s.CRM.Store.CustomFields(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	f := readPersonForm(r, fields)
	p, err := s.CRM.UpdatePerson(r.Context(), si.workspace.ID, r.PathValue("id"), f.input(fields))
	if err != nil {
		old, gerr := s.CRM.Store.Person(r.Context(), si.workspace.ID, r.PathValue("id"))
		if gerr != nil {
			return gerr
		}
		v, verr := s.personFormView(r, si, old, f)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, si, "person_form", v, err)
	}
	s.setFlash(w, "Changes saved.")
	http.Redirect(w, r, "/people/"+p.PublicID, http.StatusSeeOther)
	return nil
}

func (s *Server) deletePerson(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	if err := s.CRM.DeletePerson(r.Context(), si.workspace.ID, r.PathValue("id")); err != nil {
		return err
	}
	s.setFlash(w, "Person deleted.")
	http.Redirect(w, r, "/people", http.StatusSeeOther)
	return nil
}
