package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/workspace"
)

// WorkspaceStore reads and writes workspaces.
type WorkspaceStore struct{ DB *DB }

// Create inserts a validated workspace; Conflict if the slug is taken.
func (s WorkspaceStore) Create(ctx context.Context, w *workspace.Workspace) error {
	if err := w.Validate(); err != nil {
		return err
	}
	w.PublicID, w.CreatedAt = uuid.NewString(), time.Now().UTC()
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO workspaces (public_id, slug, name, locale, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, w.PublicID, w.Slug, w.Name, w.Locale, w.CreatedAt.UnixMicro()).Scan(&w.ID)
		if err != nil {
			return err
		}
		return insertDefaultPurposes(ctx, tx, w.ID, w.CreatedAt)
	})
	if isUniqueViolation(err) {
		return &errs.Error{Code: errs.Conflict, Message: "A workspace with this slug already exists.",
			Fields: map[string]string{"slug": "is already used"}}
	}
	return err
}

// BySlug returns a workspace by slug.
func (s WorkspaceStore) BySlug(ctx context.Context, slug string) (*workspace.Workspace, error) {
	return s.one(ctx, `slug = $1`, slug)
}

// ByID returns a workspace by id.
func (s WorkspaceStore) ByID(ctx context.Context, id int64) (*workspace.Workspace, error) {
	return s.one(ctx, `id = $1`, id)
}

func (s WorkspaceStore) one(ctx context.Context, cond string, arg any) (*workspace.Workspace, error) {
	var w workspace.Workspace
	var created int64
	err := s.DB.QueryRow(ctx, `SELECT id, public_id, slug, name, locale, created_at FROM workspaces WHERE `+cond, arg).
		Scan(&w.ID, &w.PublicID, &w.Slug, &w.Name, &w.Locale, &created)
	if err != nil {
		return nil, notFound(err, "Workspace")
	}
	w.CreatedAt = time.UnixMicro(created).UTC()
	return &w, nil
}

// List returns every workspace by slug.
func (s WorkspaceStore) List(ctx context.Context) ([]workspace.Workspace, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, public_id, slug, name, locale, created_at FROM workspaces ORDER BY slug`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []workspace.Workspace
	for rows.Next() {
		var w workspace.Workspace
		var created int64
		if err := rows.Scan(&w.ID, &w.PublicID, &w.Slug, &w.Name, &w.Locale, &created); err != nil {
			return nil, err
		}
		w.CreatedAt = time.UnixMicro(created).UTC()
		out = append(out, w)
	}
	return out, rows.Err()
}

// Secret returns the installation secret of that name, creating a random
// 32-byte one the first time. Concurrent first calls from several processes
// agree: the insert keeps the first value.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	b := make([]byte, 32)
	rand.Read(b)
	_, err := db.Exec(ctx, `INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
		name, hex.EncodeToString(b), time.Now().UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("create secret: %w", err)
	}
	var v string
	if err := db.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&v); err != nil {
		if err == sql.ErrNoRows {
			return nil, fmt.Errorf("secret %s vanished", name)
		}
		return nil, err
	}
	return hex.DecodeString(v)
}

// SuppressionPolicy returns the workspace's policy (refuse by default).
func (s WorkspaceStore) SuppressionPolicy(ctx context.Context, id int64) (string, error) {
	var p string
	err := s.DB.QueryRow(ctx, `SELECT COALESCE(settings->>'suppression_policy', '') FROM workspaces WHERE id = $1`, id).Scan(&p)
	if p == "" {
		p = workspace.SuppressionRefuse
	}
	return p, err
}

// SetSuppressionPolicy changes the policy; Invalid for an unknown one.
func (s WorkspaceStore) SetSuppressionPolicy(ctx context.Context, id int64, policy string, e audit.Entry) error {
	if policy != workspace.SuppressionRefuse && policy != workspace.SuppressionFlag {
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"policy": "must be refuse or flag"}}
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if err := writeSetting(ctx, tx, id, "suppression_policy", policy); err != nil {
			return err
		}
		e.Detail = map[string]any{"suppression_policy": policy}
		return insertAudit(ctx, tx, e)
	})
}
