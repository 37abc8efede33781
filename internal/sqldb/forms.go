package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
)

// FormStore implements forms.Store.
type FormStore struct{ DB *DB }

var _ forms.Store = FormStore{}

const formColumns = `f.id, f.public_id, f.workspace_id, f.slug, f.name, f.draft, COALESCE(f.current_version_id, 0),
	COALESCE((SELECT number FROM form_versions v WHERE v.id = f.current_version_id), 0), f.created_at, f.updated_at, w.name`

func scanForm(row interface{ Scan(...any) error }) (*forms.Form, error) {
	var f forms.Form
	var draft string
	var created, updated int64
	if err := row.Scan(&f.ID, &f.PublicID, &f.WorkspaceID, &f.Slug, &f.Name, &draft, &f.CurrentVersionID,
		&f.CurrentVersion, &created, &updated, &f.WorkspaceName); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(draft), &f.Draft); err != nil {
		return nil, fmt.Errorf("read form draft: %w", err)
	}
	f.CreatedAt, f.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return &f, nil
}

// Forms lists a workspace's forms by name.
func (s FormStore) Forms(ctx context.Context, workspaceID int64) ([]forms.Form, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+formColumns+` FROM forms f JOIN workspaces w ON w.id = f.workspace_id
		WHERE f.workspace_id = $1 ORDER BY f.name, f.id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list forms: %w", err)
	}
	defer rows.Close()
	var out []forms.Form
	for rows.Next() {
		f, err := scanForm(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

// Form returns one form of the workspace.
func (s FormStore) Form(ctx context.Context, workspaceID int64, publicID string) (*forms.Form, error) {
	f, err := scanForm(s.DB.QueryRow(ctx, `SELECT `+formColumns+` FROM forms f JOIN workspaces w ON w.id = f.workspace_id
		WHERE f.workspace_id = $1 AND f.public_id = $2`, workspaceID, publicID))
	if err != nil {
		return nil, notFound(err, "Form")
	}
	return f, nil
}

// CreateForm inserts a form; Conflict when the slug is taken.
func (s FormStore) CreateForm(ctx context.Context, f *forms.Form, e audit.Entry) error {
	draft, err := json.Marshal(f.Draft)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO forms (public_id, workspace_id, slug, name, draft, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, f.PublicID, f.WorkspaceID, f.Slug, f.Name, string(draft),
			f.CreatedAt.UnixMicro()).Scan(&f.ID)
		if isUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Message: "Some fields are not valid.", Fields: map[string]string{"slug": "is already used by another form"}}
		}
		if err != nil {
			return fmt.Errorf("insert form: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

// SaveDraft replaces a form's name and draft.
func (s FormStore) SaveDraft(ctx context.Context, f *forms.Form, e audit.Entry) error {
	draft, err := json.Marshal(f.Draft)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE forms SET name = $3, draft = $4, updated_at = $5 WHERE workspace_id = $1 AND id = $2`,
			f.WorkspaceID, f.ID, f.Name, string(draft), f.UpdatedAt.UnixMicro())
		if err != nil {
			return fmt.Errorf("save form: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Errorf(errs.NotFound, "Form not found.")
		}
		return insertAudit(ctx, tx, e)
	})
}

// Publish stores the next version and makes it current.
func (s FormStore) Publish(ctx context.Context, v *forms.Version, e audit.Entry) error {
	def, err := json.Marshal(v.Definition)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		var locked int64
		if err := tx.QueryRow(ctx, `SELECT id FROM forms WHERE id = $1`+tx.dialect.forUpdate(), v.FormID).Scan(&locked); err != nil {
			return notFound(err, "Form")
		}
		err := tx.QueryRow(ctx, `INSERT INTO form_versions (public_id, form_id, workspace_id, number, definition, sha256, created_at, created_by)
			VALUES ($1, $2, $3, (SELECT COALESCE(MAX(number), 0) + 1 FROM form_versions WHERE form_id = $2), $4, $5, $6, $7)
			RETURNING id, number`, v.PublicID, v.FormID, v.WorkspaceID, string(def), v.SHA256, v.CreatedAt.UnixMicro(), v.CreatedBy).Scan(&v.ID, &v.Number)
		if err != nil {
			return fmt.Errorf("insert form version: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE forms SET current_version_id = $2 WHERE id = $1`, v.FormID, v.ID); err != nil {
			return fmt.Errorf("publish form: %w", err)
		}
		e.Detail = map[string]any{"version": v.Number}
		return insertAudit(ctx, tx, e)
	})
}

// Unpublish clears the form's current version (see forms.Store).
func (s FormStore) Unpublish(ctx context.Context, f *forms.Form, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE forms SET current_version_id = NULL WHERE id = $1 AND workspace_id = $2
			AND current_version_id IS NOT NULL`, f.ID, f.WorkspaceID)
		if err != nil {
			return fmt.Errorf("unpublish form: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Errorf(errs.Conflict, "This form is not published.")
		}
		return insertAudit(ctx, tx, e)
	})
}

const versionColumns = `v.id, v.public_id, v.form_id, v.workspace_id, v.number, v.definition, v.sha256, v.created_at, v.created_by`

func scanVersion(row interface{ Scan(...any) error }) (*forms.Version, error) {
	var v forms.Version
	var def string
	var created int64
	if err := row.Scan(&v.ID, &v.PublicID, &v.FormID, &v.WorkspaceID, &v.Number, &def, &v.SHA256, &created, &v.CreatedBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(def), &v.Definition); err != nil {
		return nil, fmt.Errorf("read form version: %w", err)
	}
	v.CreatedAt = time.UnixMicro(created).UTC()
	return &v, nil
}

// Version returns a version by id.
func (s FormStore) Version(ctx context.Context, id int64) (*forms.Version, error) {
	v, err := scanVersion(s.DB.QueryRow(ctx, `SELECT `+versionColumns+` FROM form_versions v WHERE v.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "Form version")
	}
	return v, nil
}

// Published returns the form at slug and its current version.
func (s FormStore) Published(ctx context.Context, slug string) (*forms.Form, *forms.Version, error) {
	f, err := scanForm(s.DB.QueryRow(ctx, `SELECT `+formColumns+` FROM forms f JOIN workspaces w ON w.id = f.workspace_id
		WHERE f.slug = $1 AND f.current_version_id IS NOT NULL`, slug))
	if err != nil {
		return nil, nil, notFound(err, "Form")
	}
	v, err := s.Version(ctx, f.CurrentVersionID)
	return f, v, err
}

// PublishedForm returns the form at slug when it is published.
func (s FormStore) PublishedForm(ctx context.Context, slug string) (*forms.Form, error) {
	f, err := scanForm(s.DB.QueryRow(ctx, `SELECT `+formColumns+` FROM forms f JOIN workspaces w ON w.id = f.workspace_id
		WHERE f.slug = $1 AND f.current_version_id IS NOT NULL`, slug))
	if err != nil {
		return nil, notFound(err, "Form")
	}
	return f, nil
}

// Settings returns the workspace's form settings, or the defaults.
func (s FormStore) Settings(ctx context.Context, workspaceID int64) (forms.Settings, error) {
	st := forms.DefaultSettings()
	var raw string
	err := s.DB.QueryRow(ctx, `SELECT settings FROM form_settings WHERE workspace_id = $1`, workspaceID).Scan(&raw)
	if err == sql.ErrNoRows {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read form settings: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return st, fmt.Errorf("read form settings: %w", err)
	}
	return st, nil
}

// SaveSettings stores the workspace's form settings.
func (s FormStore) SaveSettings(ctx context.Context, workspaceID int64, st forms.Settings, e audit.Entry) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO form_settings (workspace_id, settings, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (workspace_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
			workspaceID, string(raw), time.Now().UnixMicro()); err != nil {
			return fmt.Errorf("save form settings: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

// PersonSubmissions lists a person's submissions, newest first, with
// their values.
func (s FormStore) PersonSubmissions(ctx context.Context, workspaceID int64, personPublicID string) ([]forms.Submission, error) {
	rows, err := s.DB.Query(ctx, `SELECT s.id, s.public_id, p.public_id, f.public_id, f.name, v.number, s.at, s.page_url, s.status,
		x.field, x.label, x.value
		FROM form_submissions s JOIN people p ON p.id = s.person_id JOIN forms f ON f.id = s.form_id
		JOIN form_versions v ON v.id = s.version_id LEFT JOIN form_submission_values x ON x.submission_id = s.id
		WHERE p.workspace_id = $1 AND p.public_id = $2 ORDER BY s.at DESC, s.id DESC, x.field LIMIT 2000`, workspaceID, personPublicID)
	if err != nil {
		return nil, fmt.Errorf("read submissions: %w", err)
	}
	defer rows.Close()
	var out []forms.Submission
	last := int64(0)
	for rows.Next() {
		var id, at int64
		var sub forms.Submission
		var field, label, value sql.NullString
		if err := rows.Scan(&id, &sub.PublicID, &sub.PersonPublicID, &sub.FormPublicID, &sub.FormName, &sub.VersionNumber, &at, &sub.PageURL,
			&sub.Status, &field, &label, &value); err != nil {
			return nil, err
		}
		if id != last {
			sub.At = time.UnixMicro(at).UTC()
			out = append(out, sub)
			last = id
		}
		if field.Valid {
			cur := &out[len(out)-1]
			cur.Values = append(cur.Values, forms.Value{Field: field.String, Label: label.String, Value: value.String})
		}
	}
	return out, rows.Err()
}

func splitPurposes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
