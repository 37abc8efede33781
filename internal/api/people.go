package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// errPersonNotFound answers ids that are malformed, missing, or another
// workspace's: the three must be indistinguishable.
var errPersonNotFound = errs.Errorf(errs.NotFound, "Person not found.")

// peopleQuery is the filter of a people list: the query parameters of GET
// /people, or the body of POST /people/search.
type peopleQuery struct {
	Query          string `json:"query"`
	Lifecycle      string `json:"lifecycle"`
	Audience       string `json:"audience"`
	OrganisationID string `json:"organisation_id"`
	Sort           string `json:"sort"`
	Order          string `json:"order"`
	Limit          *int   `json:"limit"`
	Cursor         string `json:"cursor"`
}

// pageJSON is a page of a keyset-paginated list. NextCursor is the id of
// the page's last item, to send back as cursor; null on the last page.
type pageJSON[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

func (a *API) listPeople(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := queryParams(r, "lifecycle", "audience", "organisation_id", "sort", "order", "limit", "cursor")
	if err != nil {
		return err
	}
	limit, err := queryLimit(q)
	if err != nil {
		return err
	}
	return a.peoplePage(w, r, c, peopleQuery{Lifecycle: q.Get("lifecycle"), Audience: q.Get("audience"),
		OrganisationID: q.Get("organisation_id"), Sort: q.Get("sort"), Order: q.Get("order"),
		Limit: limit, Cursor: q.Get("cursor")})
}

// searchPeople is a POST so that the names, emails and phone numbers
// searched for stay out of URLs, and so out of access logs and histories.
func (a *API) searchPeople(w http.ResponseWriter, r *http.Request, c *caller) error {
	var pq peopleQuery
	if _, err := readJSON(w, r, &pq); err != nil {
		return err
	}
	return a.peoplePage(w, r, c, pq)
}

func (a *API) peoplePage(w http.ResponseWriter, r *http.Request, c *caller, pq peopleQuery) error {
	f, err := a.peopleFilter(r.Context(), c, pq)
	if err != nil {
		return err
	}
	page, err := a.CRM.People(r.Context(), c.workspaceID, f)
	if err != nil {
		return err
	}
	out := pageJSON[personSummaryJSON]{Data: []personSummaryJSON{}}
	for i := range page.People {
		out.Data = append(out.Data, personSummaryOut(&page.People[i]))
	}
	if page.HasNext && len(page.People) > 0 {
		out.NextCursor = &page.People[len(page.People)-1].PublicID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// peopleFilter validates a people query, reporting every bad field at once.
func (a *API) peopleFilter(ctx context.Context, c *caller, pq peopleQuery) (crm.PeopleFilter, error) {
	var v errs.Validation
	f := crm.PeopleFilter{Query: checkQuery(&v, pq.Query), Lifecycle: crm.Lifecycle(pq.Lifecycle),
		Audience: crm.Audience(pq.Audience), Sort: crm.PeopleSort(pq.Sort), Desc: pq.Order == "desc"}
	f.Limit = checkLimit(&v, pq.Limit, defaultLimit, maxLimit)
	if f.Lifecycle != "" && !slices.Contains(crm.Lifecycles, f.Lifecycle) {
		v.Add("lifecycle", "must be one of lead, prospect, customer, former_customer")
	}
	if f.Audience != "" && !slices.Contains(crm.Audiences, f.Audience) {
		v.Add("audience", "must be b2b or b2c")
	}
	if f.Sort == "" {
		f.Sort = crm.SortName
	}
	if !slices.Contains([]crm.PeopleSort{crm.SortName, crm.SortCreated, crm.SortLastInteraction}, f.Sort) {
		v.Add("sort", "must be name, created or last_interaction")
	}
	if pq.Order != "" && pq.Order != "asc" && pq.Order != "desc" {
		v.Add("order", "must be asc or desc")
	}
	if pq.Cursor != "" {
		var ok bool
		if f.After, ok = parseID(pq.Cursor); !ok {
			v.Add("cursor", "is not valid")
		}
	}
	if pq.OrganisationID != "" {
		if id, ok := parseID(pq.OrganisationID); ok {
			if o, err := a.CRM.Store.Organisation(ctx, c.workspaceID, id); err == nil {
				f.OrganisationID = o.ID
			} else if !errs.Is(err, errs.NotFound) {
				return f, err
			}
		}
		if f.OrganisationID == 0 {
			v.Add("organisation_id", "is not an organisation of this workspace")
		}
	}
	return f, v.Err()
}

func (a *API) getPerson(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errPersonNotFound
	}
	p, err := a.CRM.Person(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, personOut(p))
	return nil
}

func (a *API) createPerson(w http.ResponseWriter, r *http.Request, c *caller) error {
	var b personBody
	body, err := readJSON(w, r, &b)
	if err != nil {
		return err
	}
	var in crm.PersonInput
	if err := b.overlay(&in, presentFields(body)); err != nil {
		return err
	}
	p, err := a.CRM.CreatePerson(r.Context(), c.workspaceID, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/people/"+p.PublicID)
	return a.writePerson(w, r, c, http.StatusCreated, p.PublicID)
}

// replacePerson is PUT: fields absent from the body are cleared.
func (a *API) replacePerson(w http.ResponseWriter, r *http.Request, c *caller) error {
	return a.updatePerson(w, r, c, false)
}

// patchPerson is PATCH: only the fields in the body change.
func (a *API) patchPerson(w http.ResponseWriter, r *http.Request, c *caller) error {
	return a.updatePerson(w, r, c, true)
}

func (a *API) updatePerson(w http.ResponseWriter, r *http.Request, c *caller, merge bool) error {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errPersonNotFound
	}
	old, err := a.CRM.Store.Person(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	var b personBody
	body, err := readJSON(w, r, &b)
	if err != nil {
		return err
	}
	// The API does not manage owners yet: a replace keeps the owner chosen
	// in the staff interface instead of clearing it.
	in := crm.PersonInput{OwnerUserID: old.OwnerUserID}
	if merge {
		fields, err := a.CRM.Store.CustomFields(r.Context(), c.workspaceID)
		if err != nil {
			return err
		}
		in = personInput(old, fields)
	}
	if err := b.overlay(&in, presentFields(body)); err != nil {
		return err
	}
	if _, err := a.CRM.UpdatePerson(r.Context(), c.workspaceID, id, in); err != nil {
		return err
	}
	return a.writePerson(w, r, c, http.StatusOK, id)
}

// writePerson answers with the person as stored, read back so that names
// of the organisation and owner are filled in.
func (a *API) writePerson(w http.ResponseWriter, r *http.Request, c *caller, status int, id string) error {
	p, err := a.CRM.Store.Person(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	writeJSON(w, status, personOut(p))
	return nil
}

func (a *API) deletePerson(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errPersonNotFound
	}
	if err := a.CRM.DeletePerson(r.Context(), c.workspaceID, id); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}
