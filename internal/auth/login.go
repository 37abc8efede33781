package auth

import (
	"context"
	"strings"
	"time"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// ErrBadLogin is returned for a wrong email or password, without saying
// which, so that the login form does not reveal who has an account.
var ErrBadLogin = errs.Errorf(errs.Unauthorised, "The email or password is not correct.")

// ErrLoginLocked is returned while too many failed logins lock the form.
var ErrLoginLocked = errs.Errorf(errs.TooMany, "Too many failed attempts. Wait a few minutes and try again.")

// Login checks credentials and opens a session in the user's first
// workspace (or preferred, if given and a member). It returns the session
// token to set as a cookie, ErrBadLogin, or ErrLoginLocked.
func (s *Service) Login(ctx context.Context, email, password, clientIP, preferredWorkspace string) (string, *Session, error) {
	_, norm, problem := crm.NormalizeEmail(email)
	if problem != "" {
		// Not an address any account can have; still counted, so that
		// probing with junk is throttled too.
		norm = strings.ToLower(strings.ToValidUTF8(strings.TrimSpace(email), ""))
	}
	keys := []string{"email:" + HashSecret(norm), "ip:" + HashSecret(clientIP)}
	since := s.Now().Add(-s.FailureWindow)
	for i, k := range keys {
		limit := s.MaxFailures
		if i == 1 {
			limit *= 5 // an office behind one address has several people
		}
		n, err := s.Store.LoginFailures(ctx, k, since)
		if err != nil {
			return "", nil, err
		}
		if n >= limit {
			return "", nil, ErrLoginLocked
		}
	}
	var u *User
	var hash string
	if problem == "" {
		var err error
		if u, hash, err = s.Store.UserByEmail(ctx, norm); err != nil && !errs.Is(err, errs.NotFound) {
			return "", nil, err
		}
	}
	// The attempt on this email is counted before the slow hash, so that
	// parallel guesses all count against its limit; the address's counter
	// only takes failures, since a whole office may log in from it.
	if err := s.Store.RecordLoginFailure(ctx, keys[0], s.Now()); err != nil {
		return "", nil, err
	}
	if !VerifyPassword(password, hash) || u == nil || !u.DisabledAt.IsZero() {
		if err := s.Store.RecordLoginFailure(ctx, keys[1], s.Now()); err != nil {
			return "", nil, err
		}
		return "", nil, ErrBadLogin
	}
	// A success forgets the attempts for this email, this one included (not
	// those of the address, which others may share with a guesser).
	if err := s.Store.ClearLoginFailures(ctx, keys[0]); err != nil {
		return "", nil, err
	}
	ms, err := s.Store.Memberships(ctx, u.ID)
	if err != nil {
		return "", nil, err
	}
	if len(ms) == 0 {
		return "", nil, errs.Errorf(errs.Forbidden, "This account has no workspace yet. Ask an administrator.")
	}
	ws := ms[0].WorkspaceID
	for _, m := range ms {
		if m.WorkspaceSlug == preferredWorkspace {
			ws = m.WorkspaceID
		}
	}
	return s.openSession(ctx, u.ID, ws)
}

func (s *Service) openSession(ctx context.Context, userID, workspaceID int64) (string, *Session, error) {
	token := NewSecret(32)
	sess := &Session{UserID: userID, WorkspaceID: workspaceID, CSRFToken: NewSecret(20), ExpiresAt: s.Now().Add(SessionTTL)}
	if err := s.Store.CreateSession(ctx, HashSecret(token), *sess); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// SwitchWorkspace replaces a session by one in another workspace the user is
// a member of. It returns Forbidden otherwise.
func (s *Service) SwitchWorkspace(ctx context.Context, oldToken string, userID int64, slug string) (string, *Session, error) {
	ms, err := s.Store.Memberships(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	for _, m := range ms {
		if m.WorkspaceSlug == slug {
			_ = s.Store.DeleteSession(ctx, HashSecret(oldToken))
			return s.openSession(ctx, userID, m.WorkspaceID)
		}
	}
	return "", nil, errs.Errorf(errs.Forbidden, "You are not a member of this workspace.")
}

// Authenticate returns the live session for a cookie token, sliding its
// expiry forward at most once a minute. It returns Unauthorised.
func (s *Service) Authenticate(ctx context.Context, token string) (*Session, error) {
	if token == "" || len(token) > 100 {
		return nil, errs.Errorf(errs.Unauthorised, "Please log in.")
	}
	now := s.Now()
	sess, err := s.Store.Session(ctx, HashSecret(token), now)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Errorf(errs.Unauthorised, "Your session has ended. Please log in again.")
	}
	if err != nil {
		return nil, err
	}
	if sess.ExpiresAt.Sub(now) < SessionTTL-time.Minute {
		sess.ExpiresAt = now.Add(SessionTTL)
		if err := s.Store.TouchSession(ctx, HashSecret(token), sess.ExpiresAt); err != nil {
			return nil, err
		}
	}
	return sess, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.Store.DeleteSession(ctx, HashSecret(token))
}
