package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

func TestLogin(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		svc := auth.NewService(sqldb.AuthStore{DB: db})
		u, err := svc.CreateUser(ctx, "Marie@Example.fr", "Marie", "correct horse battery", "fr")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Login(ctx, "marie@example.fr", "correct horse battery", "10.0.0.1", ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("login without a workspace: %v", err)
		}
		if err := svc.AddMember(ctx, u.ID, ws.ID, auth.RoleSales, false); err != nil {
			t.Fatal(err)
		}
		token, _, err := svc.Login(ctx, " MARIE@example.fr", "correct horse battery", "10.0.0.1", "")
		if err != nil {
			t.Fatal(err)
		}
		sess, err := svc.Authenticate(ctx, token)
		if err != nil || sess.UserID != u.ID || sess.WorkspaceID != ws.ID {
			t.Fatalf("session = %+v, %v", sess, err)
		}

		t.Run("ErrDuplicateUser", func(t *testing.T) {
			if _, err := svc.CreateUser(ctx, "marie@EXAMPLE.fr", "", "correct horse battery", "fr"); !errs.Is(err, errs.Conflict) {
				t.Fatalf("err = %v", err)
			}
		})
		t.Run("ErrShortPassword", func(t *testing.T) {
			if _, err := svc.CreateUser(ctx, "paul@example.fr", "", "short", "fr"); !errs.Is(err, errs.Invalid) {
				t.Fatalf("err = %v", err)
			}
		})
		t.Run("LockedAfterFailures", func(t *testing.T) {
			for i := 0; i < svc.MaxFailures; i++ {
				if _, _, err := svc.Login(ctx, "marie@example.fr", "wrong password!", "10.0.0.2", ""); err != auth.ErrBadLogin {
					t.Fatalf("attempt %d: %v", i, err)
				}
			}
			// Even the right password is refused while locked.
			if _, _, err := svc.Login(ctx, "marie@example.fr", "correct horse battery", "10.0.0.3", ""); err != auth.ErrLoginLocked {
				t.Fatalf("err = %v, want locked", err)
			}
			// Once the window has passed, the lock lifts.
			svc.Now = func() time.Time { return time.Now().UTC().Add(svc.FailureWindow + time.Minute) }
			defer func() { svc.Now = func() time.Time { return time.Now().UTC() } }()
			if _, _, err := svc.Login(ctx, "marie@example.fr", "correct horse battery", "10.0.0.3", ""); err != nil {
				t.Fatalf("after the window: %v", err)
			}
		})
		t.Run("PasswordChangeEndsSessions", func(t *testing.T) {
			if err := svc.SetPassword(ctx, u.ID, "another long password"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Authenticate(ctx, token); !errs.Is(err, errs.Unauthorised) {
				t.Fatalf("old session still valid: %v", err)
			}
		})
		t.Run("Logout", func(t *testing.T) {
			tok, _, err := svc.Login(ctx, "marie@example.fr", "another long password", "10.0.0.4", "")
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.Logout(ctx, tok); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Authenticate(ctx, tok); !errs.Is(err, errs.Unauthorised) {
				t.Fatalf("session survives logout: %v", err)
			}
		})
	})
}

func TestTokens(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		svc := auth.NewService(sqldb.AuthStore{DB: db})
		tok, secret, err := svc.CreateToken(ctx, ws.ID, 0, "site", auth.RoleSales, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		got, err := svc.AuthenticateToken(ctx, secret)
		if err != nil || got.PublicID != tok.PublicID || got.Role != auth.RoleSales {
			t.Fatalf("token = %+v, %v", got, err)
		}
		for name, bad := range map[string]string{"Empty": "", "NoPrefix": "abc", "Unknown": auth.TokenPrefix + "nope"} {
			if _, err := svc.AuthenticateToken(ctx, bad); !errs.Is(err, errs.Unauthorised) {
				t.Errorf("%s: %v", name, err)
			}
		}
		svc.Now = func() time.Time { return time.Now().UTC().Add(2 * time.Hour) }
		if _, err := svc.AuthenticateToken(ctx, secret); !errs.Is(err, errs.Unauthorised) {
			t.Errorf("expired token accepted: %v", err)
		}
		svc.Now = func() time.Time { return time.Now().UTC() }
		if err := svc.RevokeToken(ctx, ws.ID, tok.PublicID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AuthenticateToken(ctx, secret); !errs.Is(err, errs.Unauthorised) {
			t.Errorf("revoked token accepted: %v", err)
		}
		other := newWorkspace(t, db, "other")
		if err := svc.RevokeToken(ctx, other.ID, tok.PublicID); !errs.Is(err, errs.NotFound) {
			t.Errorf("revoke from another workspace: %v", err)
		}
	})
}

func TestRoles(t *testing.T) {
	tests := []struct {
		role  auth.Role
		dpo   bool
		perm  auth.Permission
		allow bool
	}{
		{auth.RoleReadOnly, false, auth.PermRead, true},
		{auth.RoleReadOnly, false, auth.PermWrite, false},
		{auth.RoleSales, false, auth.PermDelete, true},
		{auth.RoleSales, false, auth.PermExport, false},
		{auth.RoleMarketer, false, auth.PermExport, true},
		{auth.RoleMarketer, false, auth.PermAudit, false},
		{auth.RoleReadOnly, true, auth.PermAudit, true},
		{auth.RoleReadOnly, true, auth.PermAdmin, false},
		{auth.RoleAdmin, false, auth.PermAdmin, true},
	}
	for _, tt := range tests {
		if got := auth.Can(tt.role, tt.dpo, tt.perm); got != tt.allow {
			t.Errorf("Can(%s, dpo=%v, %s) = %v", tt.role, tt.dpo, tt.perm, got)
		}
	}
}
