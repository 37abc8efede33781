package sqldb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/forms"
)

// maxGroup bounds the submissions one transaction applies.
const maxGroup = 64

type submitReq struct {
	plan    *forms.Plan
	res     *forms.Result
	err     error
	fresh   *preparedNew // when the group writes it with the other new people
	retries int
	done    chan struct{}
}

// submitBatcher groups the submissions of one database: a worker applies
// whatever has queued while the previous group committed, and stops when
// the queue is empty; the next submission starts one again.
type submitBatcher struct {
	db      *DB
	mu      sync.Mutex
	queue   []*submitReq
	workers int
}

// groupWorkers is how many groups run at once: one, on both engines.
// SQLite has one writer. On PostgreSQL the ledger's chain head is locked
// from a group's events to its commit, so concurrent groups wait for each
// other anyway, in smaller groups (measured in session 3, when the rate
// counter rows were also locked from a group's first plan: 106-120
// submissions/s with four groups, 150/s with one).
func (b *submitBatcher) groupWorkers() int { return 1 }

var batchers sync.Map // *DB → *submitBatcher

func batcherFor(db *DB) *submitBatcher {
	if b, ok := batchers.Load(db); ok {
		return b.(*submitBatcher)
	}
	b, _ := batchers.LoadOrStore(db, &submitBatcher{db: db})
	return b.(*submitBatcher)
}

func (b *submitBatcher) submit(r *submitReq) {
	b.mu.Lock()
	b.queue = append(b.queue, r)
	start := b.workers < b.groupWorkers()
	if start {
		b.workers++
	}
	b.mu.Unlock()
	if start {
		go b.loop()
	}
}

func (b *submitBatcher) loop() {
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.workers--
			b.mu.Unlock()
			return
		}
		n := min(len(b.queue), maxGroup)
		group := append([]*submitReq(nil), b.queue[:n]...)
		b.queue = b.queue[n:]
		b.mu.Unlock()
		b.run(group)
	}
}

// run applies a group in one transaction (see apply). When the group as a
// whole fails — its consent events cannot be appended together (a
// transition made impossible by a concurrent change, the same person
// twice), its new people meet a concurrent change, or writing them fails
// — it is rolled back and each plan retried alone, so that only its own
// submitter sees its error.
func (b *submitBatcher) run(group []*submitReq) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	keys := map[int64][]byte{}
	for _, r := range group {
		if _, ok := keys[r.plan.WorkspaceID]; !ok {
			k, err := suppressionKey(ctx, b.db, r.plan.WorkspaceID)
			if err != nil {
				r.err = err
				continue
			}
			keys[r.plan.WorkspaceID] = k
		}
	}
	err := b.apply(ctx, group, keys)
	var ge *groupError
	if errors.As(err, &ge) {
		switch {
		case len(group) > 1:
			for _, r := range group {
				if r.err == nil {
					b.run([]*submitReq{r})
				} else {
					close(r.done)
				}
			}
			return
		case ge.again && group[0].retries < 3:
			// Alone, the plan reads again what changed under it.
			group[0].retries++
			b.run(group)
			return
		}
		err = ge.err
	}
	for _, r := range group {
		if err != nil && r.err == nil {
			r.res, r.err = nil, err
		}
		close(r.done)
	}
}

// groupError is a failure of a group as a whole; again says that a plan
// alone should be applied once more (what it read changed under it).
type groupError struct {
	err   error
	again bool
}

func (e *groupError) Error() string { return "apply a group of submissions: " + e.err.Error() }
func (e *groupError) Unwrap() error { return e.err }

func (b *submitBatcher) apply(ctx context.Context, group []*submitReq, keys map[int64][]byte) error {
	s := FormStore{DB: b.db}
	return b.db.InTx(ctx, func(tx *Tx) error {
		// InTx may run this again (a deadlock, a busy database): every
		// plan starts over, but for a workspace whose key run could not
		// read.
		for _, r := range group {
			r.res = nil
			if _, ok := keys[r.plan.WorkspaceID]; ok {
				r.err = nil
			}
		}
		rates, err := readGroupRates(ctx, tx, group)
		if err != nil {
			return err
		}
		fresh, rest, err := splitNew(ctx, tx, keys, group)
		if err != nil {
			return err
		}
		fresh, rest = vetNew(fresh, rest)
		admitted := fresh[:0:0]
		for _, r := range fresh {
			if r.err = rates.admit(r.plan); r.err == nil {
				admitted = append(admitted, r)
			}
		}
		fresh = admitted
		events := map[int64][]*consent.Event{}
		var order []int64
		add := func(ws int64, evs []*consent.Event) {
			if len(evs) == 0 {
				return
			}
			if _, seen := events[ws]; !seen {
				order = append(order, ws)
			}
			events[ws] = append(events[ws], evs...)
		}
		evs, err := s.applyNew(ctx, tx, fresh)
		if err != nil {
			var ge *groupError
			if !errors.As(err, &ge) {
				err = &groupError{err: err}
			}
			return err
		}
		for _, e := range evs {
			add(e.WorkspaceID, []*consent.Event{e}) // consentEvent sets it
		}
		for _, r := range rest {
			// One name for every plan's savepoint: each is released
			// before the next, and a fixed text stays in the statement
			// cache.
			const sp = "submission_plan"
			if _, err := tx.Exec(ctx, "SAVEPOINT "+sp); err != nil {
				return err
			}
			var evs []*consent.Event
			if r.err = rates.admit(r.plan); r.err == nil {
				r.res, evs, r.err = s.applyPlan(ctx, tx, keys[r.plan.WorkspaceID], r.plan)
				if r.err != nil {
					rates.release(r.plan)
				}
			}
			if r.err != nil {
				r.res = nil
				if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT "+sp); err != nil {
					return err
				}
			} else {
				add(r.plan.WorkspaceID, evs)
			}
			if _, err := tx.Exec(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
				return err
			}
		}
		if err := rates.write(ctx, tx); err != nil {
			return err
		}
		for _, ws := range order {
			if err := appendEvents(ctx, tx, keys[ws], ws, events[ws]); err != nil {
				return &groupError{err: fmt.Errorf("append the consent events: %w", err)}
			}
		}
		return nil
	})
}
