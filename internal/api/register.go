package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/register"
)

// The register of processing activities: entries, versions, notices,
// retention rules, drift, templates and exports. Reading needs the read
// permission (forms need notices); changing it is for admins; exporting
// it for admins and the DPO.

type registerList struct {
	Data []register.Entry `json:"data"`
}

type versionList struct {
	Data []register.Version `json:"data"`
}

type templateList struct {
	Data []register.Template `json:"data"`
}

type gapList struct {
	Data []register.Gap `json:"data"`
}

type retentionList struct {
	Data []register.Retention `json:"data"`
}

// registerEntryBody creates an entry (status draft or active) or, with
// version, saves a new version of one.
type registerEntryBody struct {
	Activity register.Activity `json:"activity"`
	Status   register.Status   `json:"status,omitempty"`
	Version  int               `json:"version,omitempty"`
}

type statusBody struct {
	Status register.Status `json:"status"`
}

type adoptBody struct {
	Templates []string `json:"templates"`
}

var errEntryNotFound = errs.Errorf(errs.NotFound, "Register entry not found.")

func entryID(r *http.Request) (string, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return "", errEntryNotFound
	}
	return id, nil
}

func (a *API) listRegister(w http.ResponseWriter, r *http.Request, c *caller) error {
	entries, err := a.Register.List(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, registerList{Data: entries})
	return nil
}

func (a *API) createRegisterEntry(w http.ResponseWriter, r *http.Request, c *caller) error {
	var body registerEntryBody
	if _, err := readJSON(w, r, &body); err != nil {
		return err
	}
	if body.Status != "" && body.Status != register.Draft && body.Status != register.Active {
		return invalid("status", "must be draft or active")
	}
	e, err := a.Register.Create(r.Context(), c.workspaceID, body.Activity, body.Status == register.Active)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (a *API) getRegisterEntry(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := entryID(r)
	if err != nil {
		return err
	}
	e, err := a.Register.Get(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// updateRegisterEntry saves a new version; the body's version is the one
// the client read (0 skips the check), so that two editors do not undo
// each other.
func (a *API) updateRegisterEntry(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := entryID(r)
	if err != nil {
		return err
	}
	var body registerEntryBody
	if _, err := readJSON(w, r, &body); err != nil {
		return err
	}
	if body.Status != "" {
		return invalid("status", "change the status with POST /api/v1/register/{id}/status")
	}
	e, err := a.Register.Update(r.Context(), c.workspaceID, id, body.Version, body.Activity)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (a *API) setRegisterStatus(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := entryID(r)
	if err != nil {
		return err
	}
	var body statusBody
	if _, err := readJSON(w, r, &body); err != nil {
		return err
	}
	e, err := a.Register.SetStatus(r.Context(), c.workspaceID, id, body.Status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (a *API) listRegisterVersions(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := entryID(r)
	if err != nil {
		return err
	}
	versions, err := a.Register.Versions(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, versionList{Data: versions})
	return nil
}

func (a *API) getRegisterVersion(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := entryID(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || n < 1 {
		return errs.Errorf(errs.NotFound, "This entry has no such version.")
	}
	v, err := a.Register.Version(r.Context(), c.workspaceID, id, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func noticeLang(r *http.Request) (string, error) {
	q, err := queryParams(r, "lang")
	if err != nil {
		return "", err
	}
	lang := q.Get("lang")
	if lang == "" {
		lang = "fr"
	}
	if lang != "fr" && lang != "en" {
		return "", invalid("lang", "must be fr or en")
	}
	return lang, nil
}

// getEntryNotice renders the notice of an entry; 400 names the values a
// notice lacks when a placeholder would stay unfilled.
func (a *API) getEntryNotice(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := entryID(r)
	if err != nil {
		return err
	}
	lang, err := noticeLang(r)
	if err != nil {
		return err
	}
	n, err := a.Register.Notice(r.Context(), c.workspaceID, id, lang)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

// getPurposeNotice renders the notice of the active entry covering a
// consent purpose (what a form embeds); 404 when no entry covers it.
func (a *API) getPurposeNotice(w http.ResponseWriter, r *http.Request, c *caller) error {
	lang, err := noticeLang(r)
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	if len(key) > 40 {
		return errs.Errorf(errs.NotFound, "Unknown purpose.")
	}
	e, err := a.Register.ActiveEntryFor(r.Context(), c.workspaceID, key)
	if err != nil {
		return err
	}
	n, err := a.Register.Notice(r.Context(), c.workspaceID, e.PublicID, lang)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (a *API) listRegisterTemplates(w http.ResponseWriter, r *http.Request, c *caller) error {
	writeJSON(w, http.StatusOK, templateList{Data: register.Templates()})
	return nil
}

func (a *API) adoptTemplates(w http.ResponseWriter, r *http.Request, c *caller) error {
	var body adoptBody
	if _, err := readJSON(w, r, &body); err != nil {
		return err
	}
	entries, err := a.Register.AdoptTemplates(r.Context(), c.workspaceID, body.Templates)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []register.Entry{}
	}
	writeJSON(w, http.StatusOK, registerList{Data: entries})
	return nil
}

func (a *API) registerDrift(w http.ResponseWriter, r *http.Request, c *caller) error {
	gaps, err := a.Register.Drift(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, gapList{Data: gaps})
	return nil
}

func (a *API) registerRetention(w http.ResponseWriter, r *http.Request, c *caller) error {
	rules, err := a.Register.RetentionRules(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, retentionList{Data: rules})
	return nil
}

// exportRegister answers the register as CSV or PDF (audited).
func (a *API) exportRegister(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := queryParams(r, "format", "lang")
	if err != nil {
		return err
	}
	format, lang := q.Get("format"), q.Get("lang")
	if lang != "" && lang != "fr" && lang != "en" {
		return invalid("lang", "must be fr or en")
	}
	var buf bytes.Buffer
	if err := a.Register.Export(r.Context(), c.workspaceID, "", format, lang, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", map[string]string{"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}[format])
	w.Header().Set("Content-Disposition", `attachment; filename="register.`+format+`"`)
	_, err = buf.WriteTo(w)
	return err
}

func (a *API) getRegisterOrganisation(w http.ResponseWriter, r *http.Request, c *caller) error {
	o, err := a.Register.Organisation(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (a *API) putRegisterOrganisation(w http.ResponseWriter, r *http.Request, c *caller) error {
	var body register.Organisation
	if _, err := readJSON(w, r, &body); err != nil {
		return err
	}
	o, err := a.Register.SetOrganisation(r.Context(), c.workspaceID, body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}
