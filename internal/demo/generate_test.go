package demo

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/crm"
)

var testNow = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

func generate(seed uint64, n int) []*Person {
	g := NewGenerator(seed, testNow)
	out := make([]*Person, n)
	for i := range out {
		out[i] = g.Person(int64(i))
	}
	return out
}

func TestSameSeedSameData(t *testing.T) {
	a, b := generate(7, 1000), generate(7, 1000)
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Fatalf("person %d differs:\n%+v\n%+v", i, a[i], b[i])
		}
	}
	ga, gb := NewGenerator(7, testNow), NewGenerator(7, testNow)
	for i := int64(0); i < 300; i++ {
		if !reflect.DeepEqual(ga.Organisation(i), gb.Organisation(i)) {
			t.Fatalf("organisation %d differs", i)
		}
		p := ga.Person(i)
		if !reflect.DeepEqual(ga.Activities(p), gb.Activities(gb.Person(i))) {
			t.Fatalf("activities of %d differ", i)
		}
	}
	c := generate(8, 50)
	same := 0
	for i := range c {
		if c[i].FirstName == a[i].FirstName && c[i].LastName == a[i].LastName {
			same++
		}
	}
	if same > 10 {
		t.Errorf("seeds 7 and 8 share %d of 50 names", same)
	}
}

func TestPeopleAreValid(t *testing.T) {
	people := generate(1, 5000)
	seen := map[string]bool{}
	for _, p := range people {
		got, err := p.Input().Build(nil, testNow)
		if err != nil {
			t.Fatalf("person %d (%s %s): %v", p.Index, p.FirstName, p.LastName, err)
		}
		if !reflect.DeepEqual(got.Emails, p.Emails) || !reflect.DeepEqual(got.Phones, p.Phones) {
			t.Errorf("person %d: normalised contacts differ: %+v %+v / %+v %+v", p.Index, got.Emails, got.Phones, p.Emails, p.Phones)
		}
		for _, e := range p.Emails {
			if seen[e.Norm] {
				t.Errorf("email %s given twice", e.Norm)
			}
			seen[e.Norm] = true
		}
		if p.Audience == crm.B2C && p.Org >= 0 {
			t.Errorf("person %d: consumer with an organisation", p.Index)
		}
		if p.CreatedAt.Before(p.CollectedAt) || p.UpdatedAt.Before(p.CreatedAt) || p.UpdatedAt.After(testNow) {
			t.Errorf("person %d: dates out of order", p.Index)
		}
		if !p.LastInteractionAt.IsZero() && p.LastInteractionAt.Before(p.CollectedAt) {
			t.Errorf("person %d: interaction before collection", p.Index)
		}
	}
}

func TestPeopleMix(t *testing.T) {
	people := generate(3, 5000)
	var b2b, withOrg, foreign, accented, noInteraction, stale, oldCollected int
	orgs := map[int64]int{}
	for _, p := range people {
		if p.Audience == crm.B2B {
			b2b++
		}
		if p.Org >= 0 {
			withOrg++
			orgs[p.Org]++
		}
		if p.Address.Country != "" && p.Address.Country != "FR" {
			foreign++
		}
		if strings.ContainsAny(p.FirstName+p.LastName, "éèêëàâîïôöüçÉñłß") {
			accented++
		}
		switch {
		case p.LastInteractionAt.IsZero():
			noInteraction++
		case p.LastInteractionAt.Before(testNow.Add(-3 * year)):
			stale++
		}
		if p.CollectedAt.Before(testNow.Add(-5 * year)) {
			oldCollected++
		}
	}
	within := func(name string, got, lo, hi int) {
		if got < lo || got > hi {
			t.Errorf("%s = %d of 5000, want %d..%d", name, got, lo, hi)
		}
	}
	within("b2b", b2b, 3500, 4000)
	within("with organisation", withOrg, 3100, 3650)
	within("organisations", len(orgs), 500, 5000/PeoplePerOrganisation+1)
	within("foreign addresses", foreign, 50, 600)
	within("accented names", accented, 800, 3000)
	within("no interaction", noInteraction, 850, 1150)
	within("interaction older than 3 years", stale, 500, 2000)
	within("collected more than 5 years ago", oldCollected, 600, 1100)
}

func TestPhonesAreValid(t *testing.T) {
	g := NewGenerator(1, testNow)
	check := func(e164 string, want crm.PhoneKind) {
		t.Helper()
		got, kind, problem := crm.NormalizePhone(e164)
		if problem != "" || got != e164 || kind != want {
			t.Fatalf("%s: got %q %q %q, want a %s", e164, got, kind, problem, want)
		}
	}
	for k := 0; k < 500; k++ {
		check(mobile(g.r, nil), crm.PhoneMobile)
		for i := range euCountries {
			check(mobile(g.r, &euCountries[i]), crm.PhoneMobile)
		}
	}
	for _, c := range allCities() {
		for k := 0; k < 60; k++ {
			check(landline(g.r, &c), crm.PhoneLandline)
		}
	}
}

func TestOrganisationsAreValid(t *testing.T) {
	g := NewGenerator(5, testNow)
	for j := int64(0); j < 2000; j++ {
		o := g.Organisation(j)
		in := crm.OrganisationInput{Name: o.Name, Kind: o.Kind, Status: o.Status, RegistrationNumber: o.RegistrationNumber,
			Website: o.Website, Phone: o.Phone, Address: o.Address}
		got, err := in.Build(nil)
		if err != nil {
			t.Fatalf("organisation %d (%s): %v", j, o.Name, err)
		}
		if got.Phone != o.Phone {
			t.Errorf("organisation %d: phone %s normalised to %s", j, o.Phone, got.Phone)
		}
		if _, norm, problem := crm.NormalizeEmail("contact@" + o.Domain); problem != "" || norm != "contact@"+o.Domain {
			t.Errorf("organisation %d: domain %q: %s", j, o.Domain, problem)
		}
	}
}

func TestActivitiesAreValid(t *testing.T) {
	g := NewGenerator(9, testNow)
	total := 0
	for i := int64(0); i < 2000; i++ {
		p := g.Person(i)
		acts := g.Activities(p)
		total += len(acts)
		var latest time.Time
		for _, a := range acts {
			in := crm.ActivityInput{PersonID: p.PublicID, Kind: a.Kind, OccurredAt: a.OccurredAt, Subject: a.Subject, Body: a.Body}
			built, err := in.Build(testNow)
			if err != nil {
				t.Fatalf("activity of %d: %v", i, err)
			}
			if built.CountsAsInteraction != a.CountsAsInteraction || a.OccurredAt.Before(p.CollectedAt) {
				t.Errorf("activity of %d: inconsistent %+v", i, a)
			}
			if a.CountsAsInteraction && a.OccurredAt.After(latest) {
				latest = a.OccurredAt
			}
		}
		if !latest.IsZero() && !latest.Equal(p.LastInteractionAt) {
			t.Errorf("person %d: latest interaction %v, last_interaction_at %v", i, latest, p.LastInteractionAt)
		}
	}
	if total < 3000 || total > 5000 {
		t.Errorf("%d activities for 2000 people", total)
	}
}

func TestSortKeysAndSlugs(t *testing.T) {
	p := &Person{}
	p.FirstName, p.LastName = "Élodie", "Lefèvre"
	if s, a := p.SortKeys(); s != "lefevre elodie" || a != "elodie lefevre" {
		t.Errorf("sort keys %q %q", s, a)
	}
	for in, want := range map[string]string{"N'Diaye": "ndiaye", "Weiß": "weiss", "Łukasz": "lukasz",
		"van den Berg": "vandenberg", "Jean-François": "jean-francois"} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
	if got := ofCity("Les Jardins", "Le Havre"); got != "Les Jardins du Havre" {
		t.Error(got)
	}
	if got := ofCity("Les Jardins", "Angers"); got != "Les Jardins d'Angers" {
		t.Error(got)
	}
}
