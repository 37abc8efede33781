package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/i18n"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/workspace"
)

// reviewsData is the view model of an import's held rows.
type reviewsData struct {
	Import   *importer.Import
	Page     *importer.ReviewPage
	Rows     []reviewRow
	Resolved bool  // the tab of resolved rows
	After    int64 // this page's cursor, sent back by the forms
	NextURL  string
	FirstURL string
	// FlagPolicy: rows with an address on the suppression list are
	// applied with the person marked suppressed (else they are refused).
	FlagPolicy bool
}

// reviewRow is one held row beside the person it matched.
type reviewRow struct {
	importer.Review
	Fields []reviewField
}

// reviewField is one line of the side-by-side table: Label is a catalogue
// key (or a custom field's or purpose's own label); with Translate, the
// values are catalogue keys too.
type reviewField struct {
	Label, Current, File string
	Translate, Differs   bool
}

// importReviews lists an import's held rows, 20 a page in line order,
// each beside the person it matched. Reading them is audited.
func (s *Server) importReviews(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	ctx := r.Context()
	imp, err := s.ImportList.Import(ctx, si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := reviewsData{Import: imp, Resolved: q.Get("state") == "resolved"}
	d.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	if d.Page, err = s.Imports.Reviews(ctx, imp, importer.ReviewFilter{Resolved: d.Resolved, After: max(d.After, 0)}); err != nil {
		return err
	}
	policy, err := s.Workspaces.SuppressionPolicy(ctx, si.workspace.ID)
	if err != nil {
		return err
	}
	d.FlagPolicy = policy == workspace.SuppressionFlag
	v := s.newView(r, si, "Rows kept for review", "imports")
	labels, err := s.reviewLabels(r, si.workspace.ID, v.Lang)
	if err != nil {
		return err
	}
	for _, rv := range d.Page.Reviews {
		d.Rows = append(d.Rows, reviewRow{Review: rv, Fields: reviewFields(rv.Differences(), labels)})
	}
	base := "/imports/" + imp.PublicID + "/reviews"
	if d.Resolved {
		base += "?state=resolved"
	}
	if d.Page.Next > 0 {
		d.NextURL = withParam(base, "after", strconv.FormatInt(d.Page.Next, 10))
	}
	if d.After > 0 {
		d.FirstURL = base
	}
	v.Flash, v.Data = s.takeFlash(w, r), d
	return s.render(w, r, http.StatusOK, "import_reviews", v)
}

func withParam(u, k, v string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + k + "=" + url.QueryEscape(v)
}

// reviewLabels maps the fields of custom fields and purposes to their
// labels in lang.
func (s *Server) reviewLabels(r *http.Request, ws int64, lang i18n.Lang) (map[string]string, error) {
	out := map[string]string{}
	fields, err := s.Imports.Workspace.CustomFields(r.Context(), ws)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		out["custom:"+f.Key] = f.Label
	}
	purposes, err := s.Imports.Workspace.Purposes(r.Context(), ws)
	if err != nil {
		return nil, err
	}
	for _, p := range purposes {
		out["consent:"+p.Key] = p.LabelEN
		if lang == i18n.FR {
			out["consent:"+p.Key] = p.LabelFR
		}
	}
	return out, nil
}

func reviewFields(diffs []importer.Difference, labels map[string]string) []reviewField {
	out := make([]reviewField, 0, len(diffs))
	for _, d := range diffs {
		f := reviewField{Label: "target." + d.Field, Current: d.Current, File: d.File, Differs: d.Differs}
		switch kind, key, _ := strings.Cut(d.Field, ":"); kind {
		case "custom", "consent":
			f.Label = labels[d.Field]
			if f.Label == "" {
				f.Label = key
			}
			if kind == "consent" {
				f.Translate, f.Current, f.File = true, "consent."+or(d.Current, "none"), "consent."+d.File
			}
		case "flag":
			f.Label, f.Translate = "flag."+key, true
			f.Current, f.File = yesNo(d.Current != ""), yesNo(d.File != "")
		case importer.FieldLifecycle:
			f.Translate = true
		case importer.FieldAudience:
			f.Current, f.File = strings.ToUpper(d.Current), strings.ToUpper(d.File)
		}
		out = append(out, f)
	}
	return out
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// resolveReview applies the chosen resolution to one held row, then shows
// the same page of the list again.
func (s *Server) resolveReview(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	ctx := r.Context()
	imp, err := s.ImportList.Import(ctx, si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	line, err := strconv.ParseInt(r.PathValue("line"), 10, 64)
	if err != nil {
		return errs.Errorf(errs.NotFound, "Held row not found.")
	}
	res := importer.Resolution(r.PostFormValue("resolution"))
	_, changed, err := s.Imports.Resolve(ctx, imp, line, res)
	if m, ok := asUserError(err); ok {
		s.setFlash(w, "!"+m)
	} else if err != nil {
		return err
	} else if !changed {
		s.setFlash(w, "This row had already been resolved.")
	} else {
		s.setFlash(w, map[importer.Resolution]string{
			importer.ResolveUpdate:  "The person was updated with the file's values.",
			importer.ResolveCreate:  "The row was created as a separate person.",
			importer.ResolveDiscard: "The row was discarded.",
		}[res])
	}
	s.backToReviews(w, r, imp)
	return nil
}

// resolveRemaining applies update or discard to every row still waiting.
func (s *Server) resolveRemaining(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	ctx := r.Context()
	imp, err := s.ImportList.Import(ctx, si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	res, err := s.Imports.ResolveRemaining(ctx, imp, importer.Resolution(r.PostFormValue("resolution")))
	if m, ok := asUserError(err); ok {
		s.setFlash(w, "!"+m)
	} else if err != nil {
		return err
	} else if res.Refused > 0 {
		s.setFlash(w, "!Some rows were left waiting: an address of theirs is on the suppression list. They can only be discarded.")
	} else {
		s.setFlash(w, "The remaining rows were resolved.")
	}
	s.backToReviews(w, r, imp)
	return nil
}

func (s *Server) backToReviews(w http.ResponseWriter, r *http.Request, imp *importer.Import) {
	to := "/imports/" + imp.PublicID + "/reviews"
	if after, err := strconv.ParseInt(r.PostFormValue("after"), 10, 64); err == nil && after > 0 {
		to = withParam(to, "after", strconv.FormatInt(after, 10))
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// cancelImport asks a running import to stop after its current batch.
func (s *Server) cancelImport(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	id := r.PathValue("id")
	_, err := s.Imports.Cancel(r.Context(), si.workspace.ID, id)
	if m, ok := asUserError(err); ok {
		s.setFlash(w, "!"+m)
	} else if err != nil {
		return err
	} else {
		s.setFlash(w, "The import stops after its current batch; the rows already imported stay.")
	}
	http.Redirect(w, r, "/imports/"+id, http.StatusSeeOther)
	return nil
}
