package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

func TestPersonFlow(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		c := f.login(t, adminEmail)

		res := c.post("/people", url.Values{"first_name": {"Élodie"}, "last_name": {"Lefèvre"}, "email": {"elodie@example.fr"},
			"phone": {"06 12 34 56 78"}, "lifecycle": {"prospect"}, "audience": {"b2c"}, "origin": {"trade_show"}})
		if res.status != http.StatusOK || !strings.Contains(res.url, "/people/") || !strings.Contains(res.body, "Lefèvre") {
			t.Fatalf("create: %d %s", res.status, res.url)
		}
		personURL := res.url[len(c.base):]
		if !strings.Contains(res.body, "06 12 34 56 78") || !strings.Contains(res.body, "Data protection") {
			t.Error("person page lacks phone or data protection panel")
		}

		tests := []struct {
			name   string
			form   url.Values
			status int
			want   string
		}{
			{"ErrEmailTaken", url.Values{"last_name": {"X"}, "email": {"ELODIE@example.fr"}}, http.StatusConflict, "Open the existing person"},
			{"ErrBadEmail", url.Values{"last_name": {"X"}, "email": {"nope"}}, http.StatusUnprocessableEntity, "must look like name@example.com"},
			{"ErrNoName", url.Values{}, http.StatusUnprocessableEntity, "A person needs a name or an email address."},
			{"ErrHugeField", url.Values{"last_name": {strings.Repeat("x", 300)}}, http.StatusUnprocessableEntity, "is too long"},
			{"ErrBadUTF8", url.Values{"last_name": {"\xff\xfe"}}, http.StatusUnprocessableEntity, "last_name"},
			{"ErrNUL", url.Values{"last_name": {"a\x00b"}}, http.StatusUnprocessableEntity, "cannot be stored"},
			{"ErrTooLarge", url.Values{"last_name": {strings.Repeat("x", 300<<10)}}, http.StatusRequestEntityTooLarge, ""},
			{"ErrCSRF", url.Values{"_csrf": {"forged"}, "last_name": {"X"}}, http.StatusForbidden, "This form has expired"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := c.post("/people", tt.form)
				if res.status != tt.status || !strings.Contains(res.body, tt.want) {
					t.Errorf("status %d, want %d with %q", res.status, tt.status, tt.want)
				}
			})
		}
		n, _ := f.crm.CountPeople(cliCtx(), f.ws.ID, crm.PeopleFilter{}, 0)
		if n != 1 {
			t.Fatalf("%d people after refused forms, want 1", n)
		}

		res = c.post(personURL+"/activities", url.Values{"kind": {"call"}, "subject": {"Premier appel"}, "counts_present": {"1"}, "counts_as_interaction": {"on"}})
		if !strings.Contains(res.body, "Premier appel") {
			t.Fatalf("activity not on timeline")
		}
		res = c.post("/people/search", url.Values{"q": {"lefe"}})
		if !strings.Contains(res.body, "Lefèvre") || strings.Contains(res.url, "lefe") {
			t.Fatalf("search: url %s", res.url)
		}
		res = c.post(personURL+"/delete", url.Values{})
		if res.status != http.StatusOK || strings.Contains(res.body, "Lefèvre") {
			t.Fatalf("delete: %d", res.status)
		}
	})
}

func TestEveryPageRenders(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		org, err := f.crm.CreateOrganisation(cliCtx(), f.ws.ID, crm.OrganisationInput{Name: "Boulangerie Martin"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.crm.CreatePerson(cliCtx(), f.ws.ID, crm.PersonInput{LastName: "Martin", OrganisationID: org.PublicID})
		if err != nil {
			t.Fatal(err)
		}
		c := f.login(t, adminEmail)
		for _, path := range []string{"/", "/people", "/people/new", "/people/" + p.PublicID, "/people/" + p.PublicID + "/edit",
			"/organisations", "/organisations/new", "/organisations/" + org.PublicID, "/organisations/" + org.PublicID + "/edit",
			"/audit", "/settings/tokens", "/settings/fields", "/settings/members", "/settings/contact-rules"} {
			res := c.get(path)
			if res.status != http.StatusOK || !strings.Contains(res.body, "</html>") {
				t.Errorf("GET %s: %d", path, res.status)
			}
		}
		if res := c.get("/people/00000000-0000-0000-0000-000000000000"); res.status != http.StatusNotFound {
			t.Errorf("unknown person: %d", res.status)
		}
	})
}

func TestCustomFields(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		c := f.login(t, adminEmail)
		c.get("/settings/fields")
		for _, form := range []url.Values{
			{"entity": {"person"}, "key": {"plan"}, "label": {"Formule"}, "kind": {"select"}, "options": {"free\npro"}},
			{"entity": {"organisation"}, "key": {"employees"}, "label": {"Effectif"}, "kind": {"number"}},
		} {
			if res := c.post("/settings/fields", form); res.status != http.StatusOK || !strings.Contains(res.body, form.Get("label")) {
				t.Fatalf("add field %s: %d", form.Get("key"), res.status)
			}
		}
		if res := c.post("/settings/fields", url.Values{"entity": {"person"}, "key": {"Bad Key"}, "label": {""}, "kind": {"text"}}); res.status != http.StatusUnprocessableEntity {
			t.Errorf("bad field: %d", res.status)
		}
		res := c.post("/organisations", url.Values{"name": {"Atelier"}, "custom.employees": {"12"}})
		if !strings.Contains(res.body, "Effectif") || !strings.Contains(res.body, ">12<") {
			t.Errorf("organisation custom field not shown")
		}
		if res := c.post("/organisations", url.Values{"name": {"Atelier 2"}, "custom.employees": {"many"}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "must be a number") {
			t.Errorf("bad organisation custom value: %d", res.status)
		}
		res = c.post("/people", url.Values{"last_name": {"Martin"}, "custom.plan": {"pro"}})
		if !strings.Contains(res.body, "Formule") || !strings.Contains(res.body, ">pro<") {
			t.Errorf("person custom field not shown")
		}
		if res := c.post("/people", url.Values{"last_name": {"Martin"}, "custom.plan": {"gold"}}); res.status != http.StatusUnprocessableEntity {
			t.Errorf("bad person custom value: %d", res.status)
		}
	})
}

// TestHostileInput: what once produced a 500 or a redirect elsewhere.
func TestHostileInput(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newFixture(t, db)
		c := f.login(t, adminEmail)
		for _, path := range []string{"/people/%00", "/people/%FF", "/organisations/%00", "/people?after=%00",
			"/people?lifecycle=%FF", "/organisations?status=%00", "/audit?object_id=%FF"} {
			if res := c.get(path); res.status >= 500 {
				t.Errorf("GET %s: %d", path, res.status)
			}
		}
		for _, q := range []string{"Поп", "ο", "漢字", "jean@exämple.fr", "\U0010FFFF"} {
			if res := c.post("/people/search", url.Values{"q": {q}}); res.status != http.StatusOK {
				t.Errorf("search %q: %d", q, res.status)
			}
			if res := c.post("/organisations/search", url.Values{"q": {q}}); res.status != http.StatusOK {
				t.Errorf("organisation search %q: %d", q, res.status)
			}
		}
		if res := c.post("/activities/x/delete", url.Values{"body": {"ab\xffcd"}}); res.status >= 500 {
			t.Errorf("bad UTF-8 activity: %d", res.status)
		}
		p, _ := f.crm.CreatePerson(cliCtx(), f.ws.ID, crm.PersonInput{LastName: "X"})
		if res := c.post("/people/"+p.PublicID+"/activities", url.Values{"kind": {"note"}, "body": {"ab\xffcd"}}); res.status >= 500 {
			t.Errorf("bad UTF-8 activity: %d", res.status)
		}
		c.get("/settings/fields")
		c.post("/settings/fields", url.Values{"entity": {"person"}, "key": {"n"}, "label": {"N"}, "kind": {"number"}})
		if res := c.post("/people", url.Values{"last_name": {"Y"}, "custom.n": {"Inf"}}); res.status != http.StatusUnprocessableEntity {
			t.Errorf("Inf accepted as a number: %d", res.status)
		}
		// The login form sends nobody elsewhere.
		for _, next := range []string{"/%09/evil.example/x", "//evil.example", "https://evil.example", "/\\evil.example"} {
			anon := &client{t: t, base: c.base, http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
			req, _ := http.NewRequest(http.MethodPost, c.base+"/login", strings.NewReader(url.Values{"email": {adminEmail}, "password": {adminPassword}, "next": {mustUnescape(next)}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := anon.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if loc := res.Header.Get("Location"); loc != "/" {
				t.Errorf("next=%q redirects to %q", next, loc)
			}
		}
	})
}

func mustUnescape(s string) string {
	u, err := url.PathUnescape(s)
	if err != nil {
		return s
	}
	return u
}
