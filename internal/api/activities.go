package api

import (
	"net/http"
	"strings"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

var errActivityNotFound = errs.Errorf(errs.NotFound, "Activity not found.")

// activityJSON is an entry of a timeline.
type activityJSON struct {
	ID                  string           `json:"id"`
	PersonID            *string          `json:"person_id"`
	PersonName          *string          `json:"person_name"`
	OrganisationID      *string          `json:"organisation_id"`
	Kind                crm.ActivityKind `json:"kind"`
	OccurredAt          timestamp        `json:"occurred_at"`
	Subject             string           `json:"subject"`
	Body                string           `json:"body"`
	Outcome             *string          `json:"outcome"`
	CountsAsInteraction bool             `json:"counts_as_interaction"`
	AuthorName          *string          `json:"author_name"`
	FormID              *string          `json:"form_id"`
	CreatedAt           timestamp        `json:"created_at"`
}

func activityOut(a *crm.Activity) activityJSON {
	return activityJSON{
		ID: a.PublicID, PersonID: nullable(a.PersonPublicID), PersonName: nullable(strings.TrimSpace(a.PersonName)),
		OrganisationID: nullable(a.OrganisationPublicID), Kind: a.Kind, OccurredAt: timestamp(a.OccurredAt),
		Subject: a.Subject, Body: a.Body, Outcome: nullable(string(a.Outcome)), CountsAsInteraction: a.CountsAsInteraction,
		AuthorName: nullable(a.AuthorName), FormID: nullable(a.FormPublicID), CreatedAt: timestamp(a.CreatedAt),
	}
}

// activityBody is the body of POST /activities: exactly one of person_id
// and organisation_id; counts_as_interaction defaults to the kind's rule.
type activityBody struct {
	PersonID            string           `json:"person_id"`
	OrganisationID      string           `json:"organisation_id"`
	Kind                crm.ActivityKind `json:"kind"`
	OccurredAt          string           `json:"occurred_at"`
	Subject             string           `json:"subject"`
	Body                string           `json:"body"`
	Outcome             crm.CallOutcome  `json:"outcome"`
	CountsAsInteraction *bool            `json:"counts_as_interaction"`
}

// activityList is a timeline, newest first. Timelines are short and not
// paginated: limit caps them.
type activityList struct {
	Data []activityJSON `json:"data"`
}

func (a *API) listPersonActivities(w http.ResponseWriter, r *http.Request, c *caller) error {
	limit, err := activityLimit(r)
	if err != nil {
		return err
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errPersonNotFound
	}
	// Through the service, so that reading the timeline is recorded as a
	// view of the person.
	p, err := a.CRM.Person(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	return a.writeActivities(w, r, c, p.ID, 0, limit)
}

func (a *API) listOrganisationActivities(w http.ResponseWriter, r *http.Request, c *caller) error {
	limit, err := activityLimit(r)
	if err != nil {
		return err
	}
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errOrganisationNotFound
	}
	o, err := a.CRM.Organisation(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	return a.writeActivities(w, r, c, 0, o.ID, limit)
}

func activityLimit(r *http.Request) (int, error) {
	q, err := queryParams(r, "limit")
	if err != nil {
		return 0, err
	}
	n, err := queryLimit(q)
	if err != nil {
		return 0, err
	}
	var v errs.Validation
	limit := checkLimit(&v, n, defaultActivityLimit, maxActivityLimit)
	return limit, v.Err()
}

func (a *API) writeActivities(w http.ResponseWriter, r *http.Request, c *caller, personID, orgID int64, limit int) error {
	acts, err := a.CRM.Activities(r.Context(), c.workspaceID, personID, orgID, limit)
	if err != nil {
		return err
	}
	out := activityList{Data: []activityJSON{}}
	for i := range acts {
		out.Data = append(out.Data, activityOut(&acts[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) getActivity(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errActivityNotFound
	}
	act, err := a.CRM.Store.Activity(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	// Notes are personal data like the rest: reading one is recorded.
	e := audit.NewEntry(r.Context(), c.workspaceID, "activity.view", "activity", act.PublicID, nil)
	if err := a.CRM.Audit.Record(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, activityOut(act))
	return nil
}

func (a *API) createActivity(w http.ResponseWriter, r *http.Request, c *caller) error {
	var b activityBody
	if _, err := readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	in := crm.ActivityInput{Kind: b.Kind, Subject: b.Subject, Body: b.Body, Outcome: b.Outcome, CountsAsInteraction: b.CountsAsInteraction,
		OccurredAt: parseTime(&v, "occurred_at", b.OccurredAt)}
	in.PersonID = activityRef(&v, "person_id", b.PersonID)
	in.OrganisationID = activityRef(&v, "organisation_id", b.OrganisationID)
	if err := v.Err(); err != nil {
		return err
	}
	// API calls have no staff author: the audit entry names the token.
	act, err := a.CRM.AddActivity(r.Context(), c.workspaceID, 0, in)
	if err != nil {
		return err
	}
	created, err := a.CRM.Store.Activity(r.Context(), c.workspaceID, act.PublicID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/activities/"+created.PublicID)
	writeJSON(w, http.StatusCreated, activityOut(created))
	return nil
}

// activityRef checks a person or organisation id given in an activity; a
// malformed id reads like one of another workspace.
func activityRef(v *errs.Validation, field, s string) string {
	if s == "" {
		return ""
	}
	id, ok := parseID(s)
	if !ok {
		v.Add(field, "does not exist in this workspace")
	}
	return id
}

func (a *API) deleteActivity(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errActivityNotFound
	}
	if err := a.CRM.DeleteActivity(r.Context(), c.workspaceID, id); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}
