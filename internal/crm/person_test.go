package crm

import (
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/errs"
)

func TestPersonInputBuild(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	fields := []CustomField{
		{Entity: EntityPerson, Key: "age", Kind: FieldNumber},
		{Entity: EntityPerson, Key: "newsletter", Kind: FieldBoolean},
		{Entity: EntityPerson, Key: "plan", Kind: FieldSelect, Options: []string{"free", "pro"}},
		{Entity: EntityPerson, Key: "birthday", Kind: FieldDate},
		{Entity: EntityOrganisation, Key: "siren", Kind: FieldText},
	}
	tests := []struct {
		name    string
		in      PersonInput
		invalid []string // fields expected in the error
	}{
		{"OK", PersonInput{FirstName: "Anne", Emails: []string{"a@example.com", "A@EXAMPLE.com", "b@example.com"},
			Custom: map[string]any{"age": "42", "newsletter": "oui", "plan": "pro", "birthday": "1984-02-29"}}, nil},
		{"OKEmailOnly", PersonInput{Emails: []string{"a@example.com"}}, nil},
		{"ErrNoNameNoEmail", PersonInput{}, []string{"last_name"}},
		{"ErrBadEnums", PersonInput{LastName: "X", Lifecycle: "vip", Audience: "b2g", Origin: "magic"}, []string{"lifecycle", "audience", "origin"}},
		{"ErrLongName", PersonInput{LastName: strings.Repeat("é", MaxNameLength+1)}, []string{"last_name"}},
		{"ErrControlChars", PersonInput{LastName: "a\x00b"}, []string{"last_name"}},
		{"ErrFuture", PersonInput{LastName: "X", CollectedAt: now.AddDate(0, 1, 0)}, []string{"collected_at"}},
		{"ErrCountry", PersonInput{LastName: "X", Address: Address{Country: "France"}}, []string{"country"}},
		{"ErrCustom", PersonInput{LastName: "X", Custom: map[string]any{"age": "old", "plan": "gold", "birthday": "29/02/1984",
			"newsletter": "maybe", "siren": "123", "nope": "x"}},
			[]string{"custom.age", "custom.plan", "custom.birthday", "custom.newsletter", "custom.siren", "custom.nope"}},
		{"ErrTooManyEmails", PersonInput{LastName: "X",
			Emails: strings.Split("a@e.fr,b@e.fr,c@e.fr,d@e.fr,e@e.fr,f@e.fr,g@e.fr,h@e.fr,i@e.fr,j@e.fr,k@e.fr", ",")}, []string{"emails"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.in.Build(fields, now)
			if len(tt.invalid) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := errs.As(err)
			_ = p
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			for _, f := range tt.invalid {
				if e.Fields[f] == "" {
					t.Errorf("no problem reported for %s (got %v)", f, e.Fields)
				}
			}
		})
	}
	p, _ := PersonInput{FirstName: "Anne", Emails: []string{"a@example.com", "A@EXAMPLE.com"}, Custom: map[string]any{"age": "4,5"}}.Build(fields, now)
	if len(p.Emails) != 1 || p.Custom["age"] != 4.5 || p.Lifecycle != Lead || p.Audience != B2B || !p.CollectedAt.Equal(now) {
		t.Errorf("defaults and normalisation: %+v", p)
	}
}

func TestActivityInputBuild(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	no := false
	tests := []struct {
		name   string
		in     ActivityInput
		counts bool
		bad    bool
	}{
		{"CallCounts", ActivityInput{PersonID: "p", Kind: KindCall, Subject: "x"}, true, false},
		{"NoteDoesNot", ActivityInput{PersonID: "p", Kind: KindNote, Body: "x"}, false, false},
		{"AuthorSaysNo", ActivityInput{PersonID: "p", Kind: KindCall, Subject: "x", CountsAsInteraction: &no}, false, false},
		{"PlannedMeetingDoesNot", ActivityInput{PersonID: "p", Kind: KindMeeting, Subject: "x", OccurredAt: now.Add(48 * time.Hour)}, false, false},
		{"ErrNoTarget", ActivityInput{Kind: KindCall, Subject: "x"}, false, true},
		{"ErrBothTargets", ActivityInput{PersonID: "p", OrganisationID: "o", Kind: KindCall, Subject: "x"}, false, true},
		{"ErrEmpty", ActivityInput{PersonID: "p", Kind: KindCall}, false, true},
		{"ErrKind", ActivityInput{PersonID: "p", Kind: "fax", Subject: "x"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := tt.in.Build(now)
			if tt.bad {
				if !errs.Is(err, errs.Invalid) {
					t.Fatalf("err = %v, want invalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.CountsAsInteraction != tt.counts {
				t.Errorf("counts = %v, want %v", a.CountsAsInteraction, tt.counts)
			}
		})
	}
}
