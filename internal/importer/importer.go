// Package importer imports people from CSV and XLSX files: it streams the
// file (never loads it whole), detects its encoding and separator, maps
// its columns to people's fields, validates each row, and hands batches of
// valid rows to a Store that deduplicates them by normalised email, checks
// the suppression list and writes them, each batch in one transaction with
// the import's checkpoint. Every import declares where the data came from
// and on what legal basis; that is recorded on every person and, for
// consent and objections, in the consent ledger.
package importer

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// Dedupe is what happens to a row whose email (or, without one, phone)
// already belongs to a person of the workspace.
type Dedupe string

// Deduplication policies.
const (
	DedupeUpdate Dedupe = "update" // fill the person's fields with the row's non-empty values
	DedupeSkip   Dedupe = "skip"   // leave the person alone
	DedupeReview Dedupe = "review" // keep the row apart for someone to merge or drop
)

// Dedupes lists the policies.
var Dedupes = []Dedupe{DedupeUpdate, DedupeSkip, DedupeReview}

// Status is where an import stands.
type Status string

// Statuses.
const (
	StatusPending   Status = "pending"
	StatusRunning   Status = "running"
	StatusDone      Status = "done"
	StatusFailed    Status = "failed"
	StatusCancelled Status = "cancelled"
)

// ImportOrigins are the origins an import may declare (the others —
// manual entry, web form, API — are not files).
var ImportOrigins = []crm.Origin{crm.OriginTradeShow, crm.OriginPurchasedFile, crm.OriginPartner,
	crm.OriginImport, crm.OriginEvent, crm.OriginReferral, crm.OriginOther}

// Options are what the person importing declares and chooses.
type Options struct {
	// Origin and OriginDetail are the provenance: "trade_show" and "Salon
	// des entrepreneurs, Lyon, mars 2026". Both are required and stored
	// on every person.
	Origin       crm.Origin `json:"origin"`
	OriginDetail string     `json:"origin_detail"`
	// LegalBasis is the GDPR Art. 6 basis on which the people are
	// processed. With consent, the file is a list of people who consented
	// to Purposes, and ProofRef says where the proof is kept.
	LegalBasis consent.LegalBasis `json:"legal_basis"`
	Purposes   []string           `json:"purposes,omitempty"`
	// ProofRef is a reference to the proof of consent (the signed forms,
	// the partner's record): required for consent, and for mapping
	// consent columns.
	ProofRef string `json:"proof_ref,omitempty"`
	// CollectedAt is when the data was collected; zero means now. A
	// column may give it per row.
	CollectedAt time.Time     `json:"collected_at"`
	Audience    crm.Audience  `json:"audience"`
	Lifecycle   crm.Lifecycle `json:"lifecycle"`
	Dedupe      Dedupe        `json:"dedupe"`
}

// Validate checks the options against the mapping and the workspace's
// purposes; the error is an Invalid *errs.Error naming each field.
func (o *Options) Validate(m Mapping, purposes []consent.Purpose) error {
	var v errs.Validation
	o.OriginDetail = strings.TrimSpace(o.OriginDetail)
	o.ProofRef = strings.TrimSpace(o.ProofRef)
	if !oneOf(o.Origin, ImportOrigins) {
		v.Add("origin", "say where the data comes from (trade show, purchased file, partner, another CRM…)")
	}
	if o.OriginDetail == "" {
		v.Add("origin_detail", "describe the source (which show, which supplier, which system)")
	} else if utf8.RuneCountInString(o.OriginDetail) > crm.MaxTextLength || !utf8.ValidString(o.OriginDetail) {
		v.Add("origin_detail", "is too long (at most 500 characters)")
	}
	if !oneOf(o.LegalBasis, consent.LegalBases) {
		v.Add("legal_basis", "choose the legal basis on which these people are processed")
	}
	if len(o.ProofRef) > 500 || !utf8.ValidString(o.ProofRef) {
		v.Add("proof_ref", "is too long (at most 500 characters)")
	}
	known := map[string]bool{}
	for _, p := range purposes {
		known[p.Key] = p.Kind != consent.Transactional
	}
	if o.LegalBasis == consent.BasisConsent {
		if len(o.Purposes) == 0 {
			v.Add("purposes", "say what these people consented to")
		}
		if o.ProofRef == "" {
			v.Add("proof_ref", "consent needs a proof: say where it is kept (signed forms, the partner's record…)")
		}
	}
	for _, p := range o.Purposes {
		if !known[p] {
			v.Add("purposes", "is not a purpose of this workspace")
		}
	}
	if m.HasConsentColumns() && o.ProofRef == "" {
		v.Add("proof_ref", "consent columns can be imported only with a reference to the proof of consent")
	}
	for _, t := range m {
		if k, ok := PurposeKey(t); ok && !known[k] {
			v.Add("mapping", "a column is mapped to an unknown purpose")
		}
	}
	if o.Audience == "" {
		o.Audience = crm.B2B
	}
	if !oneOf(o.Audience, crm.Audiences) {
		v.Add("audience", "must be b2b or b2c")
	}
	if o.Lifecycle == "" {
		o.Lifecycle = crm.Lead
	}
	if !oneOf(o.Lifecycle, crm.Lifecycles) {
		v.Add("lifecycle", "must be lead, prospect, customer or former_customer")
	}
	if o.Dedupe == "" {
		o.Dedupe = DedupeSkip
	}
	if !oneOf(o.Dedupe, Dedupes) {
		v.Add("dedupe", "must be update, skip or review")
	}
	checkMapping(&v, m)
	return v.Err()
}

func checkMapping(v *errs.Validation, m Mapping) {
	seen := map[string]bool{}
	hasKey := false
	for _, t := range m {
		if t == "" {
			continue
		}
		if seen[t] {
			v.Add("mapping", "two columns are mapped to the same field")
			return
		}
		seen[t] = true
		hasKey = hasKey || t == FieldEmail || t == FieldPhone || t == FieldMobile
	}
	if !hasKey {
		v.Add("mapping", "map a column to the email or a phone: they identify people on a re-import")
	}
}

// Counts are an import's running totals.
type Counts struct {
	Rows       int64 `json:"rows"`       // rows read (header and blank rows excluded)
	Created    int64 `json:"created"`    // new people
	Updated    int64 `json:"updated"`    // existing people updated
	Skipped    int64 `json:"skipped"`    // existing people left alone, duplicates within the file
	Review     int64 `json:"review"`     // rows kept for review
	Invalid    int64 `json:"invalid"`    // rows refused for their values
	Suppressed int64 `json:"suppressed"` // rows refused (or people flagged) for the suppression list
	Events     int64 `json:"events"`     // consent ledger events recorded
}

// Import is one import batch.
type Import struct {
	ID          int64
	PublicID    string
	WorkspaceID int64
	Status      Status
	FileName    string // as uploaded; shown to staff only
	FilePath    string // where the uploaded file waits (UI jobs)
	Format      Format
	Encoding    Encoding
	Separator   string
	Header      []string
	Mapping     Mapping
	Options     Options
	Total       int64 // rows in the file, when counted
	Line        int64 // checkpoint: rows up to this line are written
	Counts      Counts
	Error       string
	// CancelRequested: someone asked the import to stop; it stops at its
	// next batch (the batches already written stay).
	CancelRequested bool
	CreatedBy       int64
	Actor           audit.Actor // who started it: a resumed import acts as them
	CreatedAt       time.Time
	UpdatedAt       time.Time
	FinishedAt      time.Time
}

// Finished reports whether the import has stopped for good.
func (i *Import) Finished() bool {
	return i.Status == StatusDone || i.Status == StatusFailed || i.Status == StatusCancelled
}

// Problem is one row the import could not take as it was: the line, the
// column (its header) and the reason — never the value.
type Problem struct {
	Line   int64  `json:"line"`
	Column string `json:"column"`
	Kind   string `json:"kind"` // invalid, duplicate, suppressed, skipped, review
	Reason string `json:"reason"`
}

// Problem kinds.
const (
	KindInvalid    = "invalid"
	KindDuplicate  = "duplicate"
	KindSuppressed = "suppressed"
	KindSkipped    = "skipped"
	KindReview     = "review"
)

// Add adds d to c.
func (c *Counts) Add(d Counts) {
	c.Rows += d.Rows
	c.Created += d.Created
	c.Updated += d.Updated
	c.Skipped += d.Skipped
	c.Review += d.Review
	c.Invalid += d.Invalid
	c.Suppressed += d.Suppressed
	c.Events += d.Events
}
