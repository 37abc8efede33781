package consent

import (
	"context"
	"strings"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// MaxBulk is the most people one bulk change covers; segments of any size
// come with the bulk actions of the segments issue, as background jobs.
const MaxBulk = 1000

// BulkTarget is a person a bulk change applies to.
type BulkTarget struct {
	PublicID string
	Audience crm.Audience
}

// RecordBulk applies one change to many people: one ledger event each, in
// one transaction, with the actor and the justification. A consent cannot
// be granted to consumers (B2C) without a proof reference (the form, the
// signed paper, the recording), and any grant needs a justification. It
// returns Invalid, or Conflict when the change is impossible for one of the
// people (nothing is written then).
func (s *Service) RecordBulk(ctx context.Context, workspaceID int64, targets []BulkTarget, c Change, proof Proof) (int, error) {
	var v errs.Validation
	if len(targets) == 0 {
		v.Add("people", "select at least one person")
	}
	if len(targets) > MaxBulk {
		v.Add("people", "select at most 1000 people")
	}
	if strings.TrimSpace(proof.Note) == "" {
		v.Add("note", "a bulk change needs a justification")
	}
	if c.Action == Grant || c.Action == Confirm {
		for _, t := range targets {
			if t.Audience != crm.B2B && strings.TrimSpace(proof.SourceID) == "" {
				v.Add("source_ref", "consumers (B2C) cannot be marked as consenting without a proof reference")
				break
			}
		}
	}
	if c.Flag == Suppressed {
		v.Add("change", "the suppression list is not changed in bulk")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	if proof.SourceKind == "" {
		proof.SourceKind = SourceBulk
	}
	purposes, err := s.purposeKeys(ctx, workspaceID)
	if err != nil {
		return 0, err
	}
	if c.Purpose != "" && !purposes[c.Purpose] {
		return 0, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"purpose": "is not a purpose of this workspace"}}
	}
	actor, now := audit.ActorFrom(ctx), s.Now()
	events := make([]*Event, 0, len(targets))
	for _, t := range targets {
		id, err := s.Store.PersonRef(ctx, workspaceID, t.PublicID)
		if err != nil {
			return 0, err
		}
		e := &Event{At: now, PersonID: id, PersonPublicID: t.PublicID, Purpose: c.Purpose, Flag: c.Flag, Action: c.Action,
			ActorKind: string(actor.Kind), ActorID: actor.ID, LegalBasis: proof.LegalBasis, SourceKind: proof.SourceKind,
			SourceID: proof.SourceID, Note: strings.TrimSpace(proof.Note)}
		if err := e.Validate(); err != nil {
			return 0, err
		}
		events = append(events, e)
	}
	entry := audit.NewEntry(ctx, workspaceID, "consent.bulk", "person", "", map[string]any{"people": len(events), "action": string(c.Action)})
	if err := s.Store.Append(ctx, workspaceID, events, entry); err != nil {
		return 0, err
	}
	return len(events), nil
}
