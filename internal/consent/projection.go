package consent

import (
	"fmt"

	"github.com/registre/registre/internal/errs"
)

// Projection is a person's current consent state: what replaying their
// ledger events gives.
type Projection struct {
	Purposes map[string]PurposeState `json:"consents"`
	Flags    map[Flag]FlagState      `json:"flags"`
}

// NewProjection returns an empty projection: no consent, no flag.
func NewProjection() *Projection {
	return &Projection{Purposes: map[string]PurposeState{}, Flags: map[Flag]FlagState{}}
}

// State returns the consent state of a purpose (None when never set).
func (p *Projection) State(purpose string) State {
	if s, ok := p.Purposes[purpose]; ok {
		return s.State
	}
	return None
}

// On reports whether a flag is set.
func (p *Projection) On(f Flag) bool { return p.Flags[f].On }

// Apply applies one event, or returns a Conflict *errs.Error when the event
// is an impossible transition (confirming what was not pending, withdrawing
// what was never given, setting a flag already set…).
func (p *Projection) Apply(e *Event) error {
	switch e.Action {
	case Set, Clear:
		on := e.Action == Set
		if p.On(e.Flag) == on {
			return transitionError("The flag %s is already %s.", e.Flag, map[bool]string{true: "set", false: "cleared"}[on])
		}
		p.Flags[e.Flag] = FlagState{On: on, At: e.At, EventID: e.ID}
		return nil
	}
	from := p.State(e.Purpose)
	to, ok := next(from, e.Action)
	if !ok {
		return transitionError("Cannot %s a consent that is %s.", e.Action, from)
	}
	p.Purposes[e.Purpose] = PurposeState{State: to, At: e.At, EventID: e.ID}
	return nil
}

// next is the consent state machine.
func next(from State, a Action) (State, bool) {
	switch a {
	case Request:
		return Pending, from == None || from == Withdrawn
	case Confirm:
		return Granted, from == Pending
	case Grant:
		return Granted, true
	case Withdraw:
		return Withdrawn, from == Granted || from == Pending
	}
	return from, false
}

func transitionError(format string, args ...any) error {
	return &errs.Error{Code: errs.Conflict, Message: fmt.Sprintf(format, args...),
		Fields: map[string]string{"action": "is not possible in the current state"}}
}

// FlagBit is the bit of a flag in the people.consent_flags mask that the
// SQL predicate reads.
func FlagBit(f Flag) int64 {
	for i, x := range Flags {
		if x == f {
			return 1 << i
		}
	}
	return 0
}

// FlagMask returns the mask of the given flags.
func FlagMask(flags ...Flag) int64 {
	var m int64
	for _, f := range flags {
		m |= FlagBit(f)
	}
	return m
}
