package consent

import (
	"context"
	"time"

	"github.com/registre/registre/internal/audit"
)

// Store persists the ledger and its projection. It has no method that
// changes or deletes an event: a test holds it to that.
type Store interface {
	Purposes(ctx context.Context, workspaceID int64) ([]Purpose, error)
	// PersonRef returns the internal id of a person of the workspace, or
	// NotFound.
	PersonRef(ctx context.Context, workspaceID int64, publicID string) (int64, error)
	// Append appends events and projects them in one transaction; Conflict
	// for an impossible transition, in which case nothing is written.
	Append(ctx context.Context, workspaceID int64, events []*Event, e audit.Entry) error
	Projection(ctx context.Context, personID int64) (*Projection, error)
	// PersonEvents returns a person's events in chain order: those
	// naming both their id and their public id (an id may have been
	// someone else's before).
	PersonEvents(ctx context.Context, workspaceID, personID int64, personPublicID string) ([]Event, error)
	// ChainEvents returns up to limit events of the workspace's chain after
	// seq, in order; Verify walks the chain with it.
	ChainEvents(ctx context.Context, workspaceID, afterSeq int64, limit int) ([]Event, error)
	// Head returns the chain head: the last sequence number and hash.
	Head(ctx context.Context, workspaceID int64) (int64, string, error)
	// EventBySeq returns one event of the chain (for proving a person's
	// events link to their predecessors).
	EventBySeq(ctx context.Context, workspaceID, seq int64) (*Event, error)
	// ContactSubject returns what the rules need to know of a person at
	// time at: facts, consent state and call history (calls in the 30 days
	// before at, last refusal). NotFound for an unknown person.
	ContactSubject(ctx context.Context, workspaceID int64, personPublicID string, at time.Time, cfg Settings) (Subject, error)
	// ContactSubjects is ContactSubject for several people, keyed by
	// public id; a person who does not exist is left out.
	ContactSubjects(ctx context.Context, workspaceID int64, personPublicIDs []string, at time.Time, cfg Settings) (map[string]Subject, error)
}

// SettingsStore keeps each workspace's contact-rule settings. It is apart
// from Store, whose methods never change what was recorded.
type SettingsStore interface {
	ContactSettings(ctx context.Context, workspaceID int64) (Settings, error)
	// SetContactSettings validates and saves them with the audit entry.
	SetContactSettings(ctx context.Context, workspaceID int64, s SettingsJSON, e audit.Entry) error
}
