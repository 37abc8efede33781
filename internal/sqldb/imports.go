package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/importer"
)

// ImportStore implements importer.Store.
type ImportStore struct{ DB *DB }

var _ importer.Store = ImportStore{}

// importMapping is how an import's header and mapping are stored.
type importMapping struct {
	Header  []string `json:"header"`
	Targets []string `json:"targets"`
}

// CreateImport records a pending import with its audit entry.
func (s ImportStore) CreateImport(ctx context.Context, imp *importer.Import, e audit.Entry) error {
	m, err := json.Marshal(importMapping{Header: imp.Header, Targets: imp.Mapping})
	if err != nil {
		return err
	}
	opt, err := json.Marshal(imp.Options)
	if err != nil {
		return err
	}
	a := audit.ActorFrom(ctx)
	return s.DB.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO imports (public_id, workspace_id, status, file_name, file_path, format,
			encoding, separator, mapping, options, total_rows, created_by, actor_kind, actor_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			imp.PublicID, imp.WorkspaceID, string(imp.Status), imp.FileName, imp.FilePath, string(imp.Format),
			string(imp.Encoding), imp.Separator, string(m), string(opt), imp.Total, nullID(imp.CreatedBy),
			string(a.Kind), a.ID, imp.CreatedAt.UnixMicro(), imp.UpdatedAt.UnixMicro()).Scan(&imp.ID)
		if err != nil {
			return fmt.Errorf("insert import: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

const importColumns = `id, public_id, workspace_id, status, file_name, file_path, format, encoding, separator,
	mapping, options, total_rows, line, rows_done, created, updated, skipped, review, invalid, suppressed, events,
	error, cancel_requested, created_by, actor_kind, actor_id, created_at, updated_at, finished_at`

func scanImport(row interface{ Scan(...any) error }) (*importer.Import, error) {
	var imp importer.Import
	var mapping, opt, actorKind, actorID string
	var createdBy, created, updated, finished sql.NullInt64
	c := &imp.Counts
	err := row.Scan(&imp.ID, &imp.PublicID, &imp.WorkspaceID, &imp.Status, &imp.FileName, &imp.FilePath, &imp.Format,
		&imp.Encoding, &imp.Separator, &mapping, &opt, &imp.Total, &imp.Line, &c.Rows, &c.Created, &c.Updated,
		&c.Skipped, &c.Review, &c.Invalid, &c.Suppressed, &c.Events, &imp.Error, &imp.CancelRequested, &createdBy, &actorKind, &actorID,
		&created, &updated, &finished)
	if err != nil {
		return nil, err
	}
	var m importMapping
	if err := json.Unmarshal([]byte(mapping), &m); err != nil {
		return nil, fmt.Errorf("read import mapping: %w", err)
	}
	imp.Header, imp.Mapping = m.Header, m.Targets
	if err := json.Unmarshal([]byte(opt), &imp.Options); err != nil {
		return nil, fmt.Errorf("read import options: %w", err)
	}
	imp.CreatedBy = createdBy.Int64
	imp.Actor = audit.Actor{Kind: audit.ActorKind(actorKind), ID: actorID, UserID: createdBy.Int64}
	imp.CreatedAt, imp.UpdatedAt, imp.FinishedAt = fromMicros(created), fromMicros(updated), fromMicros(finished)
	return &imp, nil
}

// Import returns an import of the workspace, or NotFound.
func (s ImportStore) Import(ctx context.Context, workspaceID int64, publicID string) (*importer.Import, error) {
	imp, err := scanImport(s.DB.QueryRow(ctx, `SELECT `+importColumns+` FROM imports
		WHERE workspace_id = $1 AND public_id = $2`, workspaceID, publicID))
	if err != nil {
		return nil, notFound(err, "Import")
	}
	return imp, nil
}

// Imports returns the workspace's latest imports, newest first.
func (s ImportStore) Imports(ctx context.Context, workspaceID int64, limit int) ([]importer.Import, error) {
	return s.list(ctx, `WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, workspaceID, limit)
}

// Unfinished returns the imports of every workspace that were running or
// pending when the process stopped, oldest first, for resumption.
func (s ImportStore) Unfinished(ctx context.Context) ([]importer.Import, error) {
	return s.list(ctx, `WHERE status IN ('pending', 'running') AND file_path <> '' ORDER BY id`)
}

func (s ImportStore) list(ctx context.Context, where string, args ...any) ([]importer.Import, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+importColumns+` FROM imports `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	defer rows.Close()
	var out []importer.Import
	for rows.Next() {
		imp, err := scanImport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *imp)
	}
	return out, rows.Err()
}

// SetStatus records the import's status (and the total rows counted);
// with an entry, the audit entry goes in the same transaction.
func (s ImportStore) SetStatus(ctx context.Context, imp *importer.Import, st importer.Status, problem string, e *audit.Entry) error {
	now := time.Now().UTC()
	var finished any
	if st == importer.StatusDone || st == importer.StatusFailed || st == importer.StatusCancelled {
		finished = now.UnixMicro()
	}
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE imports SET status = $2, error = $3, total_rows = $4, updated_at = $5,
			finished_at = $6 WHERE id = $1`, imp.ID, string(st), problem, imp.Total, now.UnixMicro(), finished); err != nil {
			return fmt.Errorf("update import: %w", err)
		}
		if e != nil {
			return insertAudit(ctx, tx, *e)
		}
		return nil
	})
	if err == nil {
		imp.Status, imp.Error, imp.UpdatedAt = st, problem, now
		if finished != nil {
			imp.FinishedAt = now
		}
	}
	return err
}

// CancelImport asks a pending or running import to stop at its next batch
// (WriteBatch reads the flag), with the audit entry. Asking again changes
// nothing; Conflict when the import has finished.
func (s ImportStore) CancelImport(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) (*importer.Import, error) {
	var imp *importer.Import
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		var err error
		imp, err = scanImport(tx.QueryRow(ctx, `SELECT `+importColumns+` FROM imports
			WHERE workspace_id = $1 AND public_id = $2`+tx.dialect.forUpdate(), workspaceID, publicID))
		if err != nil {
			return notFound(err, "Import")
		}
		if imp.Finished() {
			return errs.Errorf(errs.Conflict, "The import has already finished.")
		}
		if imp.CancelRequested {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE imports SET cancel_requested = TRUE, updated_at = $2 WHERE id = $1`,
			imp.ID, time.Now().UnixMicro()); err != nil {
			return fmt.Errorf("cancel import: %w", err)
		}
		imp.CancelRequested = true
		return insertAudit(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	return imp, nil
}

// Record writes an audit entry.
func (s ImportStore) Record(ctx context.Context, e audit.Entry) error {
	return AuditStore(s).Record(ctx, e)
}

// Problems calls fn for each problem of an import in line order.
func (s ImportStore) Problems(ctx context.Context, importID int64, fn func(importer.Problem) error) error {
	rows, err := s.DB.Query(ctx, `SELECT line, col, kind, reason FROM import_problems WHERE import_id = $1
		ORDER BY line, id`, importID)
	if err != nil {
		return fmt.Errorf("read import problems: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p importer.Problem
		if err := rows.Scan(&p.Line, &p.Column, &p.Kind, &p.Reason); err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SaveMapping creates or replaces a workspace's named mapping.
func (s ImportStore) SaveMapping(ctx context.Context, workspaceID int64, m importer.SavedMapping, e audit.Entry) error {
	cols, err := json.Marshal(m.Columns)
	if err != nil {
		return err
	}
	now := time.Now().UnixMicro()
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO import_mappings (workspace_id, name, columns, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) ON CONFLICT (workspace_id, name)
			DO UPDATE SET columns = excluded.columns, updated_at = excluded.updated_at`,
			workspaceID, m.Name, string(cols), now); err != nil {
			return fmt.Errorf("save mapping: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

// Mappings lists a workspace's saved mappings by name.
func (s ImportStore) Mappings(ctx context.Context, workspaceID int64) ([]importer.SavedMapping, error) {
	rows, err := s.DB.Query(ctx, `SELECT name, columns FROM import_mappings WHERE workspace_id = $1 ORDER BY name`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list mappings: %w", err)
	}
	defer rows.Close()
	var out []importer.SavedMapping
	for rows.Next() {
		var m importer.SavedMapping
		var cols string
		if err := rows.Scan(&m.Name, &cols); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(cols), &m.Columns); err != nil {
			return nil, fmt.Errorf("read mapping: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Mapping returns one saved mapping by name, or NotFound.
func (s ImportStore) Mapping(ctx context.Context, workspaceID int64, name string) (*importer.SavedMapping, error) {
	all, err := s.Mappings(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if strings.EqualFold(all[i].Name, name) {
			return &all[i], nil
		}
	}
	return nil, errs.Errorf(errs.NotFound, "Mapping not found.")
}

// ImportWorkspace gives the importer a workspace's custom fields and
// purposes.
type ImportWorkspace struct{ DB *DB }

// CustomFields lists the workspace's custom fields.
func (s ImportWorkspace) CustomFields(ctx context.Context, workspaceID int64) ([]crm.CustomField, error) {
	return CRMStore(s).CustomFields(ctx, workspaceID)
}

// Purposes lists the workspace's purposes.
func (s ImportWorkspace) Purposes(ctx context.Context, workspaceID int64) ([]consent.Purpose, error) {
	return ConsentStore(s).Purposes(ctx, workspaceID)
}
