package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
)

// ConsentStore implements consent.Store: the ledger, its chain and the
// projection, all written in one transaction.
type ConsentStore struct{ DB *DB }

var _ consent.Store = ConsentStore{}

func insertDefaultPurposes(ctx context.Context, tx *Tx, workspaceID int64, at time.Time) error {
	for i, p := range consent.DefaultPurposes {
		if _, err := tx.Exec(ctx, `INSERT INTO purposes (workspace_id, key, label_fr, label_en, channel, kind, bit, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, workspaceID, p.Key, p.LabelFR, p.LabelEN, string(p.Channel), string(p.Kind), i, at.UnixMicro()); err != nil {
			return fmt.Errorf("insert purpose: %w", err)
		}
	}
	return nil
}

// Purposes lists a workspace's purposes.
func (s ConsentStore) Purposes(ctx context.Context, workspaceID int64) ([]consent.Purpose, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, key, label_fr, label_en, channel, kind, bit FROM purposes
		WHERE workspace_id = $1 ORDER BY id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list purposes: %w", err)
	}
	defer rows.Close()
	var out []consent.Purpose
	for rows.Next() {
		p := consent.Purpose{WorkspaceID: workspaceID}
		if err := rows.Scan(&p.ID, &p.Key, &p.LabelFR, &p.LabelEN, &p.Channel, &p.Kind, &p.Bit); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Append appends events (of any people of one workspace) to the ledger in
// one transaction: each is checked against its person's projection, given
// the next place in the workspace's chain, and projected. The chain head is
// locked for the transaction, so appends from several processes queue
// rather than fork the chain. It returns Conflict for an impossible
// transition; nothing is written then.
func (s ConsentStore) Append(ctx context.Context, workspaceID int64, events []*consent.Event, e audit.Entry) error {
	key, err := suppressionKey(ctx, s.DB, workspaceID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if err := appendEvents(ctx, tx, key, workspaceID, events); err != nil {
			return err
		}
		return insertAudit(ctx, tx, e)
	})
}

// appendEvents appends and projects events inside tx (see Append); the
// people store uses it too, to record a suppression in the transaction
// that creates the person.
func appendEvents(ctx context.Context, tx *Tx, key []byte, workspaceID int64, events []*consent.Event) error {
	if bulkAppendable(tx.db.Engine, events) {
		return appendEventsBulk(ctx, tx, workspaceID, events)
	}
	seq, hash, err := lockHead(ctx, tx, workspaceID)
	if err != nil {
		return err
	}
	bits, err := purposeBits(ctx, tx, workspaceID)
	if err != nil {
		return err
	}
	projections := map[int64]*consent.Projection{}
	add := func(ev *consent.Event, p *consent.Projection) error {
		seq++
		ev.WorkspaceID, ev.Seq = workspaceID, seq
		ev.Seal(hash)
		hash = ev.Hash
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		if err := p.Apply(ev); err != nil {
			return err
		}
		return project(ctx, tx, ev, p, bits)
	}
	for _, ev := range events {
		p, ok := projections[ev.PersonID]
		if !ok {
			if p, err = loadProjection(ctx, tx, ev.PersonID); err != nil {
				return err
			}
			projections[ev.PersonID] = p
		}
		if err := add(ev, p); err != nil {
			return err
		}
		follow, err := suppressionFollowUp(ctx, tx, key, ev, p)
		if err != nil {
			return err
		}
		for _, f := range follow {
			if err := add(f, p); err != nil {
				return err
			}
		}
	}
	return moveHead(ctx, tx, workspaceID, seq, hash)
}

func lockHead(ctx context.Context, tx *Tx, workspaceID int64) (int64, string, error) {
	// The head exists after a workspace's first event: one statement in
	// the common case, a round trip less for every form group.
	var seq int64
	var hash string
	lock := `SELECT seq, hash FROM consent_chain_heads WHERE workspace_id = $1` + tx.dialect.forUpdate()
	err := tx.QueryRow(ctx, lock, workspaceID).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := tx.Exec(ctx, `INSERT INTO consent_chain_heads (workspace_id, seq, hash) VALUES ($1, 0, '')
			ON CONFLICT (workspace_id) DO NOTHING`, workspaceID); err != nil {
			return 0, "", fmt.Errorf("create chain head: %w", err)
		}
		err = tx.QueryRow(ctx, lock, workspaceID).Scan(&seq, &hash)
	}
	if err != nil {
		return 0, "", fmt.Errorf("lock chain head: %w", err)
	}
	return seq, hash, nil
}

func insertEvent(ctx context.Context, tx *Tx, e *consent.Event) error {
	err := tx.QueryRow(ctx, `INSERT INTO consent_events (workspace_id, seq, at, person_id, person_public_id, purpose, flag,
		action, actor_kind, actor_id, legal_basis, source_kind, source_id, source_version, wording, wording_sha256,
		page_url, ip, user_agent, note, pii_digest, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
		RETURNING id`,
		e.WorkspaceID, e.Seq, e.At.UnixMicro(), e.PersonID, e.PersonPublicID, e.Purpose, string(e.Flag), string(e.Action),
		e.ActorKind, e.ActorID, string(e.LegalBasis), string(e.SourceKind), e.SourceID, e.SourceVersion, e.Wording,
		e.WordingSHA256, e.PageURL, e.IP, e.UserAgent, e.Note, e.PIIDigest, e.PrevHash, e.Hash).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("append consent event: %w", err)
	}
	return nil
}

// project writes the state an event produced.
func project(ctx context.Context, tx *Tx, e *consent.Event, p *consent.Projection, bits map[string]int64) error {
	var err error
	if e.Flag != "" {
		_, err = tx.Exec(ctx, `INSERT INTO person_flags (person_id, flag, workspace_id, is_on, at, event_id)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (person_id, flag)
			DO UPDATE SET is_on = excluded.is_on, at = excluded.at, event_id = excluded.event_id`,
			e.PersonID, string(e.Flag), e.WorkspaceID, p.On(e.Flag), e.At.UnixMicro(), e.ID)
		if err == nil {
			_, err = tx.Exec(ctx, `UPDATE people SET consent_flags = $2 WHERE id = $1`, e.PersonID, mask(p))
		}
	} else {
		_, err = tx.Exec(ctx, `INSERT INTO consent_states (person_id, purpose, workspace_id, state, at, event_id)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (person_id, purpose)
			DO UPDATE SET state = excluded.state, at = excluded.at, event_id = excluded.event_id`,
			e.PersonID, e.Purpose, e.WorkspaceID, string(p.State(e.Purpose)), e.At.UnixMicro(), e.ID)
		if err == nil {
			err = projectBits(ctx, tx, e.PersonID, bits[e.Purpose], p.State(e.Purpose))
		}
	}
	if err != nil {
		return fmt.Errorf("project consent event: %w", err)
	}
	return nil
}

// projectBits sets the purpose's bit in the person's granted and withdrawn
// masks to match its new state, leaving the row alone when they already do.
func projectBits(ctx context.Context, tx *Tx, personID, bit int64, st consent.State) error {
	if bit == 0 {
		return fmt.Errorf("purpose has no bit")
	}
	_, err := tx.Exec(ctx, `UPDATE people SET
		consent_granted = CASE WHEN $2 THEN consent_granted | $4 ELSE consent_granted & ~CAST($4 AS BIGINT) END,
		consent_withdrawn = CASE WHEN $3 THEN consent_withdrawn | $4 ELSE consent_withdrawn & ~CAST($4 AS BIGINT) END
		WHERE id = $1 AND ((consent_granted & $4) <> CASE WHEN $2 THEN $4 ELSE 0 END
			OR (consent_withdrawn & $4) <> CASE WHEN $3 THEN $4 ELSE 0 END)`, personID, st == consent.Granted, st == consent.Withdrawn, bit)
	return err
}

// purposeBits maps a workspace's purpose keys to their mask bits.
func purposeBits(ctx context.Context, q querier, workspaceID int64) (map[string]int64, error) {
	rows, err := q.Query(ctx, `SELECT key, bit FROM purposes WHERE workspace_id = $1`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("read purpose bits: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var key string
		var bit int
		if err := rows.Scan(&key, &bit); err != nil {
			return nil, err
		}
		out[key] = 1 << bit
	}
	return out, rows.Err()
}

// RebuildMasks recomputes every person's consent masks of a workspace from
// consent_states, for a projection written by other means than the ledger
// (a benchmark set-up, a repair by hand). One set-based
// pass: a correlated subquery per person takes minutes at a million.
func (s ConsentStore) RebuildMasks(ctx context.Context, workspaceID int64) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE people SET consent_granted = 0, consent_withdrawn = 0
			WHERE workspace_id = $1 AND (consent_granted <> 0 OR consent_withdrawn <> 0)`, workspaceID); err != nil {
			return fmt.Errorf("rebuild consent masks: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE people SET consent_granted = m.granted, consent_withdrawn = m.withdrawn
			FROM (SELECT cs.person_id,
				CAST(SUM(CASE WHEN cs.state = 'granted' THEN CAST(1 AS BIGINT) << pu.bit ELSE 0 END) AS BIGINT) AS granted,
				CAST(SUM(CASE WHEN cs.state = 'withdrawn' THEN CAST(1 AS BIGINT) << pu.bit ELSE 0 END) AS BIGINT) AS withdrawn
				FROM consent_states cs JOIN purposes pu ON pu.workspace_id = cs.workspace_id AND pu.key = cs.purpose
				WHERE cs.workspace_id = $1 GROUP BY cs.person_id) m
			WHERE people.id = m.person_id`, workspaceID); err != nil {
			return fmt.Errorf("rebuild consent masks: %w", err)
		}
		return nil
	})
}

func mask(p *consent.Projection) int64 {
	var m int64
	for f, st := range p.Flags {
		if st.On {
			m |= consent.FlagBit(f)
		}
	}
	return m
}

// loadProjection reads a person's current state from the projection tables.
func loadProjection(ctx context.Context, q querier, personID int64) (*consent.Projection, error) {
	p := consent.NewProjection()
	rows, err := q.Query(ctx, `SELECT purpose, state, at, event_id FROM consent_states WHERE person_id = $1`, personID)
	if err != nil {
		return nil, fmt.Errorf("read consent: %w", err)
	}
	for rows.Next() {
		var key string
		var st consent.PurposeState
		var at int64
		if err := rows.Scan(&key, &st.State, &at, &st.EventID); err != nil {
			rows.Close()
			return nil, err
		}
		st.At = time.UnixMicro(at).UTC()
		p.Purposes[key] = st
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT flag, is_on, at, event_id FROM person_flags WHERE person_id = $1`, personID)
	if err != nil {
		return nil, fmt.Errorf("read flags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f string
		var st consent.FlagState
		var at int64
		if err := rows.Scan(&f, &st.On, &at, &st.EventID); err != nil {
			return nil, err
		}
		st.At = time.UnixMicro(at).UTC()
		p.Flags[consent.Flag(f)] = st
	}
	return p, rows.Err()
}

// querier is what both *DB and *Tx offer for reading.
type querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

// Projection returns a person's current state.
func (s ConsentStore) Projection(ctx context.Context, personID int64) (*consent.Projection, error) {
	return loadProjection(ctx, s.DB, personID)
}

// PersonRef resolves a person of the workspace: internal id and public id.
func (s ConsentStore) PersonRef(ctx context.Context, workspaceID int64, publicID string) (int64, error) {
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT id FROM people WHERE workspace_id = $1 AND public_id = $2`, workspaceID, publicID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, errs.Errorf(errs.NotFound, "Person not found.")
	}
	return id, err
}

// suppressionFollowUp keeps the suppression list in step with the ledger:
// an objection to all prospecting puts the person's addresses on the list
// (and marks them suppressed); the person's own new consent takes them off.
// The flag changes it returns are appended as system events in the same
// transaction, so the ledger says why the person's state changed.
func suppressionFollowUp(ctx context.Context, tx *Tx, key []byte, ev *consent.Event, p *consent.Projection) ([]*consent.Event, error) {
	objection := ev.Flag == consent.OpposedAll && ev.Action == consent.Set
	ownConsent := ev.ActorKind == string(audit.ActorPerson) && (ev.Action == consent.Grant || ev.Action == consent.Confirm)
	if !objection && !(ownConsent && p.On(consent.Suppressed)) {
		return nil, nil
	}
	emails, phones, err := storedContacts(ctx, tx, ev.PersonID)
	if err != nil {
		return nil, err
	}
	hashes := personHashes(key, emails, phones)
	follow := &consent.Event{At: ev.At, PersonID: ev.PersonID, PersonPublicID: ev.PersonPublicID, Flag: consent.Suppressed,
		ActorKind: string(audit.ActorSystem), SourceKind: consent.SourceSystem}
	if objection {
		for i := range hashes {
			hashes[i].Reason = consent.ReasonObjection
		}
		if _, err := insertSuppressions(ctx, tx, ev.WorkspaceID, hashes); err != nil {
			return nil, err
		}
		if p.On(consent.Suppressed) {
			return nil, nil
		}
		follow.Action, follow.Note = consent.Set, "addresses added to the suppression list after an objection"
		return []*consent.Event{follow}, nil
	}
	for _, h := range hashes {
		if _, err := tx.Exec(ctx, `DELETE FROM suppressions WHERE workspace_id = $1 AND kind = $2 AND hash = $3`,
			ev.WorkspaceID, string(h.Kind), h.Hash); err != nil {
			return nil, fmt.Errorf("lift suppression: %w", err)
		}
	}
	follow.Action, follow.Note = consent.Clear, "the person's own new consent lifts the suppression"
	return []*consent.Event{follow}, nil
}
