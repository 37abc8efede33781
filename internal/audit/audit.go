// Package audit defines the audit log: who did what to which object, when,
// and through which request. Entries never hold personal values: only ids,
// action names, field names and counts.
package audit

import (
	"context"
	"time"
)

// ActorKind says what kind of actor acted.
type ActorKind string

// The actor kinds.
const (
	ActorUser     ActorKind = "user"
	ActorAPIToken ActorKind = "api_token"
	ActorSystem   ActorKind = "system"
	ActorCLI      ActorKind = "cli"
	ActorPerson   ActorKind = "person"
)

// Actor is whoever causes a change: a staff user, an API token, a command
// run by an operator, the system itself, or the data subject.
type Actor struct {
	Kind ActorKind
	// ID is the public id of the user or token; empty for system and CLI.
	ID string
	// UserID is the internal id of the user (also set for CLI commands run
	// as a user); 0 otherwise.
	UserID int64
}

// System is the actor for work that no person started (sweeps, workers).
var System = Actor{Kind: ActorSystem}

// Entry is one line of the audit log.
type Entry struct {
	ID          int64
	WorkspaceID int64
	At          time.Time
	Actor       Actor
	Action      string // e.g. "person.create"
	ObjectType  string // e.g. "person"
	ObjectID    string // public id
	RequestID   string
	// Detail holds non-personal facts: names of changed fields, counts.
	Detail map[string]any
}

// Filter selects audit entries; zero fields match everything.
type Filter struct {
	WorkspaceID int64
	Action      string
	ObjectType  string
	ObjectID    string
	ActorID     string
	Since       time.Time
	Until       time.Time
	// BeforeID pages backwards: entries with a smaller id than this.
	BeforeID int64
	Limit    int
}

type ctxKey int

const (
	actorKey ctxKey = iota
	requestIDKey
)

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// ActorFrom returns the actor in ctx, or System when there is none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey).(Actor); ok {
		return a
	}
	return System
}

// WithRequestID returns a context carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestIDFrom returns the request id in ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// NewEntry builds an entry for the actor and request found in ctx.
func NewEntry(ctx context.Context, workspaceID int64, action, objectType, objectID string, detail map[string]any) Entry {
	return Entry{
		WorkspaceID: workspaceID,
		At:          time.Now().UTC(),
		Actor:       ActorFrom(ctx),
		Action:      action,
		ObjectType:  objectType,
		ObjectID:    objectID,
		RequestID:   RequestIDFrom(ctx),
		Detail:      detail,
	}
}
