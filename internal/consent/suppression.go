package consent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
)

// SuppressionKind says what a suppression entry hashes.
type SuppressionKind string

// Suppression kinds.
const (
	SuppressEmail SuppressionKind = "email"
	SuppressPhone SuppressionKind = "phone"
)

// SuppressionReason says why an entry is on the list.
type SuppressionReason string

// Suppression reasons.
const (
	ReasonObjection SuppressionReason = "objection"
	ReasonErasure   SuppressionReason = "erasure"
	ReasonManual    SuppressionReason = "manual"
	ReasonImport    SuppressionReason = "import"
)

// Suppression is one entry: a keyed hash, never the address itself.
type Suppression struct {
	Kind   SuppressionKind   `json:"kind"`
	Hash   string            `json:"hash"`
	Reason SuppressionReason `json:"reason"`
}

// SuppressionHash returns the HMAC-SHA256 under the workspace's key of a
// normalised address (crm.NormalizeEmail's form, or E.164). The kind is
// part of the message, so an email and a phone can never collide.
func SuppressionHash(key []byte, kind SuppressionKind, normalised string) string {
	return NewSuppressionHasher(key).Hash(kind, normalised)
}

// SuppressionHasher computes SuppressionHash under one key, reusing its
// HMAC state: an import hashes every address of a million rows. It is not
// safe for concurrent use.
type SuppressionHasher struct {
	m   hash.Hash
	buf []byte
}

// NewSuppressionHasher returns a hasher for the workspace key.
func NewSuppressionHasher(key []byte) *SuppressionHasher {
	return &SuppressionHasher{m: hmac.New(sha256.New, key)}
}

// Hash is SuppressionHash(key, kind, normalised).
func (h *SuppressionHasher) Hash(kind SuppressionKind, normalised string) string {
	h.m.Reset()
	h.buf = append(append(append(h.buf[:0], kind...), 0), normalised...)
	h.m.Write(h.buf)
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.m.Sum(sum[:0]))
}
