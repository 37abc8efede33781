package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
)

// Service starts and runs imports; the CLI, the web interface and the API
// call it.
type Service struct {
	Store     Store
	Workspace Workspace
	// BatchRows is how many rows a transaction writes (BatchRows when
	// zero; tests make it small).
	BatchRows int
}

// Prepare validates an import's mapping and options against the
// workspace and records it as pending, with an audit entry (origin and
// legal basis, never the file's content). It returns Invalid naming the
// fields.
func (s *Service) Prepare(ctx context.Context, imp *Import) error {
	purposes, err := s.Workspace.Purposes(ctx, imp.WorkspaceID)
	if err != nil {
		return err
	}
	if len(imp.Mapping) != len(imp.Header) {
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"mapping": "give a target (or none) for each column of the file"}}
	}
	if err := imp.Options.Validate(imp.Mapping, purposes); err != nil {
		return err
	}
	if imp.Options.CollectedAt.IsZero() {
		imp.Options.CollectedAt = Now()
	}
	imp.PublicID, imp.Status = uuid.NewString(), StatusPending
	imp.CreatedAt, imp.UpdatedAt = Now(), Now()
	a := audit.ActorFrom(ctx)
	if a.Kind == audit.ActorUser {
		imp.CreatedBy = a.UserID
	}
	e := audit.NewEntry(ctx, imp.WorkspaceID, "import.create", "import", imp.PublicID, map[string]any{
		"origin": string(imp.Options.Origin), "legal_basis": string(imp.Options.LegalBasis),
		"format": string(imp.Format), "dedupe": string(imp.Options.Dedupe)})
	return s.Store.CreateImport(ctx, imp, e)
}

// Execute runs a prepared (or interrupted) import to its end: it opens
// the file, counts its rows (a broken file stops here, before anything is
// written), writes the rows after the checkpoint, and records the outcome
// with an audit entry holding the counts. A cancelled context leaves the
// import resumable.
func (s *Service) Execute(ctx context.Context, imp *Import, open func() (Source, error), progress Progress) error {
	if imp.CancelRequested {
		return s.cancelled(ctx, imp) // asked to stop before a restart: not resumed
	}
	fields, err := s.Workspace.CustomFields(ctx, imp.WorkspaceID)
	if err != nil {
		return err
	}
	if imp.Total == 0 {
		src, err := open()
		if err != nil {
			return s.fail(ctx, imp, err)
		}
		imp.Total, err = Count(ctx, src)
		src.Close()
		if err != nil {
			return s.fail(ctx, imp, err)
		}
	}
	if err := s.Store.SetStatus(ctx, imp, StatusRunning, "", nil); err != nil {
		return err
	}
	src, err := open()
	if err != nil {
		return s.fail(ctx, imp, err)
	}
	defer src.Close()
	if l, ok := s.Store.(Loader); ok {
		done, err := l.PrepareLoad(ctx, imp.Total-imp.Counts.Rows)
		if err != nil {
			return s.fail(ctx, imp, err)
		}
		defer done()
	}
	parser := NewParser(src.Header(), imp.Mapping, imp.Options, fields, Now())
	defer raiseGCTarget()()
	err = Run(ctx, s.Store, imp, src, parser, s.BatchRows, progress)
	if ctx.Err() != nil {
		return ctx.Err() // left running: resumable
	}
	if errors.Is(err, ErrCancelled) {
		return s.cancelled(ctx, imp)
	}
	if err != nil {
		return s.fail(ctx, imp, err)
	}
	e := audit.NewEntry(ctx, imp.WorkspaceID, "import.finish", "import", imp.PublicID, s.detail(imp))
	return s.Store.SetStatus(ctx, imp, StatusDone, "", &e)
}

// Abandon records that an import interrupted before its end will not be
// carried on: the command line's, whose file the server does not keep, so
// that it does not stay "running" for ever. As for a cancellation, what was
// written stays and the counts say how much.
func (s *Service) Abandon(ctx context.Context, imp *Import) error {
	if imp.Finished() {
		return nil
	}
	return s.cancelled(ctx, imp)
}

// cancelled records that an import stopped at a batch boundary because
// someone asked: what was written stays, and the counts say how much.
func (s *Service) cancelled(ctx context.Context, imp *Import) error {
	e := audit.NewEntry(ctx, imp.WorkspaceID, "import.cancelled", "import", imp.PublicID, s.detail(imp))
	return s.Store.SetStatus(context.WithoutCancel(ctx), imp, StatusCancelled, "", &e)
}

func (s *Service) detail(imp *Import) map[string]any {
	c := imp.Counts
	return map[string]any{"origin": string(imp.Options.Origin), "legal_basis": string(imp.Options.LegalBasis),
		"rows": c.Rows, "created": c.Created, "updated": c.Updated, "skipped": c.Skipped, "review": c.Review,
		"invalid": c.Invalid, "suppressed": c.Suppressed, "consent_events": c.Events}
}

// fail records a failed import: a *FileError's message is shown to the
// user (it names a line and a column, never a value); other errors are
// returned as they are, and the import says "internal error".
func (s *Service) fail(ctx context.Context, imp *Import, cause error) error {
	if ctx.Err() != nil {
		// Stopped (a shutdown): left running, resumable; a cause that
		// remains will fail the resumed run.
		return cause
	}
	msg := "Internal error."
	var fe *FileError
	if errors.As(cause, &fe) {
		msg = fe.Error()
		cause = fe.AsError()
	}
	e := audit.NewEntry(ctx, imp.WorkspaceID, "import.fail", "import", imp.PublicID, s.detail(imp))
	if err := s.Store.SetStatus(context.WithoutCancel(ctx), imp, StatusFailed, msg, &e); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

// OpenFile opens a stored file as a Source.
func OpenFile(path string, format Format, opt CSVOptions) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Reason: "the uploaded file is no longer available"}
	}
	if format == XLSX {
		defer f.Close()
		return OpenXLSX(f)
	}
	src, err := OpenCSV(f, opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	return src, nil
}

// FormatOf guesses a file's format from its name and first bytes (an XLSX
// workbook is a ZIP archive).
func FormatOf(name string, head []byte) Format {
	if strings.HasPrefix(string(head), "PK\x03\x04") || strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return XLSX
	}
	return CSV
}

// WriteReport writes an import's problems as CSV (UTF-8 with a byte order
// mark and semicolons, so that Excel opens it as is): line, column, kind,
// reason.
func WriteReport(ctx context.Context, st Store, imp *Import, w io.Writer) error {
	if _, err := w.Write(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write([]string{"line", "column", "kind", "reason"}); err != nil {
		return err
	}
	err := st.Problems(ctx, imp.ID, func(p Problem) error {
		return cw.Write([]string{strconv.FormatInt(p.Line, 10), p.Column, p.Kind, p.Reason})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// SaveMapping keeps a mapping for reuse under its name; Invalid for an
// empty or overlong name or an empty mapping.
func (s *Service) SaveMapping(ctx context.Context, workspaceID int64, m SavedMapping) error {
	var v errs.Validation
	if m.Name == "" || len(m.Name) > 100 {
		v.Add("mapping_name", "give the mapping a name (at most 100 characters)")
	}
	if len(m.Columns) == 0 {
		v.Add("mapping", "map at least one column")
	}
	if err := v.Err(); err != nil {
		return err
	}
	e := audit.NewEntry(ctx, workspaceID, "import.mapping.save", "import_mapping", "", map[string]any{"columns": len(m.Columns)})
	return s.Store.SaveMapping(ctx, workspaceID, m, e)
}
