package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
)

const eventColumns = `id, workspace_id, seq, at, person_id, person_public_id, purpose, flag, action, actor_kind,
	actor_id, legal_basis, source_kind, source_id, source_version, wording, wording_sha256, page_url, ip,
	user_agent, note, pii_digest, pseudonymised, prev_hash, hash`

func scanEvent(row interface{ Scan(...any) error }) (*consent.Event, error) {
	var e consent.Event
	var at int64
	err := row.Scan(&e.ID, &e.WorkspaceID, &e.Seq, &at, &e.PersonID, &e.PersonPublicID, &e.Purpose, &e.Flag, &e.Action,
		&e.ActorKind, &e.ActorID, &e.LegalBasis, &e.SourceKind, &e.SourceID, &e.SourceVersion, &e.Wording,
		&e.WordingSHA256, &e.PageURL, &e.IP, &e.UserAgent, &e.Note, &e.PIIDigest, &e.Pseudonymised, &e.PrevHash, &e.Hash)
	if err != nil {
		return nil, err
	}
	e.At = time.UnixMicro(at).UTC()
	return &e, nil
}

func (s ConsentStore) events(ctx context.Context, q string, args ...any) ([]consent.Event, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+eventColumns+` FROM consent_events WHERE `+q, args...)
	if err != nil {
		return nil, fmt.Errorf("read ledger: %w", err)
	}
	defer rows.Close()
	var out []consent.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// PersonEvents returns a person's events in chain order. The ledger
// outlives the people it names, and SQLite gives the largest id again
// once its person is deleted: the public id, never reused, tells the
// person's events from those of someone deleted before them.
func (s ConsentStore) PersonEvents(ctx context.Context, workspaceID, personID int64, personPublicID string) ([]consent.Event, error) {
	return s.events(ctx, `workspace_id = $1 AND person_id = $2 AND person_public_id = $3 ORDER BY seq`,
		workspaceID, personID, personPublicID)
}

// ChainEvents returns events of the chain after a sequence number.
func (s ConsentStore) ChainEvents(ctx context.Context, workspaceID, afterSeq int64, limit int) ([]consent.Event, error) {
	return s.events(ctx, `workspace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, workspaceID, afterSeq, limit)
}

// EventBySeq returns one event of the chain.
func (s ConsentStore) EventBySeq(ctx context.Context, workspaceID, seq int64) (*consent.Event, error) {
	e, err := scanEvent(s.DB.QueryRow(ctx, `SELECT `+eventColumns+` FROM consent_events WHERE workspace_id = $1 AND seq = $2`, workspaceID, seq))
	if err != nil {
		return nil, notFound(err, "Event")
	}
	return e, nil
}

// Head returns the chain head (0, "" for an empty chain).
func (s ConsentStore) Head(ctx context.Context, workspaceID int64) (int64, string, error) {
	var seq int64
	var hash string
	err := s.DB.QueryRow(ctx, `SELECT seq, hash FROM consent_chain_heads WHERE workspace_id = $1`, workspaceID).Scan(&seq, &hash)
	if err != nil {
		if errs.Is(notFound(err, "head"), errs.NotFound) {
			return 0, "", nil
		}
		return 0, "", err
	}
	return seq, hash, nil
}
