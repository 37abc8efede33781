package sqldb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// CustomFields returns a workspace's custom field definitions in order.
func (s CRMStore) CustomFields(ctx context.Context, workspaceID int64) ([]crm.CustomField, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, entity, key, label, kind, options, position, category, created_at
		FROM custom_fields WHERE workspace_id = $1 ORDER BY entity, position, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list custom fields: %w", err)
	}
	defer rows.Close()
	var out []crm.CustomField
	for rows.Next() {
		f := crm.CustomField{WorkspaceID: workspaceID}
		var options string
		var created int64
		if err := rows.Scan(&f.ID, &f.Entity, &f.Key, &f.Label, &f.Kind, &options, &f.Position, &f.Category, &created); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(options), &f.Options)
		f.CreatedAt = fromMicros(nullInt(created))
		out = append(out, f)
	}
	return out, rows.Err()
}

// CreateCustomField adds a field definition; Conflict if its key is taken.
func (s CRMStore) CreateCustomField(ctx context.Context, f *crm.CustomField, e audit.Entry) error {
	options, err := json.Marshal(f.Options)
	if err != nil {
		return err
	}
	if f.Options == nil {
		options = []byte("[]")
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO custom_fields (workspace_id, entity, key, label, kind, options, position, category, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, f.WorkspaceID, string(f.Entity), f.Key, f.Label,
			string(f.Kind), string(options), f.Position, f.Category, f.CreatedAt.UnixMicro()).Scan(&f.ID)
		if isUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Message: "A custom field with this key already exists.",
				Fields: map[string]string{"key": "is already used"}}
		}
		if err != nil {
			return fmt.Errorf("insert custom field: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

// DeleteCustomField removes a definition. Values already stored on people
// stay in their JSON until the record is next saved.
func (s CRMStore) DeleteCustomField(ctx context.Context, workspaceID, id int64, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM custom_fields WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
		if err != nil {
			return fmt.Errorf("delete custom field: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Errorf(errs.NotFound, "Custom field not found.")
		}
		return insertAudit(ctx, tx, e)
	})
}

// IsMember reports whether a user belongs to a workspace.
func (s CRMStore) IsMember(ctx context.Context, workspaceID, userID int64) (bool, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID).Scan(&n)
	return n > 0, err
}
