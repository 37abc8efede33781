package sqldb_test

import (
	"context"
	"fmt"
	mathrand "math/rand/v2"
	"testing"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestBulkAppendMatchesReplay: random rounds of bulk changes (tens of
// people at once, or a few, so the ledger takes its set-based path) leave every
// person's projection equal to the replay of their events, the masks on
// people equal to the ones rebuilt from the projection, and the chain
// whole.
func TestBulkAppendMatchesReplay(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		store := sqldb.ConsentStore{DB: db}
		svc := consent.NewService(store)
		var targets []consent.BulkTarget
		var ids []string
		// More than 64 people: SQLite's write transaction reads their
		// projections with a padded IN list (inList), through the driver.
		for i := 0; i < 100; i++ {
			p, err := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: fmt.Sprint("B", i), Audience: crm.B2B})
			if err != nil {
				t.Fatal(err)
			}
			targets = append(targets, consent.BulkTarget{PublicID: p.PublicID, Audience: crm.B2B})
			ids = append(ids, p.PublicID)
		}
		changes := []consent.Change{
			{Purpose: consent.EmailMarketing, Action: consent.Grant},
			{Purpose: consent.EmailMarketing, Action: consent.Withdraw},
			{Purpose: consent.SMSMarketing, Action: consent.Request},
			{Purpose: consent.SMSMarketing, Action: consent.Confirm},
			{Purpose: consent.ProfilingPurpose, Action: consent.Grant},
			{Flag: consent.SMSOptOut, Action: consent.Set},
			{Flag: consent.SMSOptOut, Action: consent.Clear},
			{Flag: consent.EmailUnsubscribed, Action: consent.Set},
		}
		r := mathrand.New(mathrand.NewPCG(5, 6))
		bulk := 0
		for round := 0; round < 36; round++ {
			c := changes[r.IntN(len(changes))]
			var chosen []consent.BulkTarget
			// One round in three changes a handful of people: on
			// PostgreSQL those take the set-based path too.
			few := round%3 == 0
			for _, tg := range targets {
				if (few && r.IntN(15) != 0) || (!few && r.IntN(4) == 0) {
					continue
				}
				pid, _ := store.PersonRef(ctx, ws.ID, tg.PublicID)
				p, err := store.Projection(ctx, pid)
				if err != nil {
					t.Fatal(err)
				}
				ev := &consent.Event{Purpose: c.Purpose, Flag: c.Flag, Action: c.Action}
				if p.Apply(ev) == nil {
					chosen = append(chosen, tg)
				}
			}
			if len(chosen) == 0 {
				continue
			}
			n, err := svc.RecordBulk(ctx, ws.ID, chosen, c, consent.Proof{Note: fmt.Sprint("round ", round)})
			if err != nil || n != len(chosen) {
				t.Fatalf("round %d (%+v on %d): %d %v", round, c, len(chosen), n, err)
			}
			if len(chosen) >= 16 {
				bulk++
			}
		}
		if bulk < 10 {
			t.Fatalf("only %d rounds were large enough for the set-based path", bulk)
		}
		checkReplay(t, db, ws.ID, ids)
		kept := peopleMasks(t, db, ws.ID)
		for _, id := range ids {
			pid, _ := store.PersonRef(ctx, ws.ID, id)
			p, _ := store.Projection(ctx, pid)
			var want int64
			for f, st := range p.Flags {
				if st.On {
					want |= consent.FlagBit(f)
				}
			}
			if kept[pid][0] != want {
				t.Errorf("person %d: flag mask %b, projection says %b", pid, kept[pid][0], want)
			}
		}
		if err := store.RebuildMasks(ctx, ws.ID); err != nil {
			t.Fatal(err)
		}
		for id, m := range peopleMasks(t, db, ws.ID) {
			if kept[id] != m {
				t.Errorf("person %d: masks %v kept by the ledger, %v rebuilt", id, kept[id], m)
			}
		}
	})
}

// peopleMasks returns each person's flag, granted and withdrawn masks.
func peopleMasks(t *testing.T, db *sqldb.DB, workspaceID int64) map[int64][3]int64 {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT id, consent_flags, consent_granted, consent_withdrawn FROM people WHERE workspace_id = $1`, workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][3]int64{}
	for rows.Next() {
		var id int64
		var m [3]int64
		if err := rows.Scan(&id, &m[0], &m[1], &m[2]); err != nil {
			t.Fatal(err)
		}
		out[id] = m
	}
	return out
}
