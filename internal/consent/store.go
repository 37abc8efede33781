package consent

import (
	"context"

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
	// PersonEvents returns a person's events in chain order.
	PersonEvents(ctx context.Context, workspaceID, personID int64) ([]Event, error)
	// ChainEvents returns up to limit events of the workspace's chain after
	// seq, in order; Verify walks the chain with it.
	ChainEvents(ctx context.Context, workspaceID, afterSeq int64, limit int) ([]Event, error)
	// Head returns the chain head: the last sequence number and hash.
	Head(ctx context.Context, workspaceID int64) (int64, string, error)
	// EventBySeq returns one event of the chain (for proving a person's
	// events link to their predecessors).
	EventBySeq(ctx context.Context, workspaceID, seq int64) (*Event, error)
}
