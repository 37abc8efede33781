package sqldb_test

import (
	"context"
	"fmt"
	mathrand "math/rand/v2"
	"testing"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"pgregory.net/rapid"
)

// TestContactRulesSQLAgreesWithGo is the property test of the contact
// rules: random people with random consent histories, and for every
// purpose, channel, side of the phone-consent date and soft opt-in setting,
// the SQL predicate selects exactly the people the Go engine allows (for
// phone calls, the engine's timing reasons aside).
func TestContactRulesSQLAgreesWithGo(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		crmSvc := newService(db)
		store := sqldb.ConsentStore{DB: db}
		svc := consent.NewService(store)
		n := 0
		rapid.Check(t, func(rt *rapid.T) {
			n++
			ws := newWorkspace(t, db, fmt.Sprintf("w%d", n))
			purposes, _ := store.Purposes(ctx, ws.ID)
			count := rapid.IntRange(1, 6).Draw(rt, "people")
			var people []*crm.Person
			soft := map[string]bool{}
			for i := 0; i < count; i++ {
				p := randomPerson(rt, crmSvc, ws.ID, i)
				if rapid.Bool().Draw(rt, "soft opt-in") {
					soft[p.PublicID] = true
					db.Exec(ctx, `UPDATE people SET soft_opt_in = TRUE WHERE public_id = $1`, p.PublicID)
				}
				randomHistory(rt, svc, ws.ID, p.PublicID)
				people = append(people, p)
			}
			for _, at := range []time.Time{time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 11, 0, 0, 0, time.UTC)} {
				for _, softOn := range []bool{false, true} {
					cfg := consent.DefaultSettings()
					cfg.SoftOptInEnabled = softOn
					for _, pu := range purposes {
						for _, ch := range append([]consent.Channel{consent.NoChannel}, consent.Channels...) {
							compare(rt, store, ws.ID, people, soft, pu, ch, at, cfg)
						}
					}
				}
			}
		})
	})
}

// fataler is what both *testing.T and *rapid.T offer.
type fataler interface {
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

func compare(rt fataler, store sqldb.ConsentStore, workspaceID int64, people []*crm.Person, soft map[string]bool,
	pu consent.Purpose, ch consent.Channel, at time.Time, cfg consent.Settings) {
	ctx := context.Background()
	ids, err := store.ContactableIDs(ctx, workspaceID, pu.Key, ch, at, cfg)
	if err != nil {
		rt.Fatal(err)
	}
	for _, p := range people {
		proj, _ := store.Projection(ctx, p.ID)
		d := consent.Decide(sqldb.Subject(p, proj, soft[p.PublicID]), pu, ch, at, cfg)
		allowed := d.Allowed
		if !allowed && ch == consent.Phone {
			allowed = true // the SQL predicate leaves call timing aside
			for _, r := range d.Reasons {
				if !r.Timing() {
					allowed = false
				}
			}
		}
		if allowed != ids[p.PublicID] {
			rt.Fatalf("%s by %q at %s (soft opt-in %v): Go says %v %v, SQL says %v; person %+v, state %+v",
				pu.Key, ch, at.Format("2006-01-02"), cfg.SoftOptInEnabled, d.Allowed, d.Reasons, ids[p.PublicID], p, proj)
		}
	}
}

func randomPerson(rt *rapid.T, svc *crm.Service, workspaceID int64, i int) *crm.Person {
	in := crm.PersonInput{LastName: fmt.Sprint("P", i),
		Audience:  rapid.SampledFrom(crm.Audiences).Draw(rt, "audience"),
		Lifecycle: rapid.SampledFrom(crm.Lifecycles).Draw(rt, "lifecycle")}
	if rapid.Bool().Draw(rt, "email") {
		in.Emails = []string{fmt.Sprintf("p%d.%d@example.com", i, rapid.IntRange(0, 1<<30).Draw(rt, "n"))}
	}
	if rapid.Bool().Draw(rt, "phone") {
		// Numbers differ between people: an objection puts one's number on
		// the suppression list, which would refuse the next person's.
		in.Phones = []string{fmt.Sprintf("+336%08d", i)}
	}
	if rapid.Bool().Draw(rt, "postal") {
		in.Address = crm.Address{Line1: "1 rue de la Paix", PostalCode: "75002", City: "Paris"}
		if rapid.Bool().Draw(rt, "half address") {
			in.Address.City = ""
		}
	}
	p, err := svc.CreatePerson(context.Background(), workspaceID, in)
	if err != nil {
		rt.Fatal(err)
	}
	return p
}

// randomHistory records random changes, most of them about one purpose, so
// that long sequences (grant, then withdraw…) are common.
func randomHistory(rt *rapid.T, svc *consent.Service, workspaceID int64, personID string) {
	purposes := []string{consent.EmailMarketing, consent.SMSMarketing, consent.PhoneProspecting,
		consent.PostalMarketing, consent.ProfilingPurpose, consent.ThirdPartySharing}
	focus := rapid.SampledFrom(purposes).Draw(rt, "focus")
	steps := rapid.IntRange(0, 10).Draw(rt, "steps")
	for i := 0; i < steps; i++ {
		var c consent.Change
		switch rapid.IntRange(0, 3).Draw(rt, "kind") {
		case 0:
			c = consent.Change{Purpose: rapid.SampledFrom(purposes).Draw(rt, "purpose"),
				Action: rapid.SampledFrom([]consent.Action{consent.Request, consent.Confirm, consent.Grant, consent.Withdraw}).Draw(rt, "action")}
		case 1, 2:
			c = consent.Change{Purpose: focus,
				Action: rapid.SampledFrom([]consent.Action{consent.Request, consent.Confirm, consent.Grant, consent.Withdraw}).Draw(rt, "action")}
		}
		if c.Purpose == "" {
			c = consent.Change{Flag: rapid.SampledFrom(consent.Flags[:len(consent.Flags)-1]).Draw(rt, "flag"),
				Action: rapid.SampledFrom([]consent.Action{consent.Set, consent.Set, consent.Clear}).Draw(rt, "flag action")}
		}
		if _, err := svc.Record(context.Background(), workspaceID, personID, []consent.Change{c}, consent.Proof{SourceKind: consent.SourceAPI}); err != nil && !errs.Is(err, errs.Conflict) {
			rt.Fatal(err)
		}
	}
}

// TestContactRulesSQLAgreesWithGoOnEveryShape complements the property
// test, whose generators favour simple values: six hundred people whose
// facts and states are drawn uniformly, written straight into the
// projection, so that rare shapes (a consumer customer who withdrew phone
// consent, with a half postal address…) are all there.
func TestContactRulesSQLAgreesWithGoOnEveryShape(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "shapes")
		store := sqldb.ConsentStore{DB: db}
		purposes, _ := store.Purposes(ctx, ws.ID)
		r := mathrand.New(mathrand.NewPCG(1, 2))
		states := []consent.State{consent.None, consent.Pending, consent.Granted, consent.Withdrawn}
		var people []*crm.Person
		soft := map[string]bool{}
		for i := 0; i < 600; i++ {
			in := crm.PersonInput{LastName: fmt.Sprint("S", i), Audience: crm.Audiences[r.IntN(2)], Lifecycle: crm.Lifecycles[r.IntN(4)]}
			if r.IntN(2) == 0 {
				in.Emails = []string{fmt.Sprintf("s%d@example.com", i)}
			}
			if r.IntN(2) == 0 {
				in.Phones = []string{fmt.Sprintf("+336%08d", i)}
			}
			if r.IntN(3) > 0 {
				in.Address = crm.Address{Line1: "1 rue X", PostalCode: "75002", City: []string{"", "Paris"}[r.IntN(2)]}
			}
			p, err := newService(db).CreatePerson(ctx, ws.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			var mask int64
			for _, f := range consent.Flags {
				if r.IntN(8) == 0 {
					mask |= consent.FlagBit(f)
					db.Exec(ctx, `INSERT INTO person_flags (person_id, flag, workspace_id, is_on, at, event_id) VALUES ($1, $2, $3, TRUE, 0, 0)`, p.ID, string(f), ws.ID)
				}
			}
			soft[p.PublicID] = r.IntN(2) == 0
			db.Exec(ctx, `UPDATE people SET consent_flags = $2, soft_opt_in = $3 WHERE id = $1`, p.ID, mask, soft[p.PublicID])
			for _, pu := range purposes {
				if st := states[r.IntN(4)]; st != consent.None {
					db.Exec(ctx, `INSERT INTO consent_states (person_id, purpose, workspace_id, state, at, event_id) VALUES ($1, $2, $3, $4, 0, 0)`,
						p.ID, pu.Key, ws.ID, string(st))
				}
			}
			people = append(people, p)
		}
		if err := store.RebuildMasks(ctx, ws.ID); err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 11, 0, 0, 0, time.UTC)} {
			for _, softOn := range []bool{false, true} {
				cfg := consent.DefaultSettings()
				cfg.SoftOptInEnabled = softOn
				for _, pu := range purposes {
					for _, ch := range append([]consent.Channel{consent.NoChannel}, consent.Channels...) {
						compare(t, store, ws.ID, people, soft, pu, ch, at, cfg)
					}
				}
			}
		}
	})
}
