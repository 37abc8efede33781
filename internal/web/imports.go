package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/importer"
)

// ImportStore reads imports and saved mappings.
type ImportStore interface {
	Import(ctx context.Context, workspaceID int64, publicID string) (*importer.Import, error)
	Imports(ctx context.Context, workspaceID int64, limit int) ([]importer.Import, error)
	Mappings(ctx context.Context, workspaceID int64) ([]importer.SavedMapping, error)
}

// DefaultImportMaxBytes is the largest file an import accepts by default
// (a million rows of a typical CRM export is about 150 MB).
const DefaultImportMaxBytes = 512 << 20

func (s *Server) importMaxBytes() int64 {
	if s.ImportMaxBytes > 0 {
		return s.ImportMaxBytes
	}
	return DefaultImportMaxBytes
}

type importsData struct {
	Imports  []importer.Import
	MaxBytes int64
}

// importsPage shows the upload form and the latest imports.
func (s *Server) importsPage(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	v, err := s.importsView(r, si)
	if err != nil {
		return err
	}
	v.Flash = s.takeFlash(w, r)
	return s.render(w, r, http.StatusOK, "imports", v)
}

func (s *Server) importsView(r *http.Request, si *sessionInfo) (*view, error) {
	list, err := s.ImportList.Imports(r.Context(), si.workspace.ID, 20)
	if err != nil {
		return nil, err
	}
	v := s.newView(r, si, "Import people", "imports")
	v.Data = importsData{Imports: list, MaxBytes: s.importMaxBytes() >> 20}
	return v, nil
}

// uploadImport stores the uploaded file under an opaque token and opens
// the mapping screen. The file is checked (format, encoding, header)
// before anything else happens.
func (s *Server) uploadImport(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	token, err := s.storeUpload(r, si)
	if err != nil {
		v, verr := s.importsView(r, si)
		if verr != nil {
			return verr
		}
		return s.formError(w, r, si, "imports", v, err)
	}
	http.Redirect(w, r, "/import-files/"+token, http.StatusSeeOther)
	return nil
}

func fileProblem(msg string) error {
	return &errs.Error{Code: errs.Invalid, Message: "The file cannot be imported.", Fields: map[string]string{"file": msg}}
}

func (s *Server) storeUpload(r *http.Request, si *sessionInfo) (string, error) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", fileProblem(fmt.Sprintf("is larger than %d MB", s.importMaxBytes()>>20))
		}
		return "", fileProblem("choose a CSV or XLSX file")
	}
	defer file.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(file, head)
	format := importer.FormatOf(hdr.Filename, head[:n])
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	if err := os.MkdirAll(s.ImportDir, 0o700); err != nil {
		return "", fmt.Errorf("import folder: %w", err)
	}
	path := s.uploadPath(si.workspace.ID, token, format)
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", fmt.Errorf("store upload: %w", err)
	}
	if _, err := io.Copy(dst, file); err != nil {
		dst.Close()
		os.Remove(path)
		return "", fmt.Errorf("store upload: %w", err)
	}
	if err := dst.Close(); err != nil {
		return "", err
	}
	src, err := importer.OpenFile(path, format, importer.CSVOptions{})
	if err != nil {
		os.Remove(path)
		var fe *importer.FileError
		if errors.As(err, &fe) {
			return "", fileProblem(fe.Error())
		}
		return "", err
	}
	src.Close()
	return token, nil
}

// uploadPath names an uploaded file by workspace and token: a token is
// found only in the workspace that uploaded it.
func (s *Server) uploadPath(ws int64, token string, f importer.Format) string {
	return filepath.Join(s.ImportDir, strconv.FormatInt(ws, 10)+"-"+token+"."+string(f))
}

// findUpload returns the path and format of an uploaded file, or NotFound.
func (s *Server) findUpload(ws int64, token string) (string, importer.Format, error) {
	if len(token) != 32 || strings.Trim(token, "0123456789abcdef") != "" {
		return "", "", errs.Errorf(errs.NotFound, "This upload is not available any more: upload the file again.")
	}
	for _, f := range []importer.Format{importer.CSV, importer.XLSX} {
		p := s.uploadPath(ws, token, f)
		if _, err := os.Stat(p); err == nil {
			return p, f, nil
		}
	}
	return "", "", errs.Errorf(errs.NotFound, "This upload is not available any more: upload the file again.")
}

// importColumn is one column of the mapping screen.
type importColumn struct {
	Index  int
	Header string
	Target string
}

// targetChoice is one option of a column's select.
type targetChoice struct {
	Value, Label, Group string
}

type mappingData struct {
	Token         string
	Format        importer.Format
	Encoding      string
	Separator     string
	SeparatorName string // comma, semicolon, tab: as the form sends it
	Columns       []importColumn
	Targets       []targetChoice
	Origins       []crm.Origin
	Bases         []consent.LegalBasis
	Purposes      []consent.Purpose
	Opt           importer.Options
	Chosen        map[string]bool
	Mappings      []importer.SavedMapping
	Mapping       string
	SaveAs        string
	Dedupes       []importer.Dedupe
	Encodings     []importer.Encoding
	Recognised    int
	HasSuggestion bool
}

// mappingView opens the upload with the chosen encoding and separator and
// fills the mapping screen: suggestions, or a saved mapping, or the form
// as posted.
func (s *Server) mappingView(r *http.Request, si *sessionInfo, token string, posted importer.Mapping) (*view, *importer.Import, error) {
	path, format, err := s.findUpload(si.workspace.ID, token)
	if err != nil {
		return nil, nil, err
	}
	if err := r.ParseForm(); err != nil {
		return nil, nil, formParseError(err)
	}
	q := r.Form
	imp := &importer.Import{WorkspaceID: si.workspace.ID, FilePath: path, Format: format, FileName: "upload." + string(format),
		Encoding: importer.Encoding(q.Get("encoding")), Separator: separatorValue(q.Get("separator"))}
	src, err := importer.Opener(imp)()
	if err != nil {
		var fe *importer.FileError
		if errors.As(err, &fe) {
			return nil, nil, fileProblem(fe.Error())
		}
		return nil, nil, err
	}
	imp.Header = src.Header()
	if c, ok := src.(*importer.CSVSource); ok {
		imp.Encoding, imp.Separator = c.Encoding, string(c.Separator)
	}
	src.Close()
	ctx := r.Context()
	fields, err := s.Imports.Workspace.CustomFields(ctx, si.workspace.ID)
	if err != nil {
		return nil, nil, err
	}
	purposes, err := s.Imports.Workspace.Purposes(ctx, si.workspace.ID)
	if err != nil {
		return nil, nil, err
	}
	saved, err := s.ImportList.Mappings(ctx, si.workspace.ID)
	if err != nil {
		return nil, nil, err
	}
	d := mappingData{Token: token, Format: format, Encoding: string(imp.Encoding), Separator: imp.Separator,
		SeparatorName: map[string]string{",": "comma", ";": "semicolon", "\t": "tab"}[imp.Separator],
		Origins:       importer.ImportOrigins, Bases: consent.LegalBases, Mappings: saved, Mapping: q.Get("mapping"),
		Dedupes: importer.Dedupes, Encodings: importer.Encodings, Chosen: map[string]bool{}, SaveAs: q.Get("save_mapping")}
	for _, p := range purposes {
		if p.Kind != consent.Transactional {
			d.Purposes = append(d.Purposes, p)
		}
	}
	imp.Mapping = posted
	if imp.Mapping == nil {
		imp.Mapping = importer.Suggest(imp.Header, fields, purposes)
		for _, m := range saved {
			if m.Name == d.Mapping {
				imp.Mapping, d.Recognised = m.Apply(imp.Header)
			}
		}
	}
	for i, h := range imp.Header {
		d.Columns = append(d.Columns, importColumn{Index: i, Header: h, Target: imp.Mapping[i]})
		d.HasSuggestion = d.HasSuggestion || imp.Mapping[i] != ""
	}
	d.Targets = targetChoices(fields, purposes)
	d.Opt = importOptions(r)
	if d.Opt.Dedupe == "" {
		d.Opt.Dedupe = importer.DedupeSkip
	}
	for _, p := range d.Opt.Purposes {
		d.Chosen[p] = true
	}
	v := s.newView(r, si, "Map the columns", "imports")
	v.Data = d
	return v, imp, nil
}

func separatorValue(s string) string {
	switch s {
	case "comma":
		return ","
	case "semicolon":
		return ";"
	case "tab":
		return "\t"
	}
	return ""
}

func targetChoices(fields []crm.CustomField, purposes []consent.Purpose) []targetChoice {
	var out []targetChoice
	for _, t := range importer.StandardFields {
		out = append(out, targetChoice{Value: t, Label: "target." + t, Group: "Person"})
	}
	for _, f := range fields {
		if f.Entity == crm.EntityPerson {
			out = append(out, targetChoice{Value: "custom:" + f.Key, Label: f.Label, Group: "Custom fields"})
		}
	}
	for _, p := range purposes {
		if p.Kind != consent.Transactional {
			out = append(out, targetChoice{Value: "consent:" + p.Key, Label: p.LabelEN, Group: "Consent (needs a proof reference)"})
		}
	}
	for _, f := range importer.ImportableFlags {
		out = append(out, targetChoice{Value: "flag:" + string(f), Label: "flag." + string(f), Group: "Objections"})
	}
	return out
}

func importOptions(r *http.Request) importer.Options {
	f := r.Form
	return importer.Options{Origin: crm.Origin(f.Get("origin")), OriginDetail: f.Get("origin_detail"),
		LegalBasis: consent.LegalBasis(f.Get("legal_basis")), Purposes: f["purposes"], ProofRef: f.Get("proof_ref"),
		Audience: crm.Audience(f.Get("audience")), Dedupe: importer.Dedupe(f.Get("dedupe"))}
}

// mappingPage shows the mapping screen of an upload.
func (s *Server) mappingPage(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	v, _, err := s.mappingView(r, si, r.PathValue("token"), nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "import_mapping", v)
}

// startImport validates the mapping and the declared source, records the
// import and starts it in the background.
func (s *Server) startImport(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	token := r.PathValue("token")
	n, _ := strconv.Atoi(r.PostFormValue("columns"))
	posted := make(importer.Mapping, min(max(n, 0), importer.MaxColumns))
	for i := range posted {
		posted[i] = r.PostFormValue("col_" + strconv.Itoa(i))
	}
	v, imp, err := s.mappingView(r, si, token, posted)
	if err != nil {
		return err
	}
	imp.Options = importOptions(r)
	if len(posted) != len(imp.Header) {
		imp.Mapping = posted
	}
	if err := s.Imports.Prepare(r.Context(), imp); err != nil {
		return s.formError(w, r, si, "import_mapping", v, err)
	}
	if name := strings.TrimSpace(r.PostFormValue("save_mapping")); name != "" {
		if err := s.Imports.SaveMapping(r.Context(), si.workspace.ID, imp.Mapping.Save(name, imp.Header)); err != nil {
			return err
		}
	}
	s.ImportJobs.Start(r.Context(), imp)
	http.Redirect(w, r, "/imports/"+imp.PublicID, http.StatusSeeOther)
	return nil
}

// importPage shows an import: its progress while it runs, then its result.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	imp, err := s.ImportList.Import(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := s.newView(r, si, "Import", "imports")
	v.Data = imp
	page := "import_job"
	if r.Header.Get("HX-Request") == "true" {
		page = "import_progress"
	} else {
		v.Flash = s.takeFlash(w, r)
	}
	return s.render(w, r, http.StatusOK, page, v)
}

// importReport downloads the rows an import did not take: line, column,
// kind and reason (never the values). The download is audited.
func (s *Server) importReport(w http.ResponseWriter, r *http.Request, si *sessionInfo) error {
	imp, err := s.ImportList.Import(r.Context(), si.workspace.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	e := audit.NewEntry(r.Context(), si.workspace.ID, "import.report", "import", imp.PublicID, nil)
	if err := s.Audit.Record(r.Context(), e); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="import-report-`+imp.PublicID[:8]+`.csv"`)
	return importer.WriteReport(r.Context(), s.Imports.Store, imp, w)
}

// percent is an import's progress for the bar.
func percent(imp *importer.Import) int {
	if imp.Finished() {
		return 100
	}
	if imp.Total <= 0 {
		return 0
	}
	return int(min(100, imp.Counts.Rows*100/imp.Total))
}
