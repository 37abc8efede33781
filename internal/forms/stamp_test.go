package forms

import (
	"slices"
	"testing"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
)

// TestCheckStamp: what each start time makes of a submission.
func TestCheckStamp(t *testing.T) {
	s := &Service{Signer: Signer{Key: []byte("a key of thirty-two bytes, or so")},
		Limits: Limits{MinFillTime: 2 * time.Second, MaxFillTime: 12 * time.Hour}}
	now := time.Unix(1_800_000_000, 0)
	other := Signer{Key: []byte("another key of thirty-two bytes.")}
	cases := []struct {
		name    string
		started string
		trap    string
		want    int
	}{
		{"fresh page", s.Signer.Started(now.Add(-time.Minute)), "", stampOK},
		{"honeypot", s.Signer.Started(now.Add(-time.Minute)), "x", stampSpam},
		{"too fast", s.Signer.Started(now), "", stampSpam},
		{"missing (plain embed)", "", "", stampConfirm},
		{"forged", "forged", "", stampConfirm},
		{"another installation's", other.Started(now.Add(-time.Minute)), "", stampConfirm},
		{"a link token", s.Signer.Sign(TokenOptin, "6f1c7b4e-3c1a-4a8e-9d2b-0f5e6a7b8c9d", now.Add(-time.Minute)), "", stampConfirm},
		{"stale page", s.Signer.Started(now.Add(-13 * time.Hour)), "", stampConfirm},
		{"confirmation too fast", s.Signer.ConfirmStarted(now), "", stampConfirm},
		{"confirmation", s.Signer.ConfirmStarted(now.Add(-5 * time.Second)), "", stampOK},
		{"confirmation with honeypot", s.Signer.ConfirmStarted(now.Add(-5 * time.Second)), "x", stampSpam},
	}
	for _, c := range cases {
		in := Input{Values: map[string][]string{StartedField: {c.started}, HoneypotField: {c.trap}}}
		if got := s.checkStamp(in, now); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestTag: a tag checks for its text and purpose only, and can never pass
// for a start time.
func TestTag(t *testing.T) {
	s := Signer{Key: []byte("a key of thirty-two bytes, or so")}
	tag := s.Tag("page", "https://www.client.example/contact")
	if !s.CheckTag("page", "https://www.client.example/contact", tag) {
		t.Fatal("a tag does not check")
	}
	for _, c := range [][3]string{
		{"page", "https://evil.example/", tag},
		{"other", "https://www.client.example/contact", tag},
		{"page", "https://www.client.example/contact", ""},
		{"page", "https://www.client.example/contact", tag[:len(tag)-1]},
	} {
		if s.CheckTag(c[0], c[1], c[2]) {
			t.Errorf("%v checks", c)
		}
	}
	if _, ok := s.StartedAt(tag); ok {
		t.Error("a tag reads as a start time")
	}
}

// TestCollected: person fields by category, custom fields with theirs, the
// proof's connection data only when a box asks consent.
func TestCollected(t *testing.T) {
	custom := []crm.CustomField{{Entity: crm.EntityPerson, Key: "plan", Kind: crm.FieldText, Category: "economic"},
		{Entity: crm.EntityPerson, Key: "size", Kind: crm.FieldNumber}}
	d := DefaultDefinition("fr", consent.DefaultPurposes, "Acme")
	d.Fields = append(d.Fields, Field{Key: FieldJobTitle}, Field{Key: "custom.plan"}, Field{Key: "custom.size"})
	got := map[string]string{}
	for _, c := range d.Collected(custom) {
		got[c.Key] = c.Category
	}
	want := map[string]string{"email": "identity", "first_name": "identity", "last_name": "identity", "job_title": "professional_life",
		"custom.plan": "economic", "custom.size": "", ProofIP: "connection", ProofUserAgent: "connection"}
	if len(got) != len(want) {
		t.Fatalf("collected %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	for _, cat := range personFieldCategory {
		if !slices.Contains(crm.FieldCategories, cat) {
			t.Errorf("%q is not a category of the register", cat)
		}
	}
	d.Checkboxes = nil
	for _, c := range d.Collected(custom) {
		if c.Key == ProofIP || c.Key == ProofUserAgent {
			t.Errorf("a form without a consent box keeps no %s", c.Key)
		}
	}
}
