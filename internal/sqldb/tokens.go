package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/errs"
)

const tokenColumns = `id, public_id, workspace_id, name, prefix, role, created_by, created_at, last_used_at, expires_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*auth.Token, error) {
	var t auth.Token
	var createdBy, created, used, expires, revoked sql.NullInt64
	if err := row.Scan(&t.ID, &t.PublicID, &t.WorkspaceID, &t.Name, &t.Prefix, &t.Role, &createdBy,
		&created, &used, &expires, &revoked); err != nil {
		return nil, err
	}
	t.CreatedBy = createdBy.Int64
	t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt = fromMicros(created), fromMicros(used), fromMicros(expires), fromMicros(revoked)
	return &t, nil
}

// CreateToken stores a token by its secret's hash.
func (s AuthStore) CreateToken(ctx context.Context, t *auth.Token, hash string, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (public_id, workspace_id, name, prefix, token_hash, role, created_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, t.PublicID, t.WorkspaceID, t.Name, t.Prefix, hash,
			string(t.Role), nullID(t.CreatedBy), t.CreatedAt.UnixMicro(), micros(t.ExpiresAt)).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

// TokenByHash finds a token by its secret's hash.
func (s AuthStore) TokenByHash(ctx context.Context, hash string) (*auth.Token, error) {
	t, err := scanToken(s.DB.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash))
	return t, notFound(err, "Token")
}

// Tokens lists a workspace's tokens, newest first.
func (s AuthStore) Tokens(ctx context.Context, workspaceID int64) ([]auth.Token, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE workspace_id = $1 ORDER BY id DESC`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// RevokeToken marks a token revoked.
func (s AuthStore) RevokeToken(ctx context.Context, workspaceID int64, publicID string, at time.Time, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = $3 WHERE workspace_id = $1 AND public_id = $2 AND revoked_at IS NULL`,
			workspaceID, publicID, at.UnixMicro())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Errorf(errs.NotFound, "Token not found.")
		}
		return insertAudit(ctx, tx, e)
	})
}

// TouchToken records a token's last use.
func (s AuthStore) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := s.DB.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, id, at.UnixMicro())
	return err
}
