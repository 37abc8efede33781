package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
)

// bulkAppendMin is the smallest list of events appendEvents writes with
// set-based statements. On SQLite, below 16 events, three cached
// statements per event cost less than preparing the multi-row ones. On
// PostgreSQL every statement is a round trip: from two events on, the
// set-based path's eight beat three per event.
func bulkAppendMin(e Engine) int {
	if e == Postgres {
		return 2
	}
	return 16
}

// bulkAppendable tells whether events can take the set-based path: one
// event per person (each projection is read once, before any event), and
// none that moves the suppression list (those need the person's addresses
// and may add a follow-up event).
func bulkAppendable(e Engine, events []*consent.Event) bool {
	if len(events) < bulkAppendMin(e) {
		return false
	}
	seen := make(map[int64]bool, len(events))
	for _, ev := range events {
		if seen[ev.PersonID] || movesSuppression(ev) {
			return false
		}
		seen[ev.PersonID] = true
	}
	return true
}

// movesSuppression mirrors the conditions of suppressionFollowUp, before
// the projection is known: an objection to all prospecting, or a person's
// own consent (which lifts a suppression when there is one).
func movesSuppression(ev *consent.Event) bool {
	return (ev.Flag == consent.OpposedAll && ev.Action == consent.Set) ||
		(ev.ActorKind == string(audit.ActorPerson) && (ev.Action == consent.Grant || ev.Action == consent.Confirm))
}

// appendEventsBulk does what appendEvents does for events that
// bulkAppendable accepts, in a fixed number of statements per 900 people
// instead of six per event: the projections are read with IN lists, every
// transition is checked in Go before anything is written, then the events,
// the projection rows and the people's masks go as multi-row statements.
func appendEventsBulk(ctx context.Context, tx *Tx, workspaceID int64, events []*consent.Event) error {
	seq, hash, err := lockHead(ctx, tx, workspaceID)
	if err != nil {
		return err
	}
	bits, err := purposeBits(ctx, tx, workspaceID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(events))
	for i, ev := range events {
		ids[i] = ev.PersonID
	}
	projections, err := loadProjections(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, ev := range events {
		if err := projections[ev.PersonID].Apply(ev); err != nil {
			return err
		}
	}
	if seq, hash, err = insertChained(ctx, tx, workspaceID, seq, hash, events); err != nil {
		return err
	}
	if err := projectBulk(ctx, tx, events, projections, bits); err != nil {
		return err
	}
	return moveHead(ctx, tx, workspaceID, seq, hash)
}

// insertChained seals events one after the other from the chain head
// (seq, hash), writes them as multi-row INSERTs, sets their ids, and
// returns the new head for moveHead.
func insertChained(ctx context.Context, tx *Tx, workspaceID, seq int64, hash string, events []*consent.Event) (int64, string, error) {
	nextID, bound, err := tx.nextRowID(ctx, "consent_events")
	if err != nil {
		return 0, "", err
	}
	bySeq := make(map[int64]*consent.Event, len(events))
	for _, ev := range events {
		seq++
		ev.WorkspaceID, ev.Seq = workspaceID, seq
		ev.Seal(hash)
		hash = ev.Hash
		if bound {
			ev.ID = nextID
			nextID++
		} else {
			bySeq[seq] = ev
		}
	}
	// An import's or a bulk action's events differ only by person and
	// chain: the rest is bound once per statement.
	shared := sameContext(events)
	var ins *multiRow
	if shared {
		ins = newSharedEventRows(events[0], bound)
	} else {
		ins = newEventRows(bound)
	}
	ins.grow(len(events))
	for _, ev := range events {
		if bound {
			ins.add(ev.ID)
		}
		if shared {
			ins.add(ev.Seq, ev.PersonID, ev.PersonPublicID, ev.Purpose, string(ev.Flag), ev.PrevHash, ev.Hash)
			continue
		}
		ins.add(ev.WorkspaceID, ev.Seq, ev.At.UnixMicro(), ev.PersonID, ev.PersonPublicID, ev.Purpose, string(ev.Flag),
			string(ev.Action), ev.ActorKind, ev.ActorID, string(ev.LegalBasis), string(ev.SourceKind), ev.SourceID,
			ev.SourceVersion, ev.Wording, ev.WordingSHA256, ev.PageURL, ev.IP, ev.UserAgent, ev.Note, ev.PIIDigest,
			ev.PrevHash, ev.Hash)
	}
	var scan func(row interface{ Scan(...any) error }) error
	if !bound {
		scan = func(row interface{ Scan(...any) error }) error {
			var s, id int64
			if err := row.Scan(&s, &id); err != nil {
				return err
			}
			ev, ok := bySeq[s]
			if !ok {
				return fmt.Errorf("an unknown sequence number %d returned", s)
			}
			ev.ID = id
			return nil
		}
	}
	if err := ins.exec(ctx, tx, scan); err != nil {
		return 0, "", fmt.Errorf("append consent events: %w", err)
	}
	return seq, hash, nil
}

// eventContext is what an event says besides its person, purpose or flag
// and place in the chain: the columns newSharedEventRows binds once. It
// compares with == (times as stored, in microseconds).
type eventContext struct {
	workspaceID, at                                          int64
	action, actorKind, actorID, legalBasis, sourceKind       string
	sourceID, sourceVersion, wording, wordingSHA256, pageURL string
	ip, userAgent, note, piiDigest                           string
}

func contextOf(e *consent.Event) eventContext {
	return eventContext{e.WorkspaceID, e.At.UnixMicro(), string(e.Action), e.ActorKind, e.ActorID, string(e.LegalBasis),
		string(e.SourceKind), e.SourceID, e.SourceVersion, e.Wording, e.WordingSHA256, e.PageURL, e.IP, e.UserAgent,
		e.Note, e.PIIDigest}
}

// sameContext tells whether several events share their context.
func sameContext(events []*consent.Event) bool {
	if len(events) < 2 {
		return false
	}
	first := contextOf(events[0])
	for _, e := range events[1:] {
		if contextOf(e) != first {
			return false
		}
	}
	return true
}

func newSharedEventRows(first *consent.Event, bound bool) *multiRow {
	c := contextOf(first)
	columns, tail := withIDs("seq, person_id, person_public_id, purpose, flag, prev_hash, hash", " RETURNING seq, id", bound)
	return newSharedMultiRow("consent_events", `workspace_id, at, action, actor_kind, actor_id, legal_basis, source_kind,
		source_id, source_version, wording, wording_sha256, page_url, ip, user_agent, note, pii_digest`, columns, tail,
		[]any{c.workspaceID, c.at, c.action, c.actorKind, c.actorID, c.legalBasis, c.sourceKind, c.sourceID,
			c.sourceVersion, c.wording, c.wordingSHA256, c.pageURL, c.ip, c.userAgent, c.note, c.piiDigest})
}

// moveHead records the chain's new head, locked by lockHead.
func moveHead(ctx context.Context, tx *Tx, workspaceID, seq int64, hash string) error {
	if _, err := tx.Exec(ctx, `UPDATE consent_chain_heads SET seq = $2, hash = $3 WHERE workspace_id = $1`, workspaceID, seq, hash); err != nil {
		return fmt.Errorf("move chain head: %w", err)
	}
	return nil
}

// projectBulk writes what project writes for each event: the projection
// row (upserted), then the people's masks, one UPDATE per kind of change
// (a bulk action changes one purpose or flag the same way for everyone).
func projectBulk(ctx context.Context, tx *Tx, events []*consent.Event, projections map[int64]*consent.Projection, bits map[string]int64) error {
	states := newMultiRow("consent_states", "person_id, purpose, workspace_id, state, at, event_id",
		" ON CONFLICT (person_id, purpose) DO UPDATE SET state = excluded.state, at = excluded.at, event_id = excluded.event_id")
	flags := newMultiRow("person_flags", "person_id, flag, workspace_id, is_on, at, event_id",
		" ON CONFLICT (person_id, flag) DO UPDATE SET is_on = excluded.is_on, at = excluded.at, event_id = excluded.event_id")
	type change struct {
		flag     consent.Flag
		on       bool
		bit      int64
		state    consent.State
		isFlag   bool
		personID []int64
	}
	changes := map[string]*change{}
	var order []string
	for _, ev := range events {
		p := projections[ev.PersonID]
		var c change
		if ev.Flag != "" {
			flags.add(ev.PersonID, string(ev.Flag), ev.WorkspaceID, p.On(ev.Flag), ev.At.UnixMicro(), ev.ID)
			c = change{isFlag: true, flag: ev.Flag, on: p.On(ev.Flag), bit: consent.FlagBit(ev.Flag)}
		} else {
			st := p.State(ev.Purpose)
			states.add(ev.PersonID, ev.Purpose, ev.WorkspaceID, string(st), ev.At.UnixMicro(), ev.ID)
			if bits[ev.Purpose] == 0 {
				return fmt.Errorf("project consent event: purpose has no bit")
			}
			c = change{bit: bits[ev.Purpose], state: st}
		}
		k := fmt.Sprint(c.isFlag, c.flag, c.on, c.bit, c.state)
		if changes[k] == nil {
			changes[k] = &c
			order = append(order, k)
		}
		changes[k].personID = append(changes[k].personID, ev.PersonID)
	}
	if err := states.exec(ctx, tx, nil); err != nil {
		return fmt.Errorf("project consent: %w", err)
	}
	if err := flags.exec(ctx, tx, nil); err != nil {
		return fmt.Errorf("project flags: %w", err)
	}
	for _, k := range order {
		c := changes[k]
		var q string
		var fixed []any
		if c.isFlag {
			q = `UPDATE people SET consent_flags = CASE WHEN $1 THEN consent_flags | $2 ELSE consent_flags & ~CAST($2 AS BIGINT) END
				WHERE id IN (…) AND (consent_flags & $2) <> CASE WHEN $1 THEN $2 ELSE 0 END`
			fixed = []any{c.on, c.bit}
		} else {
			// Only the people whose masks change are written: a pending
			// consent (every double opt-in form submission) changes
			// neither, and rewriting the row made a new version of it and
			// of its index entries, the costliest statement of a form
			// group on PostgreSQL.
			q = `UPDATE people SET
				consent_granted = CASE WHEN $1 THEN consent_granted | $3 ELSE consent_granted & ~CAST($3 AS BIGINT) END,
				consent_withdrawn = CASE WHEN $2 THEN consent_withdrawn | $3 ELSE consent_withdrawn & ~CAST($3 AS BIGINT) END
				WHERE id IN (…) AND ((consent_granted & $3) <> CASE WHEN $1 THEN $3 ELSE 0 END
					OR (consent_withdrawn & $3) <> CASE WHEN $2 THEN $3 ELSE 0 END)`
			fixed = []any{c.state == consent.Granted, c.state == consent.Withdrawn, c.bit}
		}
		if err := inList(ctx, tx, q, fixed, c.personID, func(interface{ Scan(...any) error }) error { return nil }); err != nil {
			return fmt.Errorf("project consent masks: %w", err)
		}
	}
	return nil
}

// loadProjections reads the current state of several people at once.
func loadProjections(ctx context.Context, tx *Tx, ids []int64) (map[int64]*consent.Projection, error) {
	out := make(map[int64]*consent.Projection, len(ids))
	for _, id := range ids {
		out[id] = consent.NewProjection()
	}
	err := inList(ctx, tx, `SELECT person_id, purpose, state, at, event_id FROM consent_states WHERE person_id IN (…)`, nil, ids,
		func(row interface{ Scan(...any) error }) error {
			var id, at int64
			var key string
			var st consent.PurposeState
			if err := row.Scan(&id, &key, &st.State, &at, &st.EventID); err != nil {
				return err
			}
			st.At = time.UnixMicro(at).UTC()
			out[id].Purposes[key] = st
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read consent: %w", err)
	}
	err = inList(ctx, tx, `SELECT person_id, flag, is_on, at, event_id FROM person_flags WHERE person_id IN (…)`, nil, ids,
		func(row interface{ Scan(...any) error }) error {
			var id, at int64
			var f string
			var st consent.FlagState
			if err := row.Scan(&id, &f, &st.On, &at, &st.EventID); err != nil {
				return err
			}
			st.At = time.UnixMicro(at).UTC()
			out[id].Flags[consent.Flag(f)] = st
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read flags: %w", err)
	}
	return out, nil
}
