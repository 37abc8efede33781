package forms

import (
	"context"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/mail"
)

// NoticeSource gives the legal notice of a form from the register of
// processing (issue 4). Until the register is connected, forms keep their
// own notice text per language, which staff edit.
type NoticeSource interface {
	// Notice returns the notice in lang ("fr" or "en") for the purposes
	// the form asks consent for; ok is false when the register has none.
	Notice(ctx context.Context, workspaceID int64, purposes []string, lang string) (text string, ok bool, err error)
}

// PurposeGate says whether a purpose may be used in a form: nil when an
// active entry of the register covers it, else an Invalid error naming it.
type PurposeGate interface {
	RequirePurpose(ctx context.Context, workspaceID int64, key string) error
}

// Value is one submitted value, kept as history.
type Value struct {
	Field string
	Label string
	Value string
}

// Submission is a past submission, as the person's page and the API show
// it.
type Submission struct {
	PublicID       string
	PersonPublicID string
	FormPublicID   string
	FormName       string
	VersionNumber  int
	At             time.Time
	PageURL        string
	Status         string
	Values         []Value
}

// SubmissionQuery selects a page of a form's submissions.
type SubmissionQuery struct {
	WorkspaceID int64
	FormID      int64
	// After is the public id of the last submission of the previous page;
	// "" for the first.
	After string
	Limit int
}

// SubmissionPage is a page of submissions; HasNext when more follow.
type SubmissionPage struct {
	Submissions []Submission
	HasNext     bool
}

// Submission statuses.
const (
	StatusDone      = "done"      // single opt-in, or no consent asked
	StatusPending   = "pending"   // waiting for the double opt-in
	StatusConfirmed = "confirmed" // double opt-in confirmed
	StatusExpired   = "expired"   // not confirmed in time
)

// Plan is everything one submission changes; the store applies it in one
// transaction, or nothing of it.
type Plan struct {
	WorkspaceID  int64
	Form         *Form
	Version      *Version
	SubmissionID string // public id
	At           time.Time
	EmailNorm    string
	// New is the person to create when no one has the email.
	New *crm.Person
	// Merge returns the existing person updated with the submitted values.
	Merge  func(existing *crm.Person) *crm.Person
	Values []Value
	// Consents: one change per ticked box (request under double opt-in,
	// grant otherwise), recorded with Proof and the box's wording.
	Consents []Consent
	Proof    consent.Proof
	// Optin is the double opt-in request, nil without one.
	Optin *OptinRequest
	// Messages to queue: the confirmation (its PersonPublicID is filled by
	// the store once the person is known) and the staff notification.
	Messages []*mail.Message
	// NotifyUserID is the staff user told of the submission by Notify,
	// whose To the store fills with the user's address (when still a
	// member) and whose text names the person by the PersonPlaceholder.
	NotifyUserID int64
	Notify       *mail.Message
	// RateKeys are counted, and the submission refused past their limit.
	RateKeys []RateKey
	Audit    audit.Entry
}

// Consent is one ticked box.
type Consent struct {
	Purpose string
	Action  consent.Action
	Wording string
}

// RateKey is a counter of accepted submissions per minute.
type RateKey struct {
	Key   string
	Limit int
}

// Result is what a stored submission produced.
type Result struct {
	PersonPublicID string
	Created        bool
}

// OptinRequest is a double opt-in or re-opt-in request.
type OptinRequest struct {
	ID             int64
	PublicID       string
	WorkspaceID    int64
	PersonID       int64
	PersonPublicID string
	SubmissionID   int64
	Kind           string // "optin" or "reoptin"
	Purposes       []string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	UsedAt         time.Time
	Status         string
	// Wordings of the boxes the person ticked, by purpose (from the form
	// version), for the confirmation's proof.
	FormPublicID  string
	VersionPublic string
	Lang          string // the form's language ("" for re-opt-in)
	Wordings      map[string]string
}

// Store persists forms, versions, submissions and requests.
type Store interface {
	Forms(ctx context.Context, workspaceID int64) ([]Form, error)
	Form(ctx context.Context, workspaceID int64, publicID string) (*Form, error)
	// CreateForm returns Conflict when the slug is taken.
	CreateForm(ctx context.Context, f *Form, e audit.Entry) error
	SaveDraft(ctx context.Context, f *Form, e audit.Entry) error
	// Publish stores v as the form's next version and makes it current.
	Publish(ctx context.Context, v *Version, e audit.Entry) error
	// Unpublish stops serving a form's current version, with the audit
	// entry; its versions, submissions and proofs stay.
	Unpublish(ctx context.Context, f *Form, e audit.Entry) error
	Version(ctx context.Context, id int64) (*Version, error)
	// Versions lists a form's published versions, newest first.
	Versions(ctx context.Context, workspaceID, formID int64) ([]Version, error)
	// Published returns the form at slug and its current version, in any
	// workspace; NotFound when unpublished.
	Published(ctx context.Context, slug string) (*Form, *Version, error)
	// PublishedForm returns the form at slug when it has a current
	// version, without reading the version.
	PublishedForm(ctx context.Context, slug string) (*Form, error)

	Settings(ctx context.Context, workspaceID int64) (Settings, error)
	SaveSettings(ctx context.Context, workspaceID int64, s Settings, e audit.Entry) error

	// Submit applies a plan in one transaction. TooMany past a rate
	// limit; Conflict when the address is on the suppression list.
	Submit(ctx context.Context, p *Plan) (*Result, error)
	PersonSubmissions(ctx context.Context, workspaceID int64, personPublicID string) ([]Submission, error)
	// FormSubmissions returns a page of a form's submissions, newest
	// first, with their values, and records e (its detail given the
	// count) in the same transaction. Invalid when q.After is not a
	// submission of the form.
	FormSubmissions(ctx context.Context, q SubmissionQuery, e audit.Entry) (*SubmissionPage, error)

	// OptinRequest returns a request by public id; NotFound.
	OptinRequest(ctx context.Context, publicID string) (*OptinRequest, error)
	// UseOptin marks a pending request confirmed and appends the events
	// in one transaction; Conflict when it was used or expired meanwhile.
	UseOptin(ctx context.Context, r *OptinRequest, events []*consent.Event, e audit.Entry) error
	// CreateOptin stores a request (re-opt-in links, resends) with the
	// messages to queue.
	CreateOptin(ctx context.Context, r *OptinRequest, msgs []*mail.Message, e audit.Entry) error
	// PendingOptins lists a person's pending double opt-in requests.
	PendingOptins(ctx context.Context, workspaceID int64, personPublicID string) ([]OptinRequest, error)
	// Expire withdraws the pending consents of requests past their expiry,
	// deletes people who exist only because of such a submission, and
	// returns how many requests expired.
	Expire(ctx context.Context, now time.Time, limit int) (int, error)
}
