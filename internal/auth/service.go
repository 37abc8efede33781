package auth

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// Store persists users, memberships, sessions, tokens and login attempts.
// Methods return NotFound for missing objects and Conflict for duplicates.
type Store interface {
	CreateUser(ctx context.Context, u *User, emailNorm, passwordHash string) error
	UserByEmail(ctx context.Context, emailNorm string) (*User, string, error)
	UserByID(ctx context.Context, id int64) (*User, error)
	SetUserLocale(ctx context.Context, id int64, locale string) error
	SetPasswordHash(ctx context.Context, id int64, hash string) error
	SetMembership(ctx context.Context, m Membership, e audit.Entry) error
	Memberships(ctx context.Context, userID int64) ([]Membership, error)
	Members(ctx context.Context, workspaceID int64) ([]Member, error)

	CreateSession(ctx context.Context, tokenHash string, s Session) error
	Session(ctx context.Context, tokenHash string, now time.Time) (*Session, error)
	TouchSession(ctx context.Context, tokenHash string, expires time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error

	CreateToken(ctx context.Context, t *Token, hash string, e audit.Entry) error
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	Tokens(ctx context.Context, workspaceID int64) ([]Token, error)
	RevokeToken(ctx context.Context, workspaceID int64, publicID string, at time.Time, e audit.Entry) error
	TouchToken(ctx context.Context, id int64, at time.Time) error

	// RecordLoginFailure and LoginFailures keep login attempts in the
	// database, so the limit holds across processes sharing it.
	RecordLoginFailure(ctx context.Context, key string, at time.Time) error
	LoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, key string) error
}

// Member is a user as seen from a workspace.
type Member struct {
	User
	Role  Role
	IsDPO bool
}

// Service implements login, sessions and tokens.
type Service struct {
	Store Store
	Now   func() time.Time
	// MaxFailures failed logins per email (and per client address) within
	// FailureWindow lock further attempts until the window passes.
	MaxFailures   int
	FailureWindow time.Duration
}

// NewService returns a Service with the default limits.
func NewService(s Store) *Service {
	return &Service{Store: s, Now: func() time.Time { return time.Now().UTC() }, MaxFailures: 10, FailureWindow: 15 * time.Minute}
}

// CreateUser creates a staff user. It returns Invalid or Conflict.
func (s *Service) CreateUser(ctx context.Context, email, name, password, locale string) (*User, error) {
	display, norm, problem := crm.NormalizeEmail(email)
	var v errs.Validation
	if problem != "" {
		v.Add("email", problem)
	}
	if locale == "" {
		locale = "fr"
	}
	if locale != "fr" && locale != "en" {
		v.Add("locale", "must be fr or en")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	u := &User{PublicID: uuid.NewString(), Email: display, Name: strings.TrimSpace(name), Locale: locale, CreatedAt: now}
	return u, s.Store.CreateUser(ctx, u, norm, hash)
}

// AddMember gives a user a role in a workspace (or changes it).
func (s *Service) AddMember(ctx context.Context, userID, workspaceID int64, role Role, isDPO bool) error {
	if !role.Valid() {
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"role": "must be admin, marketer, sales or readonly"}}
	}
	e := audit.NewEntry(ctx, workspaceID, "member.set", "user", "", map[string]any{"role": string(role), "dpo": isDPO})
	u, err := s.Store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	e.ObjectID = u.PublicID
	return s.Store.SetMembership(ctx, Membership{UserID: userID, WorkspaceID: workspaceID, Role: role, IsDPO: isDPO}, e)
}

// SetPassword changes a user's password and ends their sessions. It returns
// Invalid for a password that is too short or too long.
func (s *Service) SetPassword(ctx context.Context, userID int64, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.Store.SetPasswordHash(ctx, userID, hash)
}
