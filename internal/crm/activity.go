package crm

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/registre/registre/internal/errs"
)

// MaxActivityBody is the longest note accepted.
const MaxActivityBody = 20000

// Activity is an entry of a person's or organisation's timeline.
type Activity struct {
	ID                   int64
	PublicID             string
	WorkspaceID          int64
	PersonID             int64
	PersonPublicID       string
	PersonName           string
	OrganisationID       int64
	OrganisationPublicID string
	Kind                 ActivityKind
	OccurredAt           time.Time
	AuthorUserID         int64
	AuthorName           string
	// FormPublicID and FormName name the web form a form submission came
	// from (the person submitted it: there is no staff author); "" for
	// every other activity.
	FormPublicID        string
	FormName            string
	Subject             string
	Body                string
	Outcome             CallOutcome // calls only
	CountsAsInteraction bool
	CreatedAt           time.Time
}

// ActivityInput is what a user or client sends to add an activity. Exactly
// one of PersonID and OrganisationID (public ids) is set.
type ActivityInput struct {
	PersonID            string
	OrganisationID      string
	Kind                ActivityKind
	OccurredAt          time.Time // zero means now
	Subject             string
	Body                string
	Outcome             CallOutcome // calls only; empty if unknown
	CountsAsInteraction *bool       // nil means the kind's default
}

// Build validates in; the error is an Invalid *errs.Error.
func (in ActivityInput) Build(now time.Time) (*Activity, error) {
	var v errs.Validation
	a := &Activity{
		Kind:       in.Kind,
		OccurredAt: in.OccurredAt,
		Subject:    strings.TrimSpace(in.Subject),
		Body:       strings.TrimSpace(in.Body),
		Outcome:    in.Outcome,
	}
	if !oneOf(a.Kind, ActivityKinds) {
		v.Add("kind", "must be one of note, call, meeting, email, form_submission, purchase, other")
	}
	if a.Outcome != OutcomeNone && (a.Kind != KindCall || !oneOf(a.Outcome, CallOutcomes)) {
		v.Add("outcome", "is for calls only: reached, no_answer or refused")
	}
	if (in.PersonID == "") == (in.OrganisationID == "") {
		v.Add("person_id", "give either a person or an organisation")
	}
	checkText(&v, "subject", a.Subject, MaxNameLength)
	if !utf8.ValidString(a.Body) {
		v.Add("body", "is not valid UTF-8 text")
	} else if utf8.RuneCountInString(a.Body) > MaxActivityBody {
		v.Add("body", "is too long (at most 20000 characters)")
	} else if strings.ContainsFunc(strings.NewReplacer("\n", "", "\r", "").Replace(a.Body), isControl) {
		v.Add("body", "contains control characters")
	}
	if a.Subject == "" && a.Body == "" {
		v.Add("body", "write a subject or a note")
	}
	if a.OccurredAt.IsZero() {
		a.OccurredAt = now
	} else if a.OccurredAt.After(now.Add(366 * 24 * time.Hour)) {
		v.Add("occurred_at", "is too far in the future")
	}
	a.CountsAsInteraction = a.Kind.CountsByDefault()
	if in.CountsAsInteraction != nil {
		a.CountsAsInteraction = *in.CountsAsInteraction
	}
	// An interaction is something that happened: an activity dated in the
	// future (a planned meeting) never counts; record it again, or edit it
	// into a new activity, once it has taken place.
	if a.OccurredAt.After(now) {
		a.CountsAsInteraction = false
	}
	return a, v.Err()
}
