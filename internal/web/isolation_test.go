package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/registre/registre/internal/auth"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
)

// TestWorkspaceIsolation: a user of workspace A can read, change or even
// detect nothing of workspace B through the interface. B's objects answer
// exactly as objects that do not exist.
func TestWorkspaceIsolation(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db) // workspace A with its admin
		b := &workspace.Workspace{Slug: "beta", Name: "Beta SAS"}
		if err := (sqldb.WorkspaceStore{DB: db}).Create(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		org, _ := f.crm.CreateOrganisation(cliCtx(), b.ID, crm.OrganisationInput{Name: "Secret Corp"})
		p, err := f.crm.CreatePerson(cliCtx(), b.ID, crm.PersonInput{FirstName: "Bérénice", LastName: "Secret",
			Emails: []string{"berenice@secret.example"}, OrganisationID: org.PublicID})
		if err != nil {
			t.Fatal(err)
		}
		act, _ := f.crm.AddActivity(cliCtx(), b.ID, 0, crm.ActivityInput{PersonID: p.PublicID, Kind: crm.KindCall, Subject: "x"})
		c := f.login(t, adminEmail)
		missing := "00000000-0000-4000-8000-000000000000"
		for _, path := range []string{"/people/%s", "/people/%s/edit", "/organisations/%s", "/organisations/%s/edit"} {
			id := p.PublicID
			if strings.HasPrefix(path, "/organisations") {
				id = org.PublicID
			}
			theirs, none := c.get(strings.Replace(path, "%s", id, 1)), c.get(strings.Replace(path, "%s", missing, 1))
			if theirs.status != http.StatusNotFound || none.status != http.StatusNotFound {
				t.Errorf("GET %s: %d (missing: %d)", path, theirs.status, none.status)
			}
		}
		posts := map[string]url.Values{
			"/people/" + p.PublicID:                      {"last_name": {"Hacked"}},
			"/people/" + p.PublicID + "/delete":          {},
			"/people/" + p.PublicID + "/activities":      {"kind": {"note"}, "body": {"x"}},
			"/organisations/" + org.PublicID:             {"name": {"Hacked"}},
			"/organisations/" + org.PublicID + "/delete": {},
			"/activities/" + act.PublicID + "/delete":    {},
		}
		for path, form := range posts {
			res := c.post(path, form)
			if res.status != http.StatusNotFound && !strings.Contains(res.url, "#timeline") {
				t.Errorf("POST %s: %d", path, res.status)
			}
		}
		// A person of A cannot be attached to B's organisation.
		res := c.post("/people", url.Values{"last_name": {"Mine"}, "organisation_id": {org.PublicID}})
		if res.status != http.StatusUnprocessableEntity {
			t.Errorf("attach to B's organisation: %d", res.status)
		}
		for _, q := range []string{"secret", "berenice@secret.example", "Bérénice"} {
			res := c.post("/people/search", url.Values{"q": {q}})
			if strings.Contains(res.body, "Secret") {
				t.Errorf("search %q shows B's person", q)
			}
		}
		got, err := f.crm.Store.Person(context.Background(), b.ID, p.PublicID)
		if err != nil || got.LastName != "Secret" {
			t.Fatalf("B's person changed: %+v %v", got, err)
		}
		acts, _ := f.crm.Store.Activities(context.Background(), b.ID, got.ID, 0, 10)
		if len(acts) != 1 {
			t.Errorf("B's timeline has %d activities, want 1", len(acts))
		}
	})
}

// TestRolesInTheInterface: a read-only user sees but cannot change.
func TestRolesInTheInterface(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	f := newFixture(t, db)
	addUser(t, auth.NewService(sqldb.AuthStore{DB: db}), f.ws.ID, "reader@example.com", auth.RoleReadOnly)
	p, _ := f.crm.CreatePerson(cliCtx(), f.ws.ID, crm.PersonInput{LastName: "Martin"})
	c := f.login(t, "reader@example.com")
	if res := c.get("/people/" + p.PublicID); res.status != http.StatusOK || strings.Contains(res.body, "/edit") {
		t.Errorf("read-only person page: %d", res.status)
	}
	for _, path := range []string{"/people/new", "/audit", "/settings/tokens"} {
		if res := c.get(path); res.status != http.StatusForbidden {
			t.Errorf("GET %s: %d, want 403", path, res.status)
		}
	}
	if res := c.post("/people/"+p.PublicID+"/delete", url.Values{}); res.status != http.StatusForbidden {
		t.Errorf("delete: %d", res.status)
	}
}

// TestNoPersonalDataInLogs creates, searches, edits and breaks things, then
// checks that no name, email or phone reached the logs.
func TestNoPersonalDataInLogs(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	var logs syncBuffer
	f := newFixture(t, db)
	f.server.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := f.login(t, adminEmail)
	secrets := []string{"Quentin", "Zébulon", "quentin.zebulon@example.fr", "0612345678", "+33612345678", "zebu"}
	res := c.post("/people", url.Values{"first_name": {"Quentin"}, "last_name": {"Zébulon"}, "email": {"quentin.zebulon@example.fr"}, "phone": {"0612345678"}})
	c.post("/people", url.Values{"first_name": {"Quentin"}, "email": {"quentin.zebulon@example.fr"}})
	c.post("/people/search", url.Values{"q": {"zebu"}})
	c.post(res.url[len(c.base):], url.Values{"last_name": {"Zébulon"}, "email": {"not valid Quentin"}})
	c.get("/people/does-not-exist")
	if !strings.Contains(logs.String(), "route=") {
		t.Fatal("nothing was logged: the test checks nothing")
	}
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the logs contain %q", s)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
