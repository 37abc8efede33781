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
	// 'p' starts the text of a Tag, never a token.
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

// confirmStamp marks the start time given to a confirmation page (see
// Service.Submit): it is signed in the id slot of the token.
var confirmStamp = uuid.UUID{15: 1}

// Started returns the signed value a form page carries in a hidden field:
// the time it was served, so that a submission faster than a person can
// type is recognised.
func (s Signer) Started(now time.Time) string {
	return s.Sign(tokenStarted, uuid.Nil.String(), now)
}

// ConfirmStarted is Started for the page that asks a person to confirm a
// submission which arrived without a fresh start time: a confirmation
// sent back too fast is asked again rather than taken for a robot.
func (s Signer) ConfirmStarted(now time.Time) string {
	return s.Sign(tokenStarted, confirmStamp.String(), now)
}

// StartedAt reads the time a form page was served; ok is false for a
// missing or forged value.
func (s Signer) StartedAt(v string) (time.Time, bool) {
	at, _, ok := s.readStarted(v)
	return at, ok
}

// readStarted reads a start time and whether a confirmation page gave it.
func (s Signer) readStarted(v string) (at time.Time, confirm, ok bool) {
	if len(v) > 100 {
		return time.Time{}, false, false
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) != tokenLen || TokenKind(b[0]) != tokenStarted || !hmac.Equal(b[tokenLen-16:], s.mac(b[:tokenLen-16])) {
		return time.Time{}, false, false
	}
	id := uuid.UUID(b[1:17])
	if id != uuid.Nil && id != confirmStamp {
		return time.Time{}, false, false
	}
	return time.Unix(int64(binary.BigEndian.Uint64(b[17:25])), 0), id == confirmStamp, true
}

// Tag signs a short text for one use (purpose), so that a value a page
// carries back in a hidden field can be trusted: the address of the page
// a submission came from, kept through a confirmation page.
func (s Signer) Tag(purpose, text string) string {
	// The first byte is no token kind: a tag can never pass for a token.
	return base64.RawURLEncoding.EncodeToString(s.mac([]byte("p" + purpose + "\x00" + text)))
}

// CheckTag reports whether tag is Tag(purpose, text).
func (s Signer) CheckTag(purpose, text, tag string) bool {
	want := s.Tag(purpose, text)
	return len(tag) == len(want) && hmac.Equal([]byte(tag), []byte(want))
}
