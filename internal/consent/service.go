package consent

import (
	"context"
	"strings"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
)

// Change is one change asked of a person's consent or flags.
type Change struct {
	Purpose string // for request/confirm/grant/withdraw
	Flag    Flag   // for set/clear
	Action  Action
}

// Proof is the evidence that comes with changes.
type Proof struct {
	LegalBasis    LegalBasis
	SourceKind    SourceKind
	SourceID      string
	SourceVersion string
	Wording       string
	PageURL       string
	IP            string
	UserAgent     string
	Note          string
}

// Service records consent changes with their proof and answers for them.
type Service struct {
	Store Store
	// Settings keeps the contact-rule settings; nil means the defaults
	// everywhere, and no way to change them.
	Settings SettingsStore
	Now      func() time.Time
}

// NewService returns a Service using the wall clock. A store that also
// keeps the settings (sqldb.ConsentStore does) serves them too.
func NewService(s Store) *Service {
	settings, _ := s.(SettingsStore)
	return &Service{Store: s, Settings: settings, Now: func() time.Time { return time.Now().UTC() }}
}

// ContactSettings returns the workspace's contact-rule settings.
func (s *Service) ContactSettings(ctx context.Context, workspaceID int64) (Settings, error) {
	if s.Settings == nil {
		return DefaultSettings(), nil
	}
	return s.Settings.ContactSettings(ctx, workspaceID)
}

// Record appends changes for one person, with one proof, as ledger events
// in one transaction. It returns NotFound for an unknown person, Invalid
// for an unknown purpose or a missing proof field, and Conflict for an
// impossible transition; nothing is recorded then.
func (s *Service) Record(ctx context.Context, workspaceID int64, personPublicID string, changes []Change, proof Proof) ([]*Event, error) {
	personID, err := s.Store.PersonRef(ctx, workspaceID, personPublicID)
	if err != nil {
		return nil, err
	}
	purposes, err := s.purposeKeys(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	actor := audit.ActorFrom(ctx)
	now := s.Now()
	var events []*Event
	for _, c := range changes {
		if c.Flag == Suppressed {
			return nil, errs.Errorf(errs.Forbidden, "The suppression list is kept by Registre: only the person's own new consent, or an administrator removing the address with a reason, lifts it.")
		}
		if c.Purpose != "" && !purposes[c.Purpose] {
			return nil, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
				Fields: map[string]string{"purpose": "is not a purpose of this workspace"}}
		}
		e := &Event{At: now, PersonID: personID, PersonPublicID: personPublicID, Purpose: c.Purpose, Flag: c.Flag,
			Action: c.Action, ActorKind: string(actor.Kind), ActorID: actor.ID, LegalBasis: proof.LegalBasis,
			SourceKind: proof.SourceKind, SourceID: proof.SourceID, SourceVersion: proof.SourceVersion,
			Wording: proof.Wording, PageURL: proof.PageURL, IP: proof.IP, UserAgent: proof.UserAgent,
			Note: strings.TrimSpace(proof.Note)}
		if err := e.Validate(); err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return s.append(ctx, workspaceID, personPublicID, events)
}

func (s *Service) append(ctx context.Context, workspaceID int64, personPublicID string, events []*Event) ([]*Event, error) {
	if len(events) == 0 {
		return nil, errs.Errorf(errs.Invalid, "No change was given.")
	}
	entry := audit.NewEntry(ctx, workspaceID, "consent.record", "person", personPublicID, map[string]any{"events": len(events)})
	if err := s.Store.Append(ctx, workspaceID, events, entry); err != nil {
		return nil, err
	}
	return events, nil
}

func (s *Service) purposeKeys(ctx context.Context, workspaceID int64) (map[string]bool, error) {
	ps, err := s.Store.Purposes(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for _, p := range ps {
		keys[p.Key] = true
	}
	return keys, nil
}

// PersonProof is everything that proves a person's consent state.
type PersonProof struct {
	PersonPublicID string      `json:"person_id"`
	Projection     *Projection `json:"current_state"`
	Events         []Event     `json:"events"`
	// Problem is nil when every event checks against the chain.
	Problem *Problem `json:"chain_problem"`
}

// Proof returns a person's events with their evidence, their current state
// and the check of their events against the chain. NotFound.
func (s *Service) Proof(ctx context.Context, workspaceID int64, personPublicID string) (*PersonProof, error) {
	personID, err := s.Store.PersonRef(ctx, workspaceID, personPublicID)
	if err != nil {
		return nil, err
	}
	events, err := s.Store.PersonEvents(ctx, workspaceID, personID, personPublicID)
	if err != nil {
		return nil, err
	}
	proj, err := s.Store.Projection(ctx, personID)
	if err != nil {
		return nil, err
	}
	problem, err := VerifyEvents(ctx, s.Store, workspaceID, events)
	if err != nil {
		return nil, err
	}
	return &PersonProof{PersonPublicID: personPublicID, Projection: proj, Events: events, Problem: problem}, nil
}

// Replay folds events into a projection, as the store did when it appended
// them; a test compares the two.
func Replay(events []Event) (*Projection, error) {
	p := NewProjection()
	for i := range events {
		if err := p.Apply(&events[i]); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// LiftSuppression clears a person's suppressed flag after an administrator
// removed their address from the list, with the reason as the note.
func (s *Service) LiftSuppression(ctx context.Context, workspaceID int64, personPublicID, reason string) error {
	personID, err := s.Store.PersonRef(ctx, workspaceID, personPublicID)
	if err != nil {
		return err
	}
	actor := audit.ActorFrom(ctx)
	e := &Event{At: s.Now(), PersonID: personID, PersonPublicID: personPublicID, Flag: Suppressed, Action: Clear,
		ActorKind: string(actor.Kind), ActorID: actor.ID, SourceKind: SourceStaff, Note: reason}
	if err := e.Validate(); err != nil {
		return err
	}
	_, err = s.append(ctx, workspaceID, personPublicID, []*Event{e})
	return err
}
