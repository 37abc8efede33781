package forms

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/mail"
)

// ErrUsedLink is what a link used before (or whose request expired) gets.
var ErrUsedLink = errs.Errorf(errs.Conflict, "This link was already used. Your choice is recorded; nothing more to do.")

// OpenLink checks a link's token and returns its pending request, without
// changing anything: mail systems open links to scan them, so only the
// person's press of the button confirms. ErrBadLink, ErrExpiredLink,
// ErrUsedLink.
func (s *Service) OpenLink(ctx context.Context, kind TokenKind, token string) (*OptinRequest, error) {
	id, err := s.Signer.Verify(kind, token, s.Now())
	if err != nil {
		return nil, err
	}
	r, err := s.Store.OptinRequest(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, ErrBadLink
	}
	if err != nil {
		return nil, err
	}
	if (kind == TokenOptin) != (r.Kind == "optin") {
		return nil, ErrBadLink
	}
	if r.Status == StatusExpired {
		return nil, ErrExpiredLink
	}
	if r.Status != StatusPending {
		return nil, ErrUsedLink
	}
	return r, nil
}

// Visit is where a confirmation came from, for its proof.
type Visit struct {
	PageURL   string
	IP        string
	UserAgent string
}

// ConfirmOptin confirms the pending consents of a double opt-in request:
// one confirm event per purpose, with the proof of the click and the
// wording the person ticked on the form. Errors as OpenLink.
func (s *Service) ConfirmOptin(ctx context.Context, token string, v Visit) (*OptinRequest, error) {
	r, err := s.OpenLink(ctx, TokenOptin, token)
	if err != nil {
		return nil, err
	}
	events := s.events(r, r.Purposes, consent.Confirm, v, consent.SourceLink)
	e := audit.NewEntry(audit.WithActor(ctx, audit.Actor{Kind: audit.ActorPerson, ID: r.PersonPublicID}), r.WorkspaceID,
		"optin.confirm", "person", r.PersonPublicID, map[string]any{"purposes": len(r.Purposes)})
	return r, s.Store.UseOptin(ctx, r, events, e)
}

// ConfirmReoptinRequest records the consents the person ticked themselves
// on a re-opt-in page (only purposes the request offered), with the proof
// and the wording of each box as shown (r.Wordings, set by the page).
// Invalid when no box was ticked; Conflict when the link was used
// meanwhile.
func (s *Service) ConfirmReoptinRequest(ctx context.Context, r *OptinRequest, ticked []string, v Visit) (*OptinRequest, error) {
	var chosen []string
	for _, p := range ticked {
		if slices.Contains(r.Purposes, p) && !slices.Contains(chosen, p) {
			chosen = append(chosen, p)
		}
	}
	if len(chosen) == 0 {
		return r, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"consent": "Tick a box to give your consent, or close this page."}}
	}
	events := s.events(r, chosen, consent.Grant, v, consent.SourceLink)
	e := audit.NewEntry(audit.WithActor(ctx, audit.Actor{Kind: audit.ActorPerson, ID: r.PersonPublicID}), r.WorkspaceID,
		"reoptin.confirm", "person", r.PersonPublicID, map[string]any{"purposes": len(chosen)})
	return r, s.Store.UseOptin(ctx, r, events, e)
}

func (s *Service) events(r *OptinRequest, purposes []string, action consent.Action, v Visit, src consent.SourceKind) []*consent.Event {
	now := s.Now()
	var out []*consent.Event
	for _, p := range purposes {
		out = append(out, &consent.Event{At: now, PersonID: r.PersonID, PersonPublicID: r.PersonPublicID, Purpose: p,
			Action: action, ActorKind: string(audit.ActorPerson), LegalBasis: consent.BasisConsent,
			SourceKind: src, SourceID: r.PublicID, SourceVersion: r.VersionPublic, Wording: r.Wordings[p],
			PageURL: clip(v.PageURL), IP: clip(v.IP), UserAgent: clip(v.UserAgent)})
	}
	return out
}

// ReoptinWording is the text of a re-opt-in box for a purpose label.
func ReoptinWording(lang, label string) string {
	if lang == "en" {
		return "I agree to: " + label + ". I can withdraw my consent at any time."
	}
	return "J'accepte : " + label + ". Je peux retirer mon consentement à tout moment."
}

// CreateReoptin makes a signed per-person link to the re-opt-in page,
// offering the purposes given (not the transactional one). It returns the
// link. NotFound for an unknown person, Invalid for an unknown purpose.
func (s *Service) CreateReoptin(ctx context.Context, workspaceID int64, personPublicID string, purposes []string, days int) (string, error) {
	personID, err := s.Consent.Store.PersonRef(ctx, workspaceID, personPublicID)
	if err != nil {
		return "", err
	}
	all, err := s.Consent.Store.Purposes(ctx, workspaceID)
	if err != nil {
		return "", err
	}
	for _, p := range purposes {
		if !slices.ContainsFunc(all, func(x consent.Purpose) bool { return x.Key == p && x.Kind != consent.Transactional }) {
			return "", &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"purposes": "is not a purpose of this workspace"}}
		}
	}
	if len(purposes) == 0 {
		return "", &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"purposes": "choose at least one purpose"}}
	}
	now := s.Now()
	r := &OptinRequest{PublicID: uuid.NewString(), WorkspaceID: workspaceID, PersonID: personID, PersonPublicID: personPublicID,
		Kind: "reoptin", Purposes: purposes, CreatedAt: now, ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour), Status: StatusPending}
	e := audit.NewEntry(ctx, workspaceID, "reoptin.create", "person", personPublicID, map[string]any{"purposes": len(purposes)})
	if err := s.Store.CreateOptin(ctx, r, nil, e); err != nil {
		return "", err
	}
	return s.BaseURL + "/reoptin/" + s.Signer.Sign(TokenReoptin, r.PublicID, r.ExpiresAt), nil
}

// Resend sends a new confirmation email for a person's newest pending
// double opt-in request; it leaves through the contact rules like the
// first. NotFound when none is pending.
func (s *Service) Resend(ctx context.Context, workspaceID int64, personPublicID, lang string) error {
	pending, err := s.Store.PendingOptins(ctx, workspaceID, personPublicID)
	if err != nil {
		return err
	}
	if len(pending) == 0 {
		return errs.Errorf(errs.NotFound, "This person has no pending double opt-in to confirm.")
	}
	st, err := s.Store.Settings(ctx, workspaceID)
	if err != nil {
		return err
	}
	email, err := s.personEmail(ctx, workspaceID, personPublicID)
	if err != nil {
		return err
	}
	old := pending[0]
	now := s.Now()
	r := &OptinRequest{PublicID: uuid.NewString(), WorkspaceID: workspaceID, PersonID: old.PersonID, PersonPublicID: personPublicID,
		SubmissionID: old.SubmissionID, Kind: "optin", Purposes: old.Purposes, CreatedAt: now, ExpiresAt: old.ExpiresAt, Status: StatusPending}
	m := s.optinMessage(st, lang, email, r)
	m.WorkspaceID, m.PersonPublicID = workspaceID, personPublicID
	e := audit.NewEntry(ctx, workspaceID, "optin.resend", "person", personPublicID, nil)
	if err := s.Store.CreateOptin(ctx, r, []*mail.Message{m}, e); err != nil {
		return err
	}
	s.queued()
	return nil
}

func (s *Service) personEmail(ctx context.Context, workspaceID int64, personPublicID string) (string, error) {
	p, err := s.Fields.Person(ctx, workspaceID, personPublicID)
	if err != nil {
		return "", err
	}
	if p.PrimaryEmail() == "" {
		return "", errs.Errorf(errs.Invalid, "This person has no email address.")
	}
	return p.PrimaryEmail(), nil
}

// Expire ends the double opt-in requests past their expiry (see
// Store.Expire); the serve command runs it every few minutes.
func (s *Service) Expire(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.Store.Expire(ctx, s.Now(), 500)
		total += n
		if err != nil || n < 500 {
			return total, err
		}
	}
}
