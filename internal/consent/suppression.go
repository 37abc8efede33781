package consent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(normalised))
	return hex.EncodeToString(m.Sum(nil))
}
