package forms

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/errs"
)

// TokenKind binds a token to one use: a double opt-in link cannot open a
// re-opt-in page, nor the other way round.
type TokenKind byte

// Token kinds.
const (
	TokenOptin   TokenKind = 'o'
	TokenReoptin TokenKind = 'r'
	tokenStarted TokenKind = 't' // the time a form page was served (minimum fill time)
)

// Signer makes and checks signed, expiring, single-purpose tokens. A token
// holds a request id (a random UUID) and an expiry: no personal data. Its
// single use is enforced by the request's state in the database.
type Signer struct{ Key []byte }

const tokenLen = 1 + 16 + 8 + 16

// Sign returns the token for the request id (a UUID) of that kind.
func (s Signer) Sign(kind TokenKind, id string, expires time.Time) string {
	u, _ := uuid.Parse(id)
	b := make([]byte, 0, tokenLen)
	b = append(b, byte(kind))
	b = append(b, u[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(expires.Unix()))
	b = append(b, s.mac(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s Signer) mac(b []byte) []byte {
	m := hmac.New(sha256.New, s.Key)
	m.Write(b)
	return m.Sum(nil)[:16]
}

// ErrBadLink is what a forged, altered, truncated or mistyped link gets.
var ErrBadLink = errs.Errorf(errs.NotFound, "This link is not valid. Check that it was copied whole, or ask for a new one.")

// ErrExpiredLink is what an expired link gets.
var ErrExpiredLink = errs.Errorf(errs.Invalid, "This link has expired. Submit the form again to receive a new one.")

// Verify checks a token of that kind and returns its request id. It
// returns ErrBadLink for anything forged or of another kind, and
// ErrExpiredLink after the expiry.
func (s Signer) Verify(kind TokenKind, token string, now time.Time) (string, error) {
	if len(token) > 100 {
		return "", ErrBadLink
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != tokenLen || TokenKind(b[0]) != kind {
		return "", ErrBadLink
	}
	if !hmac.Equal(b[tokenLen-16:], s.mac(b[:tokenLen-16])) {
		return "", ErrBadLink
	}
	exp := time.Unix(int64(binary.BigEndian.Uint64(b[17:25])), 0)
	if now.After(exp) {
		return "", ErrExpiredLink
	}
	u, _ := uuid.FromBytes(b[1:17])
	return u.String(), nil
}

// Started returns the signed value a form page carries in a hidden field:
// the time it was served, so that a submission faster than a person can
// type is recognised.
func (s Signer) Started(now time.Time) string {
	return s.Sign(tokenStarted, uuid.Nil.String(), now)
}

// StartedAt reads the time a form page was served; ok is false for a
// missing or forged value.
func (s Signer) StartedAt(v string) (time.Time, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) != tokenLen || TokenKind(b[0]) != tokenStarted || !hmac.Equal(b[tokenLen-16:], s.mac(b[:tokenLen-16])) {
		return time.Time{}, false
	}
	return time.Unix(int64(binary.BigEndian.Uint64(b[17:25])), 0), true
}
