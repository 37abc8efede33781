package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/i18n"
	"github.com/registre/registre/internal/segment"
)

// The segment builder is one form: each criterion and group of the tree is
// a set of inputs named by its path ("r" for the root group, "r.0", "r.0.1"
// for its descendants). htmx posts the form to re-render the builder when
// its shape changes (a field, an operator, a group added or removed) and to
// refresh the count and the first page of results when a value changes.

type segNode struct {
	Path     string
	IsGroup  bool
	Group    string
	Children []segNode
	Depth    int
	Node     segment.Node
	Field    segment.Field
	Ops      []segment.Operator
	Value    segment.ValueKind
}

type segFieldGroup struct {
	Name   string
	Fields []segment.Field
}

type segPreview struct {
	Count int
	Error string
	Page  *segment.Page
	After string
}

type segmentData struct {
	Segment     *segment.Segment
	Name        string
	Description string
	Template    string
	Root        segNode
	Groups      []segFieldGroup
	Columns     []segment.Column
	Chosen      map[string]bool
	Preview     segPreview
	OOB         bool // the preview comes with the builder, out of band
	Units       []string
	// Bulk actions and export (saved segments only).
	Purposes   []consent.Purpose
	Flags      []consent.Flag
	Lifecycles []crm.Lifecycle
	Statuses   []crm.OrgStatus
	Settable   []string
	Custom     []segment.Column
}

type segmentsData struct {
	Segments  []segment.Segment
	Templates []segment.Template
	Jobs      []segment.Job
}

func (s *Server) listSegments(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	list, err := s.Segments.List(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	jobs, err := s.Segments.Jobs(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	v := s.newView(r, si, "Segments", "segments")
	v.Flash, v.Data = s.takeFlash(w, r), segmentsData{Segments: list, Templates: segment.Templates, Jobs: jobs}
	return s.render(w, r, http.StatusOK, "segments", v)
}

// parseTree reads the builder's inputs into a tree.
func parseTree(r *http.Request) segment.Node {
	form := r.PostForm
	return buildNode(form, "r", 0)
}

func buildNode(form map[string][]string, path string, depth int) segment.Node {
	get := func(k string) string {
		if v := form[path+"."+k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	if get("kind") != "crit" {
		n := segment.Node{Group: get("group")}
		if n.Group != segment.Or {
			n.Group = segment.And
		}
		if depth > segment.MaxDepth {
			return n
		}
		var idx []int
		prefix := path + "."
		for k := range form {
			rest, ok := strings.CutPrefix(k, prefix)
			if !ok || !strings.HasSuffix(rest, ".kind") {
				continue
			}
			if i, err := strconv.Atoi(strings.TrimSuffix(rest, ".kind")); err == nil && i >= 0 && i < 1000 {
				idx = append(idx, i)
			}
		}
		sort.Ints(idx)
		for _, i := range idx {
			n.Children = append(n.Children, buildNode(form, prefix+strconv.Itoa(i), depth+1))
		}
		return n
	}
	n := segment.Node{Field: get("field"), Op: get("op"), Value: get("value"), Unit: get("unit"), Subject: get("subject")}
	if prev := get("prev"); prev != "" && prev != n.Field {
		// Another field: its operator and value start afresh.
		n = segment.Node{Field: n.Field}
	}
	return n
}

// editTree applies a builder button: add a criterion or a group to a
// group, or remove a node.
func editTree(root segment.Node, edit string, cat *segment.Catalogue) segment.Node {
	verb, path, ok := strings.Cut(edit, ":")
	if !ok {
		return root
	}
	var apply func(n segment.Node, p string) (segment.Node, bool)
	apply = func(n segment.Node, p string) (segment.Node, bool) {
		if p == path {
			switch verb {
			case "add":
				return segment.Node{Group: n.Group, Children: append(n.Children, firstCriterion(cat))}, false
			case "group":
				g := segment.Node{Group: segment.Or, Children: []segment.Node{firstCriterion(cat)}}
				return segment.Node{Group: n.Group, Children: append(n.Children, g)}, false
			case "remove":
				return n, true
			}
			return n, false
		}
		if !n.IsGroup() {
			return n, false
		}
		out := segment.Node{Group: n.Group}
		for i, c := range n.Children {
			c2, drop := apply(c, p+"."+strconv.Itoa(i))
			if !drop {
				out.Children = append(out.Children, c2)
			}
		}
		return out, false
	}
	out, drop := apply(root, "r")
	if drop {
		return segment.All()
	}
	return out
}

func firstCriterion(*segment.Catalogue) segment.Node {
	return segment.Node{Field: "organisation.status", Op: "eq", Value: "customer"}
}

// fitNode keeps a criterion consistent after its field or operator
// changed: an operator that fits the field, a value that fits both.
func fitNode(n segment.Node, cat *segment.Catalogue) segment.Node {
	if n.IsGroup() {
		for i := range n.Children {
			n.Children[i] = fitNode(n.Children[i], cat)
		}
		return n
	}
	f, ok := cat.Field(n.Field)
	if !ok {
		f = cat.Fields()[0]
		n.Field = f.Key
	}
	op, ok := segment.OperatorOf(f.Type, n.Op)
	if !ok {
		op = segment.Operators[f.Type][0]
		n.Op = op.Key
	}
	switch op.Value {
	case segment.ValueNone:
		n.Value, n.Unit = "", ""
	case segment.ValueAmount:
		if n.Unit == "" {
			n.Unit = "days"
		}
	case segment.ValueText:
		if len(f.Options) > 0 && !contains(f.Options, n.Value) {
			n.Value = f.Options[0]
		}
	}
	if f.Type != segment.TypeActivity {
		n.Subject = ""
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func viewNode(n segment.Node, path string, depth int, cat *segment.Catalogue) segNode {
	v := segNode{Path: path, Depth: depth, Node: n, IsGroup: n.IsGroup(), Group: n.Group}
	if n.IsGroup() {
		for i, c := range n.Children {
			v.Children = append(v.Children, viewNode(c, path+"."+strconv.Itoa(i), depth+1, cat))
		}
		return v
	}
	v.Field, _ = cat.Field(n.Field)
	v.Ops = segment.Operators[v.Field.Type]
	if op, ok := segment.OperatorOf(v.Field.Type, n.Op); ok {
		v.Value = op.Value
	}
	return v
}

func fieldGroups(cat *segment.Catalogue) []segFieldGroup {
	var out []segFieldGroup
	for _, f := range cat.Fields() {
		if len(out) == 0 || out[len(out)-1].Name != f.Group {
			out = append(out, segFieldGroup{Name: f.Group})
		}
		out[len(out)-1].Fields = append(out[len(out)-1].Fields, f)
	}
	return out
}

// segmentPage builds the builder's data for a tree and renders a page or
// fragment.
func (s *Server) segmentData(r *http.Request, si *sessionInfo, seg *segment.Segment, tree segment.Node, columns []string, after string) (*segmentData, error) {
	cat, err := s.Segments.Catalogue(r.Context(), si.workspace.ID)
	if err != nil {
		return nil, err
	}
	tree = fitNode(tree, cat)
	d := &segmentData{Segment: seg, Root: viewNode(tree, "r", 0, cat), Groups: fieldGroups(cat), Columns: cat.Columns(),
		Chosen: map[string]bool{}, Units: segment.Units}
	columns = segment.ColumnsOr(columns)
	if cat.ValidateColumns(columns) != nil {
		columns = segment.DefaultColumns
	}
	for _, k := range columns {
		d.Chosen[k] = true
	}
	d.Preview = s.preview(r, si, seg, tree, columns, after)
	if seg != nil {
		d.Name, d.Description = seg.Name, seg.Description
		d.Purposes, d.Flags = cat.Purposes, consent.Flags
		d.Lifecycles, d.Statuses, d.Settable = crm.Lifecycles, crm.OrgStatuses, segment.SettableFields
		for _, c := range cat.Columns() {
			if c.Source == segment.SrcPersonCustom {
				d.Custom = append(d.Custom, c)
			}
		}
	}
	return d, nil
}

func (s *Server) preview(r *http.Request, si *sessionInfo, seg *segment.Segment, tree segment.Node, columns []string, after string) segPreview {
	var p segPreview
	n, err := s.Segments.Count(r.Context(), si.workspace.ID, tree)
	if err != nil {
		if m, ok := asUserError(err); ok {
			p.Error = m
			if e, isErr := errs.As(err); isErr && len(e.Fields) > 0 {
				for _, v := range e.Fields {
					p.Error = v
				}
			}
			return p
		}
		p.Error = "Internal error"
		return p
	}
	p.Count = n
	id := ""
	if seg != nil {
		id = seg.PublicID
	}
	page, err := s.Segments.People(r.Context(), si.workspace.ID, tree, columns, after, 25, id)
	if err == nil {
		p.Page = page
	}
	p.After = after
	return p
}

func chosenColumns(r *http.Request) []string {
	cols := r.PostForm["col"]
	if len(cols) > segment.MaxColumns {
		cols = cols[:segment.MaxColumns]
	}
	return cols
}

func (s *Server) newSegment(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	tree := segment.Node{Group: segment.And, Children: []segment.Node{{Field: "organisation.status", Op: "eq", Value: "customer"}}}
	name := ""
	tkey := r.URL.Query().Get("template")
	if t, ok := segment.TemplateByKey(tkey); ok {
		tree, name = t.Tree, t.Name
	}
	d, err := s.segmentData(r, si, nil, tree, nil, "")
	if err != nil {
		return err
	}
	if name != "" {
		d.Name, d.Template = i18n.T(langOf(r, si), name), tkey
	}
	view := s.newView(r, si, "New segment", "segments")
	view.Data = d
	return s.render(w, r, http.StatusOK, "segment", view)
}

func (s *Server) showSegment(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	seg, err := s.Segments.Get(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := s.segmentData(r, si, seg, seg.Tree, seg.Columns, "")
	if err != nil {
		return err
	}
	view := s.newView(r, si, "Segment", "segments")
	view.Flash, view.Data = s.takeFlash(w, r), d
	return s.render(w, r, http.StatusOK, "segment", view)
}

// builderFragment re-renders the builder after a change of shape.
func (s *Server) builderFragment(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	cat, err := s.Segments.Catalogue(r.Context(), si.workspace.ID)
	if err != nil {
		return err
	}
	tree := editTree(parseTree(r), r.PostFormValue("edit"), cat)
	d, err := s.segmentData(r, si, nil, tree, chosenColumns(r), "")
	if err != nil {
		return err
	}
	d.OOB = true
	view := s.newView(r, si, "Segment", "segments")
	view.Data = d
	return s.render(w, r, http.StatusOK, "segment_builder", view)
}

// previewFragment refreshes the count and the results.
func (s *Server) previewFragment(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	cols := chosenColumns(r)
	d := &segmentData{Preview: s.preview(r, si, nil, parseTree(r), segment.ColumnsOr(cols), r.PostFormValue("after"))}
	view := s.newView(r, si, "Segment", "segments")
	view.Data = d
	return s.render(w, r, http.StatusOK, "segment_preview", view)
}

func (s *Server) saveSegment(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	seg := &segment.Segment{WorkspaceID: si.workspace.ID, Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
		Tree: parseTree(r), Columns: chosenColumns(r)}
	id := r.PathValue("id")
	var err error
	if id == "" {
		err = s.Segments.Create(r.Context(), seg)
	} else {
		seg.PublicID = id
		err = s.Segments.Update(r.Context(), seg)
	}
	if e, ok := errs.As(err); ok && e.Code == errs.Invalid {
		var old *segment.Segment
		if id != "" {
			old = seg
		}
		d, derr := s.segmentData(r, si, old, seg.Tree, seg.Columns, "")
		if derr != nil {
			return derr
		}
		d.Name, d.Description = seg.Name, seg.Description
		view := s.newView(r, si, "Segment", "segments")
		view.Data, view.Errors, view.Error = d, e.Fields, e.Message
		return s.render(w, r, http.StatusUnprocessableEntity, "segment", view)
	}
	if err != nil {
		return err
	}
	s.setFlash(w, "Segment saved.")
	http.Redirect(w, r, "/segments/"+seg.PublicID, http.StatusSeeOther)
	return nil
}

func (s *Server) deleteSegment(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	if err := s.Segments.Delete(r.Context(), si.workspace.ID, r.PathValue("id")); err != nil {
		return err
	}
	s.setFlash(w, "Segment deleted.")
	http.Redirect(w, r, "/segments", http.StatusSeeOther)
	return nil
}

// bulkParams reads the bulk action form.
func bulkParams(r *http.Request) (segment.Action, segment.Params) {
	f := r.PostFormValue
	a := segment.Action(f("action"))
	p := segment.Params{Note: f("note"), SourceRef: f("source_ref"), LegalBasis: consent.LegalBasis(f("legal_basis"))}
	switch a {
	case segment.ActSetField:
		p.Field, p.Value = f("field"), f("value")
	case segment.ActSetLifecycle:
		p.Value = f("lifecycle")
	case segment.ActSetStatus:
		p.Value = f("status")
	case segment.ActConsent:
		if c, ok := parseChange(f("change")); ok {
			p.Purpose, p.Flag, p.Change = c.Purpose, c.Flag, c.Action
		}
	}
	return a, p
}

type bulkConfirmData struct {
	Segment *segment.Segment
	Action  segment.Action
	Params  segment.Params
	Count   int
	Form    map[string]string
}

// bulkSegment shows the confirmation (with the count) and, once
// confirmed, queues the job and shows its progress.
func (s *Server) bulkSegment(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	seg, err := s.Segments.Get(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	a, p := bulkParams(r)
	if a == segment.ActDelete && !auth.Can(si.member.Role, si.member.IsDPO, auth.PermDelete) {
		return errs.Errorf(errs.Forbidden, "Your role does not allow this.")
	}
	err = s.Segments.CheckJob(r.Context(), si.workspace.ID, seg, a, p)
	if r.PostFormValue("confirm") != "yes" && err == nil {
		n, err := s.Segments.Count(r.Context(), si.workspace.ID, seg.Tree)
		if err != nil {
			return err
		}
		form := map[string]string{}
		for _, k := range []string{"action", "field", "value", "lifecycle", "status", "change", "note", "source_ref", "legal_basis"} {
			form[k] = r.PostFormValue(k)
		}
		view := s.newView(r, si, "Confirm the bulk action", "segments")
		view.Data = bulkConfirmData{Segment: seg, Action: a, Params: p, Count: n, Form: form}
		return s.render(w, r, http.StatusOK, "segment_bulk", view)
	}
	var job *segment.Job
	if err == nil {
		job, err = s.Segments.StartJob(r.Context(), si.workspace.ID, seg, a, p)
	}
	if m, ok := asUserError(err); ok {
		if e, isErr := errs.As(err); isErr {
			for _, fm := range e.Fields {
				m = fm
			}
		}
		s.setFlash(w, "!"+m)
		http.Redirect(w, r, "/segments/"+seg.PublicID+"#bulk", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/bulk-jobs/"+job.PublicID, http.StatusSeeOther)
	return nil
}

func (s *Server) showJob(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	job, err := s.Segments.Job(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	view := s.newView(r, si, "Bulk action", "segments")
	view.Flash, view.Data = s.takeFlash(w, r), job
	page := "segment_job"
	if r.Header.Get("HX-Request") == "true" {
		page = "segment_job_progress"
	}
	return s.render(w, r, http.StatusOK, page, view)
}

func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	id := r.PathValue("id")
	err := s.Segments.CancelJob(r.Context(), si.workspace.ID, id)
	if m, ok := asUserError(err); ok {
		s.setFlash(w, "!"+m)
	} else if err != nil {
		return err
	} else {
		s.setFlash(w, "The job stops after its current batch.")
	}
	http.Redirect(w, r, "/bulk-jobs/"+id, http.StatusSeeOther)
	return nil
}

// exportSegment streams the segment's people as a download.
func (s *Server) exportSegment(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	seg, err := s.Segments.Get(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	o := segment.ExportOptions{Format: q.Get("format"), BOM: q.Get("bom") == "1", Semicolon: q.Get("sep") == "semicolon"}
	if o.Format == "" {
		o.Format = segment.FormatCSV
	}
	ctype, ext := segment.ContentType(o.Format)
	ew, err := segment.NewWriter(w, o)
	if err != nil {
		return errs.Errorf(errs.Invalid, "Choose CSV, XLSX or JSON Lines.")
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="segment-%s.%s"`, seg.PublicID[:8], ext))
	_, err = s.Segments.Export(r.Context(), si.workspace.ID, seg.PublicID, seg.Tree, seg.Columns, ew)
	if err != nil && s.Logger != nil {
		// Headers are gone: the download stops short, and the audit entry
		// says the export was incomplete.
		s.Logger.Error("export segment", "error", err)
	}
	return nil
}
