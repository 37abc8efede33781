package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/workspace"
)

// Web forms: definitions (a draft and immutable published versions) and
// their submissions. The forms service validates exactly as the staff
// builder does; the API only maps documents and field names.

// Workspaces reads a workspace (sqldb.WorkspaceStore does): a new form's
// default texts name it, and take its language.
type Workspaces interface {
	ByID(ctx context.Context, id int64) (*workspace.Workspace, error)
}

var errFormNotFound = errs.Errorf(errs.NotFound, "Form not found.")

func formID(r *http.Request) (string, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return "", errFormNotFound
	}
	return id, nil
}

func (a *API) listForms(w http.ResponseWriter, r *http.Request, c *caller) error {
	all, err := a.Forms.Forms(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	out := formList{Data: []formSummaryJSON{}}
	for i := range all {
		out.Data = append(out.Data, formSummaryOut(&all[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) createForm(w http.ResponseWriter, r *http.Request, c *caller) error {
	var body createFormBody
	if _, err := readJSON(w, r, &body); err != nil {
		return err
	}
	ws, err := a.Workspaces.ByID(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	if body.Lang == "" {
		body.Lang = ws.Locale
	}
	f, err := a.Forms.CreateForm(r.Context(), c.workspaceID, body.Name, body.Slug, body.Lang, ws.Name)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/forms/"+f.PublicID)
	return a.writeForm(w, r, c, http.StatusCreated, f.PublicID)
}

func (a *API) getForm(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	return a.writeForm(w, r, c, http.StatusOK, id)
}

// writeForm answers the form with its draft, current version and versions.
func (a *API) writeForm(w http.ResponseWriter, r *http.Request, c *caller, status int, id string) error {
	ctx := r.Context()
	f, err := a.Forms.Form(ctx, c.workspaceID, id)
	if err != nil {
		return err
	}
	versions, err := a.Forms.Versions(ctx, c.workspaceID, id)
	if err != nil {
		return err
	}
	m, err := a.members(ctx, c.workspaceID)
	if err != nil {
		return err
	}
	out := formJSON{formSummaryJSON: formSummaryOut(f), Draft: definitionOut(&f.Draft, m), Versions: []formVersionSummaryJSON{}}
	for i := range versions {
		out.Versions = append(out.Versions, versionSummaryOut(&versions[i]))
		if versions[i].ID == f.CurrentVersionID {
			out.Published = versionOut(&versions[i], m)
		}
	}
	writeJSON(w, status, out)
	return nil
}

// updateForm replaces the name and the draft; the version served does not
// change until the draft is published.
func (a *API) updateForm(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	var body formBody
	if _, err := readJSON(w, r, &body); err != nil {
		return err
	}
	ctx := r.Context()
	m, err := a.members(ctx, c.workspaceID)
	if err != nil {
		return err
	}
	d, err := definitionIn(&body.Draft, m)
	if err != nil {
		return err
	}
	if _, err := a.Forms.SaveDraft(ctx, c.workspaceID, id, body.Name, d); err != nil {
		return draftError(err)
	}
	return a.writeForm(w, r, c, http.StatusOK, id)
}

// publishForm freezes the draft as the next version, which /f/{slug}
// then serves.
func (a *API) publishForm(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	v, err := a.Forms.Publish(r.Context(), c.workspaceID, id)
	if err != nil {
		return draftError(err)
	}
	m, err := a.members(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/forms/"+id+"/versions/"+strconv.Itoa(v.Number))
	writeJSON(w, http.StatusCreated, versionOut(v, m))
	return nil
}

func (a *API) unpublishForm(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	if _, err := a.Forms.Unpublish(r.Context(), c.workspaceID, id); err != nil {
		return err
	}
	return a.writeForm(w, r, c, http.StatusOK, id)
}

func (a *API) getFormVersion(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	n := versionNumber(r.PathValue("version"))
	if n == 0 {
		return errs.Errorf(errs.NotFound, "This form has no such version.")
	}
	v, err := a.Forms.Version(r.Context(), c.workspaceID, id, n)
	if err != nil {
		return err
	}
	m, err := a.members(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, versionOut(v, m))
	return nil
}

// listFormSubmissions pages a form's submissions, newest first, through
// the forms service, which records the read in the audit log.
func (a *API) listFormSubmissions(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := formID(r)
	if err != nil {
		return err
	}
	q, err := queryParams(r, "limit", "cursor")
	if err != nil {
		return err
	}
	limit, err := queryLimit(q)
	if err != nil {
		return err
	}
	var v errs.Validation
	n := checkLimit(&v, limit, forms.DefaultSubmissionPage, forms.MaxSubmissionPage)
	cursor := q.Get("cursor")
	if cursor != "" {
		var ok bool
		if cursor, ok = parseID(cursor); !ok {
			v.Add("cursor", "is not valid")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	page, err := a.Forms.Submissions(r.Context(), c.workspaceID, id, cursor, n)
	if err != nil {
		return err
	}
	out := pageJSON[submissionJSON]{Data: []submissionJSON{}}
	for i := range page.Submissions {
		out.Data = append(out.Data, submissionOut(&page.Submissions[i]))
	}
	if page.HasNext && len(page.Submissions) > 0 {
		out.NextCursor = &page.Submissions[len(page.Submissions)-1].PublicID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// draftError names the problems of a draft by their path in the form
// document: "draft.checkboxes" rather than "checkboxes"; the register's
// refusal of a purpose no active entry covers names the checkboxes too.
func draftError(err error) error {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = map[string]string{}
	for k, msg := range e.Fields {
		switch k {
		case "name":
			out.Fields[k] = msg
		case "purpose":
			out.Fields["draft.checkboxes"] = msg
		default:
			out.Fields["draft."+k] = msg
		}
	}
	return &out
}
