package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/segment"
)

var (
	errSegmentNotFound = errs.Errorf(errs.NotFound, "Segment not found.")
	errJobNotFound     = errs.Errorf(errs.NotFound, "Job not found.")
)

// segmentJSON is a saved segment; criteria is the same tree the builder
// makes (groups with "group": "and"/"or" and "children", criteria with
// "field", "op", "value", "unit", "subject").
type segmentJSON struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Criteria    segment.Node `json:"criteria"`
	Columns     []string     `json:"columns"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

type segmentList struct {
	Data []segmentJSON `json:"data"`
}

type segmentBody struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Criteria    segment.Node `json:"criteria"`
	Columns     []string     `json:"columns"`
}

type segmentQuery struct {
	Criteria segment.Node `json:"criteria"`
	Columns  []string     `json:"columns"`
	After    string       `json:"after"`
	Limit    int          `json:"limit"`
}

type segmentCount struct {
	Count int `json:"count"`
}

type segmentRow struct {
	ID     string            `json:"id"`
	Values map[string]string `json:"values"`
}

type segmentPeople struct {
	Columns []string     `json:"columns"`
	Data    []segmentRow `json:"data"`
	Next    string       `json:"next,omitempty"`
}

type bulkBody struct {
	Action     segment.Action     `json:"action"`
	Field      string             `json:"field"`
	Value      string             `json:"value"`
	Purpose    string             `json:"purpose"`
	Flag       consent.Flag       `json:"flag"`
	Change     consent.Action     `json:"change"`
	Note       string             `json:"note"`
	SourceRef  string             `json:"source_ref"`
	LegalBasis consent.LegalBasis `json:"legal_basis"`
}

type bulkJobJSON struct {
	ID         string         `json:"id"`
	Segment    string         `json:"segment_id"`
	Action     segment.Action `json:"action"`
	State      string         `json:"state"`
	Total      int64          `json:"total"`
	Processed  int64          `json:"processed"`
	Error      string         `json:"error,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
	FinishedAt *time.Time     `json:"finished_at,omitempty"`
}

func segmentOut(g *segment.Segment) segmentJSON {
	cols := g.Columns
	if cols == nil {
		cols = []string{}
	}
	return segmentJSON{ID: g.PublicID, Name: g.Name, Description: g.Description, Criteria: g.Tree, Columns: cols,
		CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
}

func jobOut(j *segment.Job) bulkJobJSON {
	out := bulkJobJSON{ID: j.PublicID, Segment: j.Segment, Action: j.Action, State: j.State, Total: j.Total, Processed: j.Processed,
		Error: j.Error, CreatedAt: j.CreatedAt}
	if !j.FinishedAt.IsZero() {
		t := j.FinishedAt
		out.FinishedAt = &t
	}
	return out
}

func (a *API) segmentOfPath(r *http.Request, c *caller) (*segment.Segment, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return nil, errSegmentNotFound
	}
	return a.Segments.Get(r.Context(), c.workspaceID, id)
}

func (a *API) listSegments(w http.ResponseWriter, r *http.Request, c *caller) error {
	list, err := a.Segments.List(r.Context(), c.workspaceID)
	if err != nil {
		return err
	}
	out := segmentList{Data: []segmentJSON{}}
	for i := range list {
		out.Data = append(out.Data, segmentOut(&list[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) createSegment(w http.ResponseWriter, r *http.Request, c *caller) error {
	var b segmentBody
	if _, err := readJSON(w, r, &b); err != nil {
		return err
	}
	g := &segment.Segment{WorkspaceID: c.workspaceID, Name: b.Name, Description: b.Description, Tree: b.Criteria, Columns: b.Columns}
	if err := a.Segments.Create(r.Context(), g); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, segmentOut(g))
	return nil
}

func (a *API) getSegment(w http.ResponseWriter, r *http.Request, c *caller) error {
	g, err := a.segmentOfPath(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, segmentOut(g))
	return nil
}

func (a *API) replaceSegment(w http.ResponseWriter, r *http.Request, c *caller) error {
	g, err := a.segmentOfPath(r, c)
	if err != nil {
		return err
	}
	var b segmentBody
	if _, err := readJSON(w, r, &b); err != nil {
		return err
	}
	g.Name, g.Description, g.Tree, g.Columns = b.Name, b.Description, b.Criteria, b.Columns
	if err := a.Segments.Update(r.Context(), g); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, segmentOut(g))
	return nil
}

func (a *API) deleteSegment(w http.ResponseWriter, r *http.Request, c *caller) error {
	g, err := a.segmentOfPath(r, c)
	if err != nil {
		return err
	}
	if err := a.Segments.Delete(r.Context(), c.workspaceID, g.PublicID); err != nil {
		return err
	}
	writeNoContent(w)
	return nil
}

func (a *API) countSegment(w http.ResponseWriter, r *http.Request, c *caller) error {
	var q segmentQuery
	if _, err := readJSON(w, r, &q); err != nil {
		return err
	}
	n, err := a.Segments.Count(r.Context(), c.workspaceID, q.Criteria)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, segmentCount{Count: n})
	return nil
}

func (a *API) writePeople(w http.ResponseWriter, r *http.Request, c *caller, segID string, tree segment.Node, cols []string, after string, limit int) error {
	if after != "" {
		id, ok := parseID(after)
		if !ok {
			return invalid("after", "is not a valid cursor")
		}
		after = id
	}
	if limit < 0 || limit > segment.MaxPage {
		return invalid("limit", fmt.Sprintf("must be between 1 and %d", segment.MaxPage))
	}
	page, err := a.Segments.People(r.Context(), c.workspaceID, tree, cols, after, limit, segID)
	if err != nil {
		return err
	}
	out := segmentPeople{Data: []segmentRow{}, Next: page.Next}
	for _, col := range page.Columns {
		out.Columns = append(out.Columns, col.Key)
	}
	for _, row := range page.Rows {
		vals := map[string]string{}
		for i, k := range out.Columns {
			vals[k] = row.Values[i]
		}
		out.Data = append(out.Data, segmentRow{ID: row.PublicID, Values: vals})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) querySegmentPeople(w http.ResponseWriter, r *http.Request, c *caller) error {
	var q segmentQuery
	if _, err := readJSON(w, r, &q); err != nil {
		return err
	}
	return a.writePeople(w, r, c, "", q.Criteria, q.Columns, q.After, q.Limit)
}

func (a *API) segmentPeople(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := queryParams(r, "after", "limit")
	if err != nil {
		return err
	}
	g, err := a.segmentOfPath(r, c)
	if err != nil {
		return err
	}
	var v errs.Validation
	l, err := queryLimit(q)
	if err != nil {
		return err
	}
	limit := checkLimit(&v, l, 50, segment.MaxPage)
	if err := v.Err(); err != nil {
		return err
	}
	return a.writePeople(w, r, c, g.PublicID, g.Tree, g.Columns, q.Get("after"), limit)
}

// exportSegment streams the segment's people in the format asked for.
func (a *API) exportSegment(w http.ResponseWriter, r *http.Request, c *caller) error {
	q, err := queryParams(r, "format", "bom", "sep")
	if err != nil {
		return err
	}
	g, err := a.segmentOfPath(r, c)
	if err != nil {
		return err
	}
	o := segment.ExportOptions{Format: q.Get("format"), BOM: q.Get("bom") == "true" || q.Get("bom") == "1", Semicolon: q.Get("sep") == "semicolon"}
	if o.Format == "" {
		o.Format = segment.FormatCSV
	}
	if o.Format != segment.FormatCSV && o.Format != segment.FormatXLSX && o.Format != segment.FormatJSONL {
		return invalid("format", "must be csv, xlsx or jsonl")
	}
	ctype, ext := segment.ContentType(o.Format)
	ew, err := segment.NewWriter(w, o)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="segment-%s.%s"`, g.PublicID[:8], ext))
	if _, err := a.Segments.Export(r.Context(), c.workspaceID, g.PublicID, g.Tree, g.Columns, ew); err != nil {
		// The status is sent: the body stops short and the audit entry
		// records the export as incomplete.
		a.logger().Error("export segment", "error", err)
	}
	return nil
}

func (a *API) startBulk(w http.ResponseWriter, r *http.Request, c *caller) error {
	g, err := a.segmentOfPath(r, c)
	if err != nil {
		return err
	}
	var b bulkBody
	if _, err := readJSON(w, r, &b); err != nil {
		return err
	}
	if b.Action == segment.ActDelete && !auth.Can(c.token.Role, false, auth.PermDelete) {
		return errs.Errorf(errs.Forbidden, "This token's role does not allow deleting people.")
	}
	job, err := a.Segments.StartJob(r.Context(), c.workspaceID, g, b.Action, segment.Params{Field: b.Field, Value: b.Value,
		Purpose: b.Purpose, Flag: b.Flag, Change: b.Change, Note: b.Note, SourceRef: b.SourceRef, LegalBasis: b.LegalBasis})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, jobOut(job))
	return nil
}

func (a *API) jobOfPath(r *http.Request, c *caller) (*segment.Job, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return nil, errJobNotFound
	}
	return a.Segments.Job(r.Context(), c.workspaceID, id)
}

func (a *API) getJob(w http.ResponseWriter, r *http.Request, c *caller) error {
	j, err := a.jobOfPath(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jobOut(j))
	return nil
}

func (a *API) cancelJob(w http.ResponseWriter, r *http.Request, c *caller) error {
	j, err := a.jobOfPath(r, c)
	if err != nil {
		return err
	}
	if err := a.Segments.CancelJob(r.Context(), c.workspaceID, j.PublicID); err != nil {
		return err
	}
	if j, err = a.Segments.Job(r.Context(), c.workspaceID, j.PublicID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jobOut(j))
	return nil
}
