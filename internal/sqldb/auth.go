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

// AuthStore implements auth.Store.
type AuthStore struct{ DB *DB }

var _ auth.Store = AuthStore{}

const userColumns = `id, public_id, email, name, locale, created_at, disabled_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (*auth.User, error) {
	var u auth.User
	var created, disabled sql.NullInt64
	dest := append([]any{&u.ID, &u.PublicID, &u.Email, &u.Name, &u.Locale, &created, &disabled}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.CreatedAt, u.DisabledAt = fromMicros(created), fromMicros(disabled)
	return &u, nil
}

// CreateUser inserts a user; Conflict if the email is taken.
func (s AuthStore) CreateUser(ctx context.Context, u *auth.User, emailNorm, hash string) error {
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO users (public_id, email, email_norm, name, password_hash, locale, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			u.PublicID, u.Email, emailNorm, u.Name, hash, u.Locale, u.CreatedAt.UnixMicro()).Scan(&u.ID)
	})
	if isUniqueViolation(err) {
		return &errs.Error{Code: errs.Conflict, Message: "A user with this email already exists.",
			Fields: map[string]string{"email": "is already used by another user"}}
	}
	return err
}

// UserByEmail returns a user and their password hash.
func (s AuthStore) UserByEmail(ctx context.Context, emailNorm string) (*auth.User, string, error) {
	var hash string
	u, err := scanUser(s.DB.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email_norm = $1`, emailNorm), &hash)
	if err != nil {
		return nil, "", notFound(err, "User")
	}
	return u, hash, nil
}

// UserByID returns a user.
func (s AuthStore) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	u, err := scanUser(s.DB.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, notFound(err, "User")
}

// SetUserLocale changes a user's language.
func (s AuthStore) SetUserLocale(ctx context.Context, id int64, locale string) error {
	_, err := s.DB.Exec(ctx, `UPDATE users SET locale = $2, updated_at = $3 WHERE id = $1`, id, locale, time.Now().UnixMicro())
	return err
}

// SetPasswordHash replaces a user's password hash and ends their sessions.
func (s AuthStore) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, id, hash, time.Now().UnixMicro()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		return err
	})
}

// SetMembership inserts or updates a membership.
func (s AuthStore) SetMembership(ctx context.Context, m auth.Membership, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO memberships (user_id, workspace_id, role, is_dpo, created_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role, is_dpo = excluded.is_dpo`,
			m.UserID, m.WorkspaceID, string(m.Role), m.IsDPO, time.Now().UnixMicro())
		if err != nil {
			return fmt.Errorf("set membership: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

// Memberships lists a user's workspaces by name.
func (s AuthStore) Memberships(ctx context.Context, userID int64) ([]auth.Membership, error) {
	rows, err := s.DB.Query(ctx, `SELECT m.workspace_id, w.slug, w.name, m.role, m.is_dpo
		FROM memberships m JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 ORDER BY w.name`, userID)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	defer rows.Close()
	var out []auth.Membership
	for rows.Next() {
		m := auth.Membership{UserID: userID}
		if err := rows.Scan(&m.WorkspaceID, &m.WorkspaceSlug, &m.WorkspaceName, &m.Role, &m.IsDPO); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Members lists a workspace's users.
func (s AuthStore) Members(ctx context.Context, workspaceID int64) ([]auth.Member, error) {
	rows, err := s.DB.Query(ctx, `SELECT u.id, u.public_id, u.email, u.name, u.locale, u.created_at, u.disabled_at,
		m.role, m.is_dpo FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 ORDER BY u.name, u.email`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	var out []auth.Member
	for rows.Next() {
		var m auth.Member
		u, err := scanUser(rows, &m.Role, &m.IsDPO)
		if err != nil {
			return nil, err
		}
		m.User = *u
		out = append(out, m)
	}
	return out, rows.Err()
}

// CreateSession stores a session under its token's hash.
func (s AuthStore) CreateSession(ctx context.Context, hash string, sess auth.Session) error {
	now := time.Now().UnixMicro()
	return s.DB.InTx(ctx, func(tx *Tx) error {
		// Expired sessions are removed here rather than by a timer, so that
		// no process has to be the one that cleans up.
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, workspace_id, csrf_token, created_at, expires_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $5, $6, $5)`, hash, sess.UserID, sess.WorkspaceID, sess.CSRFToken, now, sess.ExpiresAt.UnixMicro())
		return err
	})
}

// Session returns a live session.
func (s AuthStore) Session(ctx context.Context, hash string, now time.Time) (*auth.Session, error) {
	var sess auth.Session
	var expires int64
	err := s.DB.QueryRow(ctx, `SELECT s.user_id, s.workspace_id, s.csrf_token, s.expires_at FROM sessions s
		JOIN users u ON u.id = s.user_id
		JOIN memberships m ON m.user_id = s.user_id AND m.workspace_id = s.workspace_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL`, hash, now.UnixMicro()).
		Scan(&sess.UserID, &sess.WorkspaceID, &sess.CSRFToken, &expires)
	if err != nil {
		return nil, notFound(err, "Session")
	}
	sess.ExpiresAt = time.UnixMicro(expires).UTC()
	return &sess, nil
}

// TouchSession extends a session.
func (s AuthStore) TouchSession(ctx context.Context, hash string, expires time.Time) error {
	_, err := s.DB.Exec(ctx, `UPDATE sessions SET expires_at = $2, last_seen_at = $3 WHERE token_hash = $1`,
		hash, expires.UnixMicro(), time.Now().UnixMicro())
	return err
}

// DeleteSession ends a session.
func (s AuthStore) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return err
}

// RecordLoginFailure notes one failed login for key, pruning old ones.
func (s AuthStore) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_attempts WHERE at < $1`, at.Add(-24*time.Hour).UnixMicro()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO login_attempts (key, at) VALUES ($1, $2)`, key, at.UnixMicro())
		return err
	})
}

// LoginFailures counts failures for key since a time.
func (s AuthStore) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM login_attempts WHERE key = $1 AND at >= $2`, key, since.UnixMicro()).Scan(&n)
	return n, err
}

// ClearLoginFailures forgets the failures for key.
func (s AuthStore) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM login_attempts WHERE key = $1`, key)
	return err
}
