package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
)

func newWorkspace(t *testing.T, db *sqldb.DB, slug string) *workspace.Workspace {
	t.Helper()
	w := &workspace.Workspace{Slug: slug, Name: "Test " + slug}
	if err := (sqldb.WorkspaceStore{DB: db}).Create(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	return w
}

func newService(db *sqldb.DB) *crm.Service {
	return crm.NewService(sqldb.CRMStore{DB: db}, sqldb.AuditStore{DB: db})
}

func TestPeople(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Kind: audit.ActorCLI})
		ws := newWorkspace(t, db, "acme")
		svc := newService(db)

		p, err := svc.CreatePerson(ctx, ws.ID, crm.PersonInput{FirstName: "Élodie", LastName: "Lefèvre",
			Emails: []string{" Elodie.Lefevre@Example.FR ", "elodie@bücher.example"}, Phones: []string{"06 12 34 56 78"}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := svc.Person(ctx, ws.ID, p.PublicID)
		if err != nil {
			t.Fatal(err)
		}
		if got.PrimaryEmail() != "Elodie.Lefevre@Example.FR" || got.Emails[1].Norm != "elodie@xn--bcher-kva.example" {
			t.Errorf("emails = %+v", got.Emails)
		}
		if got.PrimaryPhone() != "+33612345678" {
			t.Errorf("phone = %q", got.PrimaryPhone())
		}

		t.Run("ErrEmailTaken", func(t *testing.T) {
			_, err := svc.CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "X", Emails: []string{"ELODIE.lefevre@example.fr"}})
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Conflict || e.Related != p.PublicID {
				t.Fatalf("err = %v, want conflict naming %s", err, p.PublicID)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			_, err := svc.CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "X", Emails: []string{"not-an-email"}, Phones: []string{"12"}})
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid || e.Fields["emails"] == "" || e.Fields["phones"] == "" {
				t.Fatalf("err = %v", err)
			}
		})
		t.Run("UpdateKeepsOwnEmail", func(t *testing.T) {
			_, err := svc.UpdatePerson(ctx, ws.ID, p.PublicID, crm.PersonInput{FirstName: "Élodie", LastName: "Martin",
				Emails: []string{"elodie.lefevre@example.fr"}})
			if err != nil {
				t.Fatal(err)
			}
		})
		t.Run("OtherWorkspaceSeesNothing", func(t *testing.T) {
			other := newWorkspace(t, db, "other")
			if _, err := svc.Person(ctx, other.ID, p.PublicID); !errs.Is(err, errs.NotFound) {
				t.Fatalf("err = %v, want not found", err)
			}
			// The same email is free in another workspace.
			if _, err := svc.CreatePerson(ctx, other.ID, crm.PersonInput{Emails: []string{"elodie.lefevre@example.fr"}}); err != nil {
				t.Fatal(err)
			}
			if err := svc.DeletePerson(ctx, other.ID, p.PublicID); !errs.Is(err, errs.NotFound) {
				t.Fatalf("delete from other workspace: %v", err)
			}
		})
		t.Run("Delete", func(t *testing.T) {
			if err := svc.DeletePerson(ctx, ws.ID, p.PublicID); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Person(ctx, ws.ID, p.PublicID); !errs.Is(err, errs.NotFound) {
				t.Fatalf("err = %v", err)
			}
			entries, err := (sqldb.AuditStore{DB: db}).List(ctx, audit.Filter{WorkspaceID: ws.ID, ObjectID: p.PublicID})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range entries {
				actions = append(actions, e.Action)
			}
			want := "[person.delete person.update person.view person.create]"
			if fmt.Sprint(actions) != want {
				t.Errorf("audit = %v, want %v", actions, want)
			}
		})
	})
}

func TestPeoplePaginationAndSearch(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		svc := newService(db)
		names := []string{"Dupont", "Durand", "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Dubois", "Moreau"}
		for i, n := range names {
			_, err := svc.CreatePerson(ctx, ws.ID, crm.PersonInput{FirstName: "Anne", LastName: n,
				Emails: []string{fmt.Sprintf("p%d@example.com", i)}, Phones: []string{fmt.Sprintf("+3361234567%d", i)}})
			if err != nil {
				t.Fatal(err)
			}
		}
		var seen []string
		f := crm.PeopleFilter{Limit: 3}
		for {
			page, err := svc.People(ctx, ws.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page.People {
				seen = append(seen, p.LastName)
			}
			if !page.HasNext {
				break
			}
			f.After = page.People[len(page.People)-1].PublicID
		}
		want := "[Bernard Dubois Dupont Durand Martin Moreau Petit Richard Robert Thomas]"
		if fmt.Sprint(seen) != want {
			t.Fatalf("pages = %v", seen)
		}
		// Back from the last person of the third page.
		page, err := svc.People(ctx, ws.ID, crm.PeopleFilter{Limit: 3, Before: f.After})
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(lastNames(page.People)); got != "[Moreau Petit Richard]" || !page.HasPrev {
			t.Fatalf("previous page = %v (hasPrev %v)", got, page.HasPrev)
		}
		tests := []struct{ query, want string }{
			{"du", "[Dubois Dupont Durand]"},
			{"anne mar", "[Martin]"},
			{"P3@EXAMPLE.COM", "[Bernard]"},
			{"06 12 34 56 75", "[Petit]"},
			{"zz", "[]"},
		}
		for _, tt := range tests {
			page, err := svc.People(ctx, ws.ID, crm.PeopleFilter{Query: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(lastNames(page.People)); got != tt.want {
				t.Errorf("search %q = %v, want %v", tt.query, got, tt.want)
			}
		}
	})
}

func lastNames(ps []crm.Person) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.LastName)
	}
	return out
}

func TestLastInteraction(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		svc := newService(db)
		org, err := svc.CreateOrganisation(ctx, ws.ID, crm.OrganisationInput{Name: "Boulangerie Martin"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "Martin", OrganisationID: org.PublicID})
		if err != nil {
			t.Fatal(err)
		}
		day := func(d int) time.Time { return time.Date(2026, 1, d, 10, 0, 0, 0, time.UTC) }
		add := func(kind crm.ActivityKind, at time.Time) *crm.Activity {
			a, err := svc.AddActivity(ctx, ws.ID, 0, crm.ActivityInput{PersonID: p.PublicID, Kind: kind, OccurredAt: at, Subject: "x"})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		check := func(want time.Time) {
			t.Helper()
			got, _ := svc.Person(ctx, ws.ID, p.PublicID)
			o, _ := svc.Organisation(ctx, ws.ID, org.PublicID)
			if !got.LastInteractionAt.Equal(want) || !o.LastInteractionAt.Equal(want) {
				t.Fatalf("last interaction = %v / %v, want %v", got.LastInteractionAt, o.LastInteractionAt, want)
			}
		}
		add(crm.KindNote, day(20)) // a note is not an interaction
		check(time.Time{})
		call := add(crm.KindCall, day(10))
		add(crm.KindMeeting, day(5)) // older: does not move the date back
		check(day(10))
		if err := svc.DeleteActivity(ctx, ws.ID, call.PublicID); err != nil {
			t.Fatal(err)
		}
		check(day(5))
	})
}

// TestDeleteOrganisationKeepsTimelines: deleting an organisation removes its
// own notes but not its people's activities.
func TestDeleteOrganisationKeepsTimelines(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		svc := newService(db)
		org, _ := svc.CreateOrganisation(ctx, ws.ID, crm.OrganisationInput{Name: "Atelier"})
		p, _ := svc.CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "Martin", OrganisationID: org.PublicID})
		if _, err := svc.AddActivity(ctx, ws.ID, 0, crm.ActivityInput{PersonID: p.PublicID, Kind: crm.KindCall, Subject: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddActivity(ctx, ws.ID, 0, crm.ActivityInput{OrganisationID: org.PublicID, Kind: crm.KindNote, Body: "x"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteOrganisation(ctx, ws.ID, org.PublicID); err != nil {
			t.Fatal(err)
		}
		got, _ := svc.Store.Person(ctx, ws.ID, p.PublicID)
		acts, _ := svc.Activities(ctx, ws.ID, got.ID, 0, 10)
		if len(acts) != 1 || got.OrganisationID != 0 || got.LastInteractionAt.IsZero() {
			t.Fatalf("after deleting the organisation: %d activities, org %d, last %v", len(acts), got.OrganisationID, got.LastInteractionAt)
		}
	})
}
