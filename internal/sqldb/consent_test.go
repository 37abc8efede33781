package sqldb_test

import (
	"context"
	"fmt"
	mathrand "math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"pgregory.net/rapid"
)

var staffProof = consent.Proof{SourceKind: consent.SourceStaff, Note: "Consent given by phone on 3 March, call recorded"}

func TestLedger(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorUser, ID: "u1"})
		ws := newWorkspace(t, db, "acme")
		p, _ := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "Martin", Emails: []string{"m@example.fr"}})
		svc := consent.NewService(sqldb.ConsentStore{DB: db})
		record := func(proof consent.Proof, changes ...consent.Change) error {
			_, err := svc.Record(ctx, ws.ID, p.PublicID, changes, proof)
			return err
		}
		if err := record(consent.Proof{SourceKind: consent.SourceForm, SourceID: "f1", SourceVersion: "3", Wording: "J'accepte de recevoir la newsletter",
			IP: "203.0.113.7", UserAgent: "Firefox"}, consent.Change{Purpose: consent.EmailMarketing, Action: consent.Request}); err != nil {
			t.Fatal(err)
		}
		if err := record(consent.Proof{SourceKind: consent.SourceLink}, consent.Change{Purpose: consent.EmailMarketing, Action: consent.Confirm}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			proof  consent.Proof
			change consent.Change
			code   errs.Code
		}{
			{"ErrConfirmTwice", consent.Proof{SourceKind: consent.SourceLink}, consent.Change{Purpose: consent.EmailMarketing, Action: consent.Confirm}, errs.Conflict},
			{"ErrWithdrawNothing", staffProof, consent.Change{Purpose: consent.SMSMarketing, Action: consent.Withdraw}, errs.Conflict},
			{"ErrUnknownPurpose", staffProof, consent.Change{Purpose: "astrology", Action: consent.Grant}, errs.Invalid},
			{"ErrUnknownFlag", staffProof, consent.Change{Flag: "grumpy", Action: consent.Set}, errs.Invalid},
			{"ErrStaffGrantWithoutNote", consent.Proof{SourceKind: consent.SourceStaff}, consent.Change{Purpose: consent.SMSMarketing, Action: consent.Grant}, errs.Invalid},
			{"ErrNoSource", consent.Proof{}, consent.Change{Flag: consent.OpposedAll, Action: consent.Set}, errs.Invalid},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := record(tt.proof, tt.change); !errs.Is(err, tt.code) {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
			})
		}
		if err := record(staffProof, consent.Change{Flag: consent.OpposedAll, Action: consent.Set},
			consent.Change{Purpose: consent.EmailMarketing, Action: consent.Withdraw}); err != nil {
			t.Fatal(err)
		}
		proof, err := svc.Proof(ctx, ws.ID, p.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		// The objection also put the address on the suppression list: a
		// fifth, system event says so.
		if len(proof.Events) != 5 || proof.Problem != nil {
			t.Fatalf("proof: %d events, problem %v", len(proof.Events), proof.Problem)
		}
		if proof.Projection.State(consent.EmailMarketing) != consent.Withdrawn || !proof.Projection.On(consent.OpposedAll) {
			t.Fatalf("projection = %+v", proof.Projection)
		}
		if proof.Events[0].WordingSHA256 == "" || proof.Events[0].IP != "203.0.113.7" || proof.Events[0].ActorID != "u1" {
			t.Errorf("proof lost evidence: %+v", proof.Events[0])
		}
		var flags int64
		db.QueryRow(ctx, `SELECT consent_flags FROM people WHERE public_id = $1`, p.PublicID).Scan(&flags)
		if flags != consent.FlagMask(consent.OpposedAll, consent.Suppressed) {
			t.Errorf("consent_flags = %b", flags)
		}
		rep, err := consent.Verify(ctx, sqldb.ConsentStore{DB: db}, ws.ID)
		if err != nil || !rep.OK() || rep.Events != 5 {
			t.Fatalf("verify: %+v %v", rep, err)
		}
	})
}

// TestLedgerIsAppendOnly: the store offers no way to change or delete an
// event, and the database refuses it too.
func TestLedgerIsAppendOnly(t *testing.T) {
	typ := reflect.TypeOf((*consent.Store)(nil)).Elem()
	for i := 0; i < typ.NumMethod(); i++ {
		name := typ.Method(i).Name
		for _, verb := range []string{"Update", "Delete", "Remove", "Edit", "Set", "Replace"} {
			if strings.HasPrefix(name, verb) {
				t.Errorf("consent.Store has %s", name)
			}
		}
	}
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		p, _ := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "Martin"})
		if _, err := consent.NewService(sqldb.ConsentStore{DB: db}).Record(ctx, ws.ID, p.PublicID,
			[]consent.Change{{Flag: consent.OpposedAll, Action: consent.Set}}, staffProof); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`DELETE FROM consent_events`, `UPDATE consent_events SET action = 'clear'`} {
			if _, err := db.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", q, err)
			}
		}
		// Deleting the person keeps their events (erasure pseudonymises them).
		if err := newService(db).DeletePerson(ctx, ws.ID, p.PublicID); err != nil {
			t.Fatal(err)
		}
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM consent_events WHERE person_public_id = $1`, p.PublicID).Scan(&n)
		if n != 2 { // the objection and the system's suppression that followed it
			t.Errorf("%d events left after deleting the person", n)
		}
	})
}

// TestVerifyCatchesTampering alters, removes and inserts rows behind the
// application's back (dropping the database's guard first, as an intruder
// with database access could) and expects verify to name the first bad one.
func TestVerifyCatchesTampering(t *testing.T) {
	tamper := []struct {
		name, sqlite, postgres string
		seq                    int64
	}{
		{"Altered", `UPDATE consent_events SET action = 'clear' WHERE seq = 3`, "", 3},
		{"PIIAltered", `UPDATE consent_events SET ip = '198.51.100.1' WHERE seq = 2`, "", 2},
		{"Removed", `DELETE FROM consent_events WHERE seq = 4`, "", 4},
		{"RemovedAtEnd", `DELETE FROM consent_events WHERE seq = 6`, "", 6},
		{"Inserted", `UPDATE consent_events SET seq = seq + 100 WHERE seq >= 5`, "", 5},
	}
	for _, tt := range tamper {
		t.Run(tt.name, func(t *testing.T) {
			sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
				ctx := context.Background()
				ws := newWorkspace(t, db, "acme")
				p, _ := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "Martin"})
				svc := consent.NewService(sqldb.ConsentStore{DB: db})
				for _, f := range []consent.Flag{consent.SMSOptOut, consent.PhoneOptOut, consent.Bloctel} {
					for _, a := range []consent.Action{consent.Set, consent.Clear} {
						if _, err := svc.Record(ctx, ws.ID, p.PublicID, []consent.Change{{Flag: f, Action: a}},
							consent.Proof{SourceKind: consent.SourcePortal, IP: "203.0.113.9"}); err != nil {
							t.Fatal(err)
						}
					}
				}
				dropGuard(t, db)
				if _, err := db.Exec(ctx, tt.sqlite); err != nil {
					t.Fatal(err)
				}
				rep, err := consent.Verify(ctx, sqldb.ConsentStore{DB: db}, ws.ID)
				if err != nil {
					t.Fatal(err)
				}
				if rep.OK() || rep.Problem.Seq != tt.seq {
					t.Fatalf("report = %+v, want a problem at %d", rep.Problem, tt.seq)
				}
			})
		})
	}
}

func dropGuard(t *testing.T, db *sqldb.DB) {
	t.Helper()
	stmts := []string{`DROP TRIGGER consent_events_no_delete`, `DROP TRIGGER consent_events_no_update`}
	if db.Engine == sqldb.Postgres {
		stmts = []string{`DROP TRIGGER consent_events_append_only ON consent_events`}
	}
	for _, s := range stmts {
		if _, err := db.Exec(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConcurrentAppends writes to the same people from many goroutines; the
// chain must stay whole and each projection equal to its replayed ledger.
func TestConcurrentAppends(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		var ids []string
		for i := 0; i < 3; i++ {
			p, _ := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: fmt.Sprint("P", i)})
			ids = append(ids, p.PublicID)
		}
		svc := consent.NewService(sqldb.ConsentStore{DB: db})
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 15; i++ {
					action := []consent.Action{consent.Grant, consent.Withdraw}[(g+i)%2]
					// Conflicts are expected (withdrawing twice); corruption is not.
					_, err := svc.Record(ctx, ws.ID, ids[(g+i)%3], []consent.Change{{Purpose: consent.SMSMarketing, Action: action}},
						consent.Proof{SourceKind: consent.SourceAPI})
					if err != nil && !errs.Is(err, errs.Conflict) {
						t.Error(err)
					}
				}
			}(g)
		}
		wg.Wait()
		checkReplay(t, db, ws.ID, ids)
	})
}

func checkReplay(t *testing.T, db *sqldb.DB, workspaceID int64, ids []string) {
	t.Helper()
	ctx := context.Background()
	store := sqldb.ConsentStore{DB: db}
	rep, err := consent.Verify(ctx, store, workspaceID)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	for _, id := range ids {
		pid, _ := store.PersonRef(ctx, workspaceID, id)
		events, _ := store.PersonEvents(ctx, workspaceID, pid, id)
		replayed, err := consent.Replay(events)
		if err != nil {
			t.Fatalf("replay: %v", err)
		}
		stored, _ := store.Projection(ctx, pid)
		if !reflect.DeepEqual(replayed, stored) {
			t.Fatalf("projection %+v, replay %+v", stored, replayed)
		}
	}
}

// TestReplayReproducesProjection is a property test: random histories of
// changes, including impossible ones, always leave a projection equal to
// the replay of the ledger.
func TestReplayReproducesProjection(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		svc := consent.NewService(sqldb.ConsentStore{DB: db})
		n := 0
		rapid.Check(t, func(rt *rapid.T) {
			n++
			p, err := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: fmt.Sprint("R", n)})
			if err != nil {
				rt.Fatal(err)
			}
			steps := rapid.IntRange(1, 12).Draw(rt, "steps")
			for i := 0; i < steps; i++ {
				var c consent.Change
				if rapid.Bool().Draw(rt, "flag?") {
					c = consent.Change{Flag: rapid.SampledFrom(consent.Flags[:len(consent.Flags)-1]).Draw(rt, "flag"),
						Action: rapid.SampledFrom([]consent.Action{consent.Set, consent.Clear}).Draw(rt, "flag action")}
				} else {
					c = consent.Change{Purpose: rapid.SampledFrom([]string{consent.EmailMarketing, consent.SMSMarketing, consent.ProfilingPurpose}).Draw(rt, "purpose"),
						Action: rapid.SampledFrom([]consent.Action{consent.Request, consent.Confirm, consent.Grant, consent.Withdraw}).Draw(rt, "action")}
				}
				_, err := svc.Record(ctx, ws.ID, p.PublicID, []consent.Change{c}, consent.Proof{SourceKind: consent.SourceAPI})
				if err != nil && !errs.Is(err, errs.Conflict) {
					rt.Fatal(err)
				}
			}
			checkReplay(t, db, ws.ID, []string{p.PublicID})
		})
	})
}

// TestRebuildMasksMatchesLedger: the masks the ledger keeps on people, and
// the ones RebuildMasks (like migration 0005) computes from consent_states,
// are the same.
func TestRebuildMasksMatchesLedger(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		store := sqldb.ConsentStore{DB: db}
		svc := consent.NewService(store)
		r := mathrand.New(mathrand.NewPCG(3, 4))
		keys := []string{consent.EmailMarketing, consent.SMSMarketing, consent.PhoneProspecting, consent.ProfilingPurpose}
		actions := []consent.Action{consent.Request, consent.Confirm, consent.Grant, consent.Withdraw}
		for i := 0; i < 40; i++ {
			p, err := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: fmt.Sprint("M", i)})
			if err != nil {
				t.Fatal(err)
			}
			for j := r.IntN(6); j > 0; j-- {
				c := consent.Change{Purpose: keys[r.IntN(len(keys))], Action: actions[r.IntN(len(actions))]}
				if _, err := svc.Record(ctx, ws.ID, p.PublicID, []consent.Change{c}, consent.Proof{SourceKind: consent.SourceAPI}); err != nil && !errs.Is(err, errs.Conflict) {
					t.Fatal(err)
				}
			}
		}
		masks := func() map[int64][2]int64 {
			rows, err := db.Query(ctx, `SELECT id, consent_granted, consent_withdrawn FROM people WHERE workspace_id = $1`, ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[int64][2]int64{}
			for rows.Next() {
				var id, g, w int64
				if err := rows.Scan(&id, &g, &w); err != nil {
					t.Fatal(err)
				}
				out[id] = [2]int64{g, w}
			}
			return out
		}
		kept := masks()
		nonzero := 0
		for _, m := range kept {
			if m != [2]int64{} {
				nonzero++
			}
		}
		if nonzero == 0 {
			t.Fatal("the ledger set no mask")
		}
		if _, err := db.Exec(ctx, `UPDATE people SET consent_granted = 0, consent_withdrawn = 7 WHERE workspace_id = $1`, ws.ID); err != nil {
			t.Fatal(err)
		}
		if err := store.RebuildMasks(ctx, ws.ID); err != nil {
			t.Fatal(err)
		}
		rebuilt := masks()
		for id, m := range kept {
			if rebuilt[id] != m {
				t.Errorf("person %d: ledger masks %v, rebuilt %v", id, m, rebuilt[id])
			}
		}
	})
}

// TestPersonEventsAfterIDReused: SQLite gives a deleted person's id to
// the next person when it was the largest; the newcomer's history must not
// show the deleted person's consent.
func TestPersonEventsAfterIDReused(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
		ws := newWorkspace(t, db, "acme")
		people := newService(db)
		svc := consent.NewService(sqldb.ConsentStore{DB: db})
		gone, err := people.CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "Martin"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Record(ctx, ws.ID, gone.PublicID, []consent.Change{{Flag: consent.SMSOptOut, Action: consent.Set}},
			consent.Proof{SourceKind: consent.SourcePortal}); err != nil {
			t.Fatal(err)
		}
		if err := people.DeletePerson(ctx, ws.ID, gone.PublicID); err != nil {
			t.Fatal(err)
		}
		newcomer, err := people.CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "Durand"})
		if err != nil {
			t.Fatal(err)
		}
		if db.Engine == sqldb.SQLite && newcomer.ID != gone.ID {
			t.Fatalf("SQLite gave id %d after deleting %d: the case is not exercised", newcomer.ID, gone.ID)
		}
		proof, err := svc.Proof(ctx, ws.ID, newcomer.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if len(proof.Events) != 0 || proof.Projection.On(consent.SMSOptOut) {
			t.Fatalf("the newcomer shows the deleted person's consent: %+v", proof.Events)
		}
	})
}
