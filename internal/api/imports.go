package api

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/importer"
)

// importOptionsJSON is the "options" part of an import request.
type importOptionsJSON struct {
	Origin       string   `json:"origin"`
	OriginDetail string   `json:"origin_detail"`
	LegalBasis   string   `json:"legal_basis"`
	Purposes     []string `json:"purposes"`
	ProofRef     string   `json:"proof_ref"`
	Audience     string   `json:"audience"`
	Dedupe       string   `json:"dedupe"`
	Encoding     string   `json:"encoding"`
	Separator    string   `json:"separator"`
	Mapping      []string `json:"mapping"`
	SavedMapping string   `json:"saved_mapping"`
}

// importJSON is an import as the API shows it.
type importJSON struct {
	ID              string     `json:"id"`
	Status          string     `json:"status"`
	Format          string     `json:"format"`
	Origin          string     `json:"origin"`
	OriginDetail    string     `json:"origin_detail"`
	LegalBasis      string     `json:"legal_basis"`
	Dedupe          string     `json:"dedupe"`
	Columns         []string   `json:"columns"`
	Mapping         []string   `json:"mapping"`
	TotalRows       int64      `json:"total_rows"`
	Rows            int64      `json:"rows"`
	Created         int64      `json:"created"`
	Updated         int64      `json:"updated"`
	Skipped         int64      `json:"skipped"`
	Review          int64      `json:"review"`
	Invalid         int64      `json:"invalid"`
	Suppressed      int64      `json:"suppressed"`
	ConsentEvents   int64      `json:"consent_events"`
	Error           string     `json:"error,omitempty"`
	CancelRequested bool       `json:"cancel_requested"`
	CreatedAt       time.Time  `json:"created_at"`
	FinishedAt      *time.Time `json:"finished_at"`
}

func importToJSON(i *importer.Import) importJSON {
	c := i.Counts
	out := importJSON{ID: i.PublicID, Status: string(i.Status), Format: string(i.Format), Origin: string(i.Options.Origin),
		OriginDetail: i.Options.OriginDetail, LegalBasis: string(i.Options.LegalBasis), Dedupe: string(i.Options.Dedupe),
		Columns: i.Header, Mapping: i.Mapping, TotalRows: i.Total, Rows: c.Rows, Created: c.Created, Updated: c.Updated,
		Skipped: c.Skipped, Review: c.Review, Invalid: c.Invalid, Suppressed: c.Suppressed, ConsentEvents: c.Events,
		Error: i.Error, CancelRequested: i.CancelRequested, CreatedAt: i.CreatedAt}
	if !i.FinishedAt.IsZero() {
		out.FinishedAt = &i.FinishedAt
	}
	return out
}

// createImport takes a multipart request (file, options) and starts the
// import in the background: 202 with the import, to poll until it ends.
func (a *API) createImport(w http.ResponseWriter, r *http.Request, c *caller) error {
	if a.Imports == nil {
		return errs.Errorf(errs.Internal, "Imports are not available here.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, a.importMaxBytes())
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.Errorf(errs.TooLarge, "The file is too large.")
		}
		return withStatus(http.StatusBadRequest, errs.Errorf(errs.Invalid, "Send a multipart/form-data body with a file and options."))
	}
	defer r.MultipartForm.RemoveAll()
	var opt importOptionsJSON
	if err := decodeJSON([]byte(r.FormValue("options")), &opt); err != nil {
		return err
	}
	imp, err := a.storeImportFile(r, c)
	if err != nil {
		return err
	}
	if err := a.prepareImport(r, c, imp, opt); err != nil {
		os.Remove(imp.FilePath)
		return err
	}
	a.ImportJobs.Start(r.Context(), imp)
	writeJSON(w, http.StatusAccepted, importToJSON(imp))
	return nil
}

func fileInvalid(msg string) error {
	return &errs.Error{Code: errs.Invalid, Message: "The file cannot be imported.", Fields: map[string]string{"file": msg}}
}

// storeImportFile copies the uploaded file to the import folder.
func (a *API) storeImportFile(r *http.Request, c *caller) (*importer.Import, error) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, fileInvalid("send a CSV or XLSX file in the part named file")
	}
	defer file.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(file, head)
	format := importer.FormatOf(hdr.Filename, head[:n])
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(a.ImportDir, 0o700); err != nil {
		return nil, err
	}
	dst, err := os.CreateTemp(a.ImportDir, "api-*."+string(format))
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(dst, file); err != nil {
		dst.Close()
		os.Remove(dst.Name())
		return nil, err
	}
	if err := dst.Close(); err != nil {
		return nil, err
	}
	return &importer.Import{WorkspaceID: c.workspaceID, FilePath: dst.Name(), Format: format, FileName: "upload." + string(format)}, nil
}

// prepareImport reads the header, applies the mapping (given, saved or
// suggested) and records the import.
func (a *API) prepareImport(r *http.Request, c *caller, imp *importer.Import, opt importOptionsJSON) error {
	imp.Encoding = importer.Encoding(opt.Encoding)
	switch opt.Separator {
	case "", ",", ";", "\t":
		imp.Separator = opt.Separator
	default:
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"separator": "must be \",\", \";\" or a tab"}}
	}
	src, err := importer.Opener(imp)()
	if err != nil {
		var fe *importer.FileError
		if errors.As(err, &fe) {
			return fileInvalid(fe.Error())
		}
		return err
	}
	imp.Header = src.Header()
	src.Close()
	ctx := r.Context()
	switch {
	case opt.Mapping != nil:
		imp.Mapping = opt.Mapping
	case opt.SavedMapping != "":
		saved, err := a.Imports.Store.Mappings(ctx, c.workspaceID)
		if err != nil {
			return err
		}
		for _, m := range saved {
			if m.Name == opt.SavedMapping {
				imp.Mapping, _ = m.Apply(imp.Header)
			}
		}
		if imp.Mapping == nil {
			return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"saved_mapping": "no mapping of this name"}}
		}
	default:
		fields, err := a.Imports.Workspace.CustomFields(ctx, c.workspaceID)
		if err != nil {
			return err
		}
		purposes, err := a.Imports.Workspace.Purposes(ctx, c.workspaceID)
		if err != nil {
			return err
		}
		imp.Mapping = importer.Suggest(imp.Header, fields, purposes)
	}
	imp.Options = importer.Options{Origin: crm.Origin(opt.Origin), OriginDetail: opt.OriginDetail,
		LegalBasis: consent.LegalBasis(opt.LegalBasis), Purposes: opt.Purposes, ProofRef: opt.ProofRef,
		Audience: crm.Audience(opt.Audience), Dedupe: importer.Dedupe(opt.Dedupe)}
	return a.Imports.Prepare(ctx, imp)
}

// getImport returns an import's status and counts.
func (a *API) getImport(w http.ResponseWriter, r *http.Request, c *caller) error {
	imp, err := a.Imports.Store.Import(r.Context(), c.workspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, importToJSON(imp))
	return nil
}

// getImportReport returns the rows an import did not take, as CSV (line,
// column, kind, reason; never the values). Audited.
func (a *API) getImportReport(w http.ResponseWriter, r *http.Request, c *caller) error {
	imp, err := a.Imports.Store.Import(r.Context(), c.workspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := a.CRM.Audit.Record(r.Context(), audit.NewEntry(r.Context(), c.workspaceID, "import.report", "import", imp.PublicID, nil)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	return importer.WriteReport(r.Context(), a.Imports.Store, imp, w)
}

func (a *API) importMaxBytes() int64 {
	if a.ImportMaxBytes > 0 {
		return a.ImportMaxBytes
	}
	return 512 << 20
}
