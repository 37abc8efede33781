package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestSuppressionOnlyLiftedByOwnConsent: once a person objected, no staff
// action, re-creation or edit makes their address contactable again; only
// their own new consent (or an administrator removing the address with a
// reason) does. The most important property of the product.
func TestSuppressionOnlyLiftedByOwnConsent(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		staff := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorUser, ID: "staff"})
		ws := newWorkspace(t, db, "acme")
		people := newService(db)
		store := sqldb.ConsentStore{DB: db}
		svc := consent.NewService(store)
		p, _ := people.CreatePerson(staff, ws.ID, crm.PersonInput{LastName: "Martin", Audience: crm.B2C,
			Emails: []string{"Marie.Martin@Example.fr"}, Phones: []string{"06 11 22 33 44"}})
		record := func(ctx context.Context, c consent.Change, proof consent.Proof) error {
			_, err := svc.Record(ctx, ws.ID, p.PublicID, []consent.Change{c}, proof)
			return err
		}
		contactable := func() bool {
			t.Helper()
			n, err := store.CountContactable(staff, ws.ID, consent.EmailMarketing, consent.Email, time.Now(), consent.DefaultSettings())
			if err != nil {
				t.Fatal(err)
			}
			return n > 0
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(record(staff, consent.Change{Purpose: consent.EmailMarketing, Action: consent.Grant}, staffProof))
		if !contactable() {
			t.Fatal("a consenting person is not contactable")
		}
		must(record(staff, consent.Change{Flag: consent.OpposedAll, Action: consent.Set}, staffProof))

		// Staff routes: none makes them contactable.
		must(record(staff, consent.Change{Flag: consent.OpposedAll, Action: consent.Clear}, staffProof))
		must(record(staff, consent.Change{Purpose: consent.EmailMarketing, Action: consent.Grant}, staffProof))
		if err := record(staff, consent.Change{Flag: consent.Suppressed, Action: consent.Clear}, staffProof); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("staff cleared the suppression: %v", err)
		}
		if contactable() {
			t.Fatal("staff made a suppressed person contactable")
		}
		// Re-creating them, or giving their address to someone else, is refused.
		for _, in := range []crm.PersonInput{
			{LastName: "Martin", Emails: []string{"marie.martin@example.FR"}},
			{LastName: "Autre", Phones: []string{"+33611223344"}},
		} {
			if _, err := people.CreatePerson(staff, ws.ID, in); !errs.Is(err, errs.Conflict) {
				t.Fatalf("re-creation with a suppressed address: %v", err)
			}
		}
		other, _ := people.CreatePerson(staff, ws.ID, crm.PersonInput{LastName: "Autre"})
		if _, err := people.UpdatePerson(staff, ws.ID, other.PublicID, crm.PersonInput{LastName: "Autre", Emails: []string{"marie.martin@example.fr"}}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("update to a suppressed address: %v", err)
		}
		// The person's own record stays editable.
		if _, err := people.UpdatePerson(staff, ws.ID, p.PublicID, crm.PersonInput{LastName: "Martin-Durand",
			Emails: []string{"Marie.Martin@Example.fr"}, Phones: []string{"06 11 22 33 44"}, Audience: crm.B2C}); err != nil {
			t.Fatalf("editing the objector's own record: %v", err)
		}

		// Their own new consent, through a form, lifts it.
		person := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorPerson})
		must(record(person, consent.Change{Purpose: consent.EmailMarketing, Action: consent.Grant},
			consent.Proof{SourceKind: consent.SourceForm, SourceID: "newsletter", Wording: "Je souhaite recevoir la lettre"}))
		if !contactable() {
			t.Fatal("the person's own consent did not lift the suppression")
		}
		if _, err := people.CreatePerson(staff, ws.ID, crm.PersonInput{LastName: "X", Phones: []string{"06 11 22 33 44"}}); err != nil {
			t.Fatalf("address still suppressed after own consent: %v", err)
		}
		rep, err := consent.Verify(staff, store, ws.ID)
		if err != nil || !rep.OK() {
			t.Fatalf("chain: %+v %v", rep, err)
		}
	})
}

func TestSuppressionListAdmin(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorUser, ID: "admin"})
		ws := newWorkspace(t, db, "acme")
		list := sqldb.SuppressionStore{DB: db}
		e := audit.NewEntry(ctx, ws.ID, "suppression.add", "suppression", "", nil)
		n, err := list.Add(ctx, ws.ID, []string{"a@example.com", " A@EXAMPLE.com", "06 01 02 03 04"}, consent.ReasonManual, e)
		if err != nil || n != 2 {
			t.Fatalf("added %d, %v", n, err)
		}
		if _, err := list.Add(ctx, ws.ID, []string{"nonsense"}, consent.ReasonManual, e); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad address: %v", err)
		}
		entries, _ := list.List(ctx, ws.ID)
		for _, en := range entries {
			if len(en.Hash) != 64 {
				t.Fatalf("entry is not a hash: %+v", en)
			}
		}
		if _, err := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{Emails: []string{"a@example.com"}}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("suppressed address accepted: %v", err)
		}
		rm := audit.NewEntry(ctx, ws.ID, "suppression.remove", "suppression", "", nil)
		if err := list.Remove(ctx, ws.ID, "a@example.com", "short", rm); !errs.Is(err, errs.Invalid) {
			t.Fatalf("removal without a reason: %v", err)
		}
		if err := list.Remove(ctx, ws.ID, "a@example.com", "Entered by mistake, confirmed by the DPO", rm); err != nil {
			t.Fatal(err)
		}
		if _, err := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{Emails: []string{"a@example.com"}}); err != nil {
			t.Fatalf("after removal: %v", err)
		}
		// Export and import: another workspace's key makes other hashes, so
		// only a restore into the same workspace is meaningful.
		other := newWorkspace(t, db, "other")
		if _, err := newService(db).CreatePerson(ctx, other.ID, crm.PersonInput{LastName: "Y", Phones: []string{"06 01 02 03 04"}}); err != nil {
			t.Fatalf("the list leaked into another workspace: %v", err)
		}
		imported, err := list.ImportHashes(ctx, ws.ID, entries, e)
		if err != nil || imported != 1 {
			t.Fatalf("restore added %d, %v", imported, err)
		}
	})
}

// TestSuppressionFlagPolicy: under the "flag" policy a person with a
// suppressed address is stored, marked suppressed, and never contactable.
func TestSuppressionFlagPolicy(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorUser, ID: "admin"})
		ws := newWorkspace(t, db, "acme")
		wss := sqldb.WorkspaceStore{DB: db}
		if err := wss.SetSuppressionPolicy(ctx, ws.ID, "maybe", audit.Entry{}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("unknown policy: %v", err)
		}
		if err := wss.SetSuppressionPolicy(ctx, ws.ID, "flag", audit.NewEntry(ctx, ws.ID, "workspace.settings", "workspace", ws.PublicID, nil)); err != nil {
			t.Fatal(err)
		}
		list := sqldb.SuppressionStore{DB: db}
		if _, err := list.Add(ctx, ws.ID, []string{"gone@example.fr"}, consent.ReasonManual, audit.NewEntry(ctx, ws.ID, "suppression.add", "suppression", "", nil)); err != nil {
			t.Fatal(err)
		}
		p, err := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "Gone", Audience: crm.B2B, Emails: []string{"gone@example.fr"}})
		if err != nil {
			t.Fatalf("flag policy refused: %v", err)
		}
		store := sqldb.ConsentStore{DB: db}
		proj, _ := store.Projection(ctx, p.ID)
		n, _ := store.CountContactable(ctx, ws.ID, consent.EmailMarketing, consent.Email, time.Now(), consent.DefaultSettings())
		if !proj.On(consent.Suppressed) || n != 0 {
			t.Fatalf("stored person is contactable: suppressed %v, count %d", proj.On(consent.Suppressed), n)
		}
		if rep, _ := consent.Verify(ctx, store, ws.ID); !rep.OK() || rep.Events != 1 {
			t.Fatalf("ledger: %+v", rep)
		}
	})
}
