package consent

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/registre/registre/internal/errs"
)

// SourceKind says where a consent event came from.
type SourceKind string

// Source kinds.
const (
	SourceStaff    SourceKind = "staff"    // a staff user in the interface
	SourceForm     SourceKind = "form"     // a web form (with its version)
	SourceLink     SourceKind = "link"     // a link in a message (double opt-in, unsubscribe)
	SourcePortal   SourceKind = "portal"   // the privacy portal or preference centre
	SourceImport   SourceKind = "import"   // an import batch
	SourceAPI      SourceKind = "api"      // an API client
	SourceBulk     SourceKind = "bulk"     // a bulk action on a segment
	SourceCampaign SourceKind = "campaign" // a campaign message (re-opt-in, bounce)
	SourceSystem   SourceKind = "system"   // the system itself (bounce handling, sweeps)
)

// SourceKinds lists the source kinds.
var SourceKinds = []SourceKind{SourceStaff, SourceForm, SourceLink, SourcePortal, SourceImport, SourceAPI, SourceBulk, SourceCampaign, SourceSystem}

// LegalBasis is the GDPR Art. 6 basis of a processing.
type LegalBasis string

// Legal bases.
const (
	BasisConsent            LegalBasis = "consent"
	BasisContract           LegalBasis = "contract"
	BasisLegalObligation    LegalBasis = "legal_obligation"
	BasisLegitimateInterest LegalBasis = "legitimate_interest"
	BasisVitalInterest      LegalBasis = "vital_interest"
	BasisPublicTask         LegalBasis = "public_task"
)

// LegalBases lists the bases.
var LegalBases = []LegalBasis{BasisConsent, BasisContract, BasisLegalObligation, BasisLegitimateInterest, BasisVitalInterest, BasisPublicTask}

// Event is one line of the consent ledger. Events are never changed: the
// current state is their projection.
type Event struct {
	ID             int64      `json:"-"`
	WorkspaceID    int64      `json:"-"`
	Seq            int64      `json:"seq"` // position in the workspace's chain, from 1
	At             time.Time  `json:"at"`
	PersonID       int64      `json:"-"`
	PersonPublicID string     `json:"person_id"`
	Purpose        string     `json:"purpose,omitempty"` // purpose key, for request/confirm/grant/withdraw
	Flag           Flag       `json:"flag,omitempty"`    // for set/clear
	Action         Action     `json:"action"`
	ActorKind      string     `json:"actor_kind"` // user, api_token, person, cli, system
	ActorID        string     `json:"actor_id,omitempty"`
	LegalBasis     LegalBasis `json:"legal_basis,omitempty"`
	// The proof.
	SourceKind    SourceKind `json:"source_kind"`
	SourceID      string     `json:"source_id,omitempty"`      // form, campaign, import batch, bulk action… id
	SourceVersion string     `json:"source_version,omitempty"` // the form version shown
	Wording       string     `json:"wording,omitempty"`        // the exact text shown to the person
	WordingSHA256 string     `json:"wording_sha256,omitempty"`
	PageURL       string     `json:"page_url,omitempty"`
	IP            string     `json:"ip,omitempty"`
	UserAgent     string     `json:"user_agent,omitempty"`
	Note          string     `json:"note,omitempty"` // staff justification
	// The chain.
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
	// PIIDigest is the SHA-256 of the personal fields (IP, user agent, page,
	// note). The chain hashes the digest, not the fields, so that erasure can
	// pseudonymise them and the chain still verifies.
	PIIDigest     string `json:"pii_digest"`
	Pseudonymised bool   `json:"pseudonymised,omitempty"`
}

// Limits on proof fields.
const (
	maxWording = 10000
	maxField   = 2000
)

// Validate checks an event before it is appended; the error is an Invalid
// *errs.Error naming each field.
func (e *Event) Validate() error {
	var v errs.Validation
	switch e.Action {
	case Request, Confirm, Grant, Withdraw:
		if e.Purpose == "" {
			v.Add("purpose", "is required for this action")
		}
		if e.Flag != "" {
			v.Add("flag", "must be empty for a consent action")
		}
	case Set, Clear:
		if !validFlag(e.Flag) {
			v.Add("flag", "is not a known flag")
		}
		if e.Purpose != "" {
			v.Add("purpose", "must be empty for a flag action")
		}
	default:
		v.Add("action", "must be request, confirm, grant, withdraw, set or clear")
	}
	if !oneOf(e.SourceKind, SourceKinds) {
		v.Add("source_kind", "is not a known source")
	}
	if e.LegalBasis != "" && !oneOf(e.LegalBasis, LegalBases) {
		v.Add("legal_basis", "is not a known legal basis")
	}
	if (e.Action == Grant || e.Action == Confirm) && e.LegalBasis == "" {
		e.LegalBasis = BasisConsent
	}
	for field, s := range map[string]string{"source_id": e.SourceID, "source_version": e.SourceVersion, "page_url": e.PageURL,
		"ip": e.IP, "user_agent": e.UserAgent, "note": e.Note} {
		if len(s) > maxField || !utf8.ValidString(s) {
			v.Add(field, "is too long or not valid UTF-8 text")
		}
	}
	if len(e.Wording) > maxWording || !utf8.ValidString(e.Wording) {
		v.Add("wording", "is too long or not valid UTF-8 text")
	}
	if e.SourceKind == SourceStaff && e.Action == Grant && strings.TrimSpace(e.Note) == "" {
		v.Add("note", "say how the person gave their consent: consent must come from the person")
	}
	return v.Err()
}

func validFlag(f Flag) bool { return oneOf(f, Flags) }

func oneOf[T ~string](v T, all []T) bool {
	for _, a := range all {
		if v == a {
			return true
		}
	}
	return false
}

// Seal fills the digests and the chain hash of e after prev.
func (e *Event) Seal(prevHash string) {
	if e.Wording != "" {
		e.WordingSHA256 = sha256Hex(e.Wording)
	}
	e.PIIDigest = e.piiDigest()
	e.PrevHash = prevHash
	e.Hash = e.ComputeHash()
}

func (e *Event) piiDigest() string {
	// The fields are laid out in a buffer on the stack and hashed at
	// once: the same bytes a streaming hash would read, without a
	// digest on the heap for every event of a million-row import.
	var buf [256]byte
	b := buf[:0]
	for _, s := range [...]string{e.IP, e.UserAgent, e.PageURL, e.Note} {
		b = appendField(b, s)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// PIIIntact reports whether the personal fields still match their digest
// (always true once pseudonymised: they were replaced on purpose).
func (e *Event) PIIIntact() bool { return e.Pseudonymised || e.piiDigest() == e.PIIDigest }

// ComputeHash is the event's chain hash: SHA-256 over the previous hash and
// every field but the personal ones, each length-prefixed so that no two
// different events encode alike.
func (e *Event) ComputeHash() string {
	var buf [512]byte
	b := binary.BigEndian.AppendUint64(buf[:0], uint64(e.Seq))
	b = binary.BigEndian.AppendUint64(b, uint64(e.At.UnixMicro()))
	for _, s := range [...]string{e.PrevHash, e.PersonPublicID, e.Purpose, string(e.Flag), string(e.Action), e.ActorKind,
		e.ActorID, string(e.LegalBasis), string(e.SourceKind), e.SourceID, e.SourceVersion, e.WordingSHA256, e.PIIDigest} {
		b = appendField(b, s)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// appendField appends s, prefixed with its length.
func appendField(b []byte, s string) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
