package api

import (
	"net/http"
	"strconv"

	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/importer"
)

// reviewFileJSON is what a held row of the file says.
type reviewFileJSON struct {
	FirstName    string         `json:"first_name"`
	LastName     string         `json:"last_name"`
	Emails       []string       `json:"emails"`
	Phones       []string       `json:"phones"`
	JobTitle     string         `json:"job_title"`
	Organisation string         `json:"organisation"`
	Address      addressJSON    `json:"address"`
	Lifecycle    string         `json:"lifecycle"`
	Audience     string         `json:"audience"`
	Custom       map[string]any `json:"custom"`
	Consents     []string       `json:"consents"`
	Objections   []string       `json:"objections"`
}

// differenceJSON is one field of a held row beside the person's value.
type differenceJSON struct {
	Field   string `json:"field"`
	Current string `json:"current"`
	File    string `json:"file"`
	Differs bool   `json:"differs"`
}

// reviewJSON is a held row as the API shows it.
type reviewJSON struct {
	Line            int64            `json:"line"`
	Status          string           `json:"status"`
	Resolution      *string          `json:"resolution"`
	PersonID        *string          `json:"person_id"`
	CreatedPersonID *string          `json:"created_person_id"`
	Suppressed      bool             `json:"suppressed"`
	EmailOwnerID    *string          `json:"email_owner_id"`
	File            *reviewFileJSON  `json:"file"`
	Differences     []differenceJSON `json:"differences"`
	CreatedAt       timestamp        `json:"created_at"`
	ResolvedAt      timestamp        `json:"resolved_at"`
	ResolvedByKind  *string          `json:"resolved_by_kind"`
	ResolvedByID    *string          `json:"resolved_by_id"`
}

// reviewPageJSON is a page of held rows with the import's totals.
type reviewPageJSON struct {
	Data       []reviewJSON `json:"data"`
	NextCursor *string      `json:"next_cursor"`
	Waiting    int64        `json:"waiting"`
	Resolved   int64        `json:"resolved"`
}

// resolveBody is the body of a resolution.
type resolveBody struct {
	Resolution string `json:"resolution"`
}

// resolvedJSON answers a resolution: the row, and whether this call
// changed anything (false when it was already resolved the same way).
type resolvedJSON struct {
	reviewJSON
	Changed bool `json:"changed"`
}

func reviewOut(rv *importer.Review) reviewJSON {
	out := reviewJSON{Line: rv.Line, Status: "waiting", PersonID: nullable(rv.PersonID), CreatedPersonID: nullable(rv.CreatedPerson),
		Suppressed: rv.Suppressed, EmailOwnerID: nullable(rv.EmailOwner), Differences: []differenceJSON{},
		CreatedAt: timestamp(rv.CreatedAt), ResolvedAt: timestamp(rv.ResolvedAt)}
	if rv.Resolved() {
		out.Status = "resolved"
		out.Resolution = nullable(string(rv.Resolution))
		out.ResolvedByKind, out.ResolvedByID = nullable(string(rv.ResolvedBy.Kind)), nullable(rv.ResolvedBy.ID)
		return out
	}
	d := rv.Row
	f := &reviewFileJSON{FirstName: d.FirstName, LastName: d.LastName, Emails: d.Emails, Phones: d.Phones, JobTitle: d.JobTitle,
		Organisation: d.Organisation, Address: addressOut(d.Address), Lifecycle: string(d.Lifecycle), Audience: string(d.Audience),
		Custom: d.Custom, Consents: d.Grants, Objections: []string{}}
	for _, fl := range d.Flags {
		f.Objections = append(f.Objections, string(fl))
	}
	if f.Emails == nil {
		f.Emails = []string{}
	}
	if f.Phones == nil {
		f.Phones = []string{}
	}
	if f.Consents == nil {
		f.Consents = []string{}
	}
	if f.Custom == nil {
		f.Custom = map[string]any{}
	}
	out.File = f
	for _, df := range rv.Differences() {
		out.Differences = append(out.Differences, differenceJSON(df))
	}
	return out
}

// importOfPath returns the import named by the path, or NotFound.
func (a *API) importOfPath(r *http.Request, c *caller) (*importer.Import, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return nil, errs.Errorf(errs.NotFound, "Import not found.")
	}
	return a.Imports.Store.Import(r.Context(), c.workspaceID, id)
}

// listImportReviews returns a page of an import's held rows in line order:
// those waiting (default) or those resolved. Audited.
func (a *API) listImportReviews(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := queryParams(r, "state", "limit", "cursor")
	if err != nil {
		return err
	}
	limit, err := queryLimit(q)
	if err != nil {
		return err
	}
	var v errs.Validation
	f := importer.ReviewFilter{Limit: checkLimit(&v, limit, importer.DefaultReviewPage, importer.MaxReviewPage)}
	switch q.Get("state") {
	case "", "waiting":
	case "resolved":
		f.Resolved = true
	default:
		v.Add("state", "must be waiting or resolved")
	}
	if s := q.Get("cursor"); s != "" {
		if f.After, err = strconv.ParseInt(s, 10, 64); err != nil || f.After < 0 {
			v.Add("cursor", "is not valid")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	imp, err := a.importOfPath(r, c)
	if err != nil {
		return err
	}
	page, err := a.Imports.Reviews(r.Context(), imp, f)
	if err != nil {
		return err
	}
	out := reviewPageJSON{Data: []reviewJSON{}, Waiting: page.Waiting, Resolved: page.Resolved}
	for i := range page.Reviews {
		out.Data = append(out.Data, reviewOut(&page.Reviews[i]))
	}
	if page.Next > 0 {
		out.NextCursor = nullable(strconv.FormatInt(page.Next, 10))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// resolveImportReview applies update, create or discard to one held row.
func (a *API) resolveImportReview(w http.ResponseWriter, r *http.Request, c *caller) error {
	var body resolveBody
	if _, err := readJSON(w, r, &body); err != nil {
		return err
	}
	imp, err := a.importOfPath(r, c)
	if err != nil {
		return err
	}
	line, err := strconv.ParseInt(r.PathValue("line"), 10, 64)
	if err != nil || line <= 0 {
		return errs.Errorf(errs.NotFound, "Held row not found.")
	}
	rv, changed, err := a.Imports.Resolve(r.Context(), imp, line, importer.Resolution(body.Resolution))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resolvedJSON{reviewJSON: reviewOut(rv), Changed: changed})
	return nil
}

// cancelImport asks an import to stop after its current batch.
func (a *API) cancelImport(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return errs.Errorf(errs.NotFound, "Import not found.")
	}
	imp, err := a.Imports.Cancel(r.Context(), c.workspaceID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, importToJSON(imp))
	return nil
}
