package api

import (
	"net/http"
	"slices"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

var errOrganisationNotFound = errs.Errorf(errs.NotFound, "Organisation not found.")

// organisationQuery is the filter of an organisation list: the query
// parameters of GET /organisations or the body of POST /organisations/search.
// Organisations are listed by name.
type organisationQuery struct {
	Query  string `json:"query"`
	Status string `json:"status"`
	Kind   string `json:"kind"`
	Limit  *int   `json:"limit"`
	Cursor string `json:"cursor"`
}

func (a *API) listOrganisations(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := queryParams(r, "status", "kind", "limit", "cursor")
	if err != nil {
		return err
	}
	limit, err := queryLimit(q)
	if err != nil {
		return err
	}
	return a.organisationPage(w, r, c, organisationQuery{Status: q.Get("status"), Kind: q.Get("kind"),
		Limit: limit, Cursor: q.Get("cursor")})
}

// searchOrganisations is a POST like searchPeople: an organisation's name
// can be a person's (sole traders, households).
func (a *API) searchOrganisations(w http.ResponseWriter, r *http.Request, c *caller) error {
	var oq organisationQuery
	if _, err := readJSON(w, r, &oq); err != nil {
		return err
	}
	return a.organisationPage(w, r, c, oq)
}

func (a *API) organisationPage(w http.ResponseWriter, r *http.Request, c *caller, oq organisationQuery) error {
	var v errs.Validation
	f := crm.OrganisationFilter{Query: checkQuery(&v, oq.Query), Status: crm.OrgStatus(oq.Status), Kind: crm.Audience(oq.Kind)}
	f.Limit = checkLimit(&v, oq.Limit, defaultLimit, maxLimit)
	if f.Status != "" && !slices.Contains(crm.OrgStatuses, f.Status) {
		v.Add("status", "must be one of suspect, prospect, customer, former_customer, partner")
	}
	if f.Kind != "" && !slices.Contains(crm.Audiences, f.Kind) {
		v.Add("kind", "must be b2b or b2c")
	}
	if oq.Cursor != "" {
		var ok bool
		if f.After, ok = parseID(oq.Cursor); !ok {
			v.Add("cursor", "is not valid")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	page, err := a.CRM.Organisations(r.Context(), c.workspaceID, f)
	if err != nil {
		return err
	}
	out := pageJSON[organisationJSON]{Data: []organisationJSON{}}
	for i := range page.Organisations {
		out.Data = append(out.Data, organisationOut(&page.Organisations[i]))
	}
	if page.HasNext && len(page.Organisations) > 0 {
		out.NextCursor = &page.Organisations[len(page.Organisations)-1].PublicID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) getOrganisation(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errOrganisationNotFound
	}
	o, err := a.CRM.Organisation(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, organisationOut(o))
	return nil
}

func (a *API) createOrganisation(w http.ResponseWriter, r *http.Request, c *caller) error {
	var b organisationBody
	body, err := readJSON(w, r, &b)
	if err != nil {
		return err
	}
	var in crm.OrganisationInput
	b.overlay(&in, presentFields(body))
	o, err := a.CRM.CreateOrganisation(r.Context(), c.workspaceID, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/organisations/"+o.PublicID)
	return a.writeOrganisation(w, r, c, http.StatusCreated, o.PublicID)
}

// replaceOrganisation is PUT: fields absent from the body are cleared.
func (a *API) replaceOrganisation(w http.ResponseWriter, r *http.Request, c *caller) error {
	return a.updateOrganisation(w, r, c, false)
}

// patchOrganisation is PATCH: only the fields in the body change.
func (a *API) patchOrganisation(w http.ResponseWriter, r *http.Request, c *caller) error {
	return a.updateOrganisation(w, r, c, true)
}

func (a *API) updateOrganisation(w http.ResponseWriter, r *http.Request, c *caller, merge bool) error {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errOrganisationNotFound
	}
	old, err := a.CRM.Store.Organisation(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	var b organisationBody
	body, err := readJSON(w, r, &b)
	if err != nil {
		return err
	}
	in := crm.OrganisationInput{OwnerUserID: old.OwnerUserID} // owners are kept, as for people
	if merge {
		fields, err := a.CRM.Store.CustomFields(r.Context(), c.workspaceID)
		if err != nil {
			return err
		}
		in = organisationInput(old, fields)
	}
	b.overlay(&in, presentFields(body))
	if _, err := a.CRM.UpdateOrganisation(r.Context(), c.workspaceID, id, in); err != nil {
		return err
	}
	return a.writeOrganisation(w, r, c, http.StatusOK, id)
}

// writeOrganisation answers with the organisation as stored, read back for
// its owner's name and its number of people.
func (a *API) writeOrganisation(w http.ResponseWriter, r *http.Request, c *caller, status int, id string) error {
	o, err := a.CRM.Store.Organisation(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	writeJSON(w, status, organisationOut(o))
	return nil
}

func (a *API) deleteOrganisation(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errOrganisationNotFound
	}
	if err := a.CRM.DeleteOrganisation(r.Context(), c.workspaceID, id); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}
