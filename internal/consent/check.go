package consent

import (
	"context"
	"time"

	"github.com/registre/registre/internal/errs"
)

// Check answers, for one person of the workspace: may we contact them
// through ch for the purpose at time at? The person's facts, their consent
// state and their call history are read at that moment; the workspace's
// settings apply. ch empty means the purpose's own channel. NotFound for
// an unknown person, Invalid for an unknown purpose or a channel that does
// not fit it.
func (s *Service) Check(ctx context.Context, workspaceID int64, personPublicID, purposeKey string, ch Channel, at time.Time) (Decision, error) {
	decisions, err := s.CheckMany(ctx, workspaceID, []string{personPublicID}, purposeKey, ch, at)
	if err != nil {
		return Decision{}, err
	}
	d, ok := decisions[personPublicID]
	if !ok {
		return Decision{}, errs.Errorf(errs.NotFound, "Person not found.")
	}
	return d, nil
}

// CheckMany answers Check for several people at once, keyed by public id;
// a person who does not exist is left out. The outbox's sender asks it
// for a whole round of messages: the store reads every person's facts
// with a handful of queries instead of seven per person.
func (s *Service) CheckMany(ctx context.Context, workspaceID int64, personPublicIDs []string, purposeKey string, ch Channel, at time.Time) (map[string]Decision, error) {
	pu, err := s.purpose(ctx, workspaceID, purposeKey)
	if err != nil {
		return nil, err
	}
	if ch == "" {
		ch = pu.Channel
	}
	cfg, err := s.ContactSettings(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	subjects, err := s.Store.ContactSubjects(ctx, workspaceID, personPublicIDs, at, cfg)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Decision, len(subjects))
	for id, subject := range subjects {
		out[id] = Decide(subject, pu, ch, at, cfg)
	}
	return out, nil
}

// CheckAll answers Check for every purpose of the workspace through its
// own channel: the person page's "may we contact?" table.
func (s *Service) CheckAll(ctx context.Context, workspaceID int64, personPublicID string, at time.Time) ([]PurposeDecision, error) {
	purposes, err := s.Store.Purposes(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	cfg, err := s.ContactSettings(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	subject, err := s.Store.ContactSubject(ctx, workspaceID, personPublicID, at, cfg)
	if err != nil {
		return nil, err
	}
	out := make([]PurposeDecision, 0, len(purposes))
	for _, pu := range purposes {
		out = append(out, PurposeDecision{Purpose: pu, Decision: Decide(subject, pu, pu.Channel, at, cfg)})
	}
	return out, nil
}

// PurposeDecision is the decision for one purpose through its channel.
type PurposeDecision struct {
	Purpose  Purpose
	Decision Decision
}

func (s *Service) purpose(ctx context.Context, workspaceID int64, key string) (Purpose, error) {
	ps, err := s.Store.Purposes(ctx, workspaceID)
	if err != nil {
		return Purpose{}, err
	}
	for _, p := range ps {
		if p.Key == key {
			return p, nil
		}
	}
	return Purpose{}, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
		Fields: map[string]string{"purpose": "is not a purpose of this workspace"}}
}
