package auth

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
)

// CreateToken makes an API token for a workspace and returns it with its
// secret, which is shown once and never stored in clear. Invalid for a bad
// name or role.
func (s *Service) CreateToken(ctx context.Context, workspaceID, createdBy int64, name string, role Role, ttl time.Duration) (*Token, string, error) {
	var v errs.Validation
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		v.Add("name", "is required (at most 100 characters)")
	}
	if !role.Valid() {
		v.Add("role", "must be admin, marketer, sales or readonly")
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	secret := TokenPrefix + NewSecret(32)
	now := s.Now()
	t := &Token{PublicID: uuid.NewString(), WorkspaceID: workspaceID, Name: name, Prefix: secret[:12],
		Role: role, CreatedBy: createdBy, CreatedAt: now}
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	e := audit.NewEntry(ctx, workspaceID, "token.create", "api_token", t.PublicID, map[string]any{"role": string(role)})
	if err := s.Store.CreateToken(ctx, t, HashSecret(secret), e); err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// AuthenticateToken returns the live token for a bearer secret, or
// Unauthorised.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*Token, error) {
	bad := errs.Errorf(errs.Unauthorised, "The API token is missing, revoked, expired or not valid.")
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return nil, bad
	}
	t, err := s.Store.TokenByHash(ctx, HashSecret(secret))
	if errs.Is(err, errs.NotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if !t.RevokedAt.IsZero() || (!t.ExpiresAt.IsZero() && now.After(t.ExpiresAt)) {
		return nil, bad
	}
	// Recording every use would make each API read a write; a minute's
	// precision is enough to see which tokens are alive.
	if now.Sub(t.LastUsedAt) > time.Minute {
		if err := s.Store.TouchToken(ctx, t.ID, now); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// RevokeToken revokes a token of the workspace. NotFound if there is none.
func (s *Service) RevokeToken(ctx context.Context, workspaceID int64, publicID string) error {
	e := audit.NewEntry(ctx, workspaceID, "token.revoke", "api_token", publicID, nil)
	return s.Store.RevokeToken(ctx, workspaceID, publicID, s.Now(), e)
}
