package register_test

import (
	"strings"
	"testing"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/register"
	"pgregory.net/rapid"
)

func genActivity(t *rapid.T) register.Activity {
	a := register.Activity{Name: rapid.StringMatching(`[A-Za-zé ]{0,20}`).Draw(t, "name"), NameEN: rapid.StringMatching(`[A-Za-z ]{0,20}`).Draw(t, "name_en"),
		SubjectGroups: rapid.SliceOfN(rapid.StringMatching(`[A-Za-z]{0,8}`), 0, 2).Draw(t, "subjects"),
		Categories:    rapid.SliceOfN(rapid.SampledFrom(register.DataCategories), 0, 3).Draw(t, "categories"),
		Fields:        rapid.SliceOfN(rapid.SampledFrom([]string{"email", "phone", "address"}), 0, 3).Draw(t, "fields"),
		Recipients: register.Recipients{Internal: rapid.SliceOfN(rapid.StringMatching(`[A-Za-z]{0,8}`), 0, 2).Draw(t, "internal"),
			Processors: rapid.SliceOfN(rapid.StringMatching(`[A-Za-z]{0,8}`), 0, 1).Draw(t, "processors")}}
	for range rapid.IntRange(0, 3).Draw(t, "purposes") {
		a.Purposes = append(a.Purposes, register.PurposeSpec{LabelFR: rapid.StringMatching(`[a-z ]{0,10}`).Draw(t, "fr"),
			LabelEN: rapid.StringMatching(`[a-z ]{0,10}`).Draw(t, "en"), Basis: rapid.SampledFrom(append(consent.LegalBases, "")).Draw(t, "basis"),
			Interest: rapid.SampledFrom([]string{"", "grow"}).Draw(t, "interest")})
	}
	for range rapid.IntRange(0, 3).Draw(t, "rules") {
		a.Retention = append(a.Retention, register.RetentionRule{Subjects: rapid.SampledFrom(register.SubjectsList).Draw(t, "who"),
			Start:  rapid.SampledFrom(append(register.StartEvents, "")).Draw(t, "start"),
			Period: register.Period{Count: rapid.IntRange(-2, 40).Draw(t, "count"), Unit: rapid.SampledFrom(register.Units).Draw(t, "unit")},
			Action: rapid.SampledFrom(register.EndActions).Draw(t, "action")})
	}
	return a
}

// TestActivationProperty: an activity that can be activated has a
// purpose with a basis, and only positive periods with a start event; its
// notice renders in both languages with every placeholder filled.
func TestActivationProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genActivity(t)
		if a.ValidateActivation() != nil {
			return
		}
		if len(a.Purposes) == 0 || len(a.Retention) == 0 {
			t.Fatal("activated without purpose or retention")
		}
		for _, p := range a.Purposes {
			if p.Basis == "" {
				t.Fatal("activated without legal basis")
			}
		}
		for _, r := range a.Retention {
			if r.Period.Count <= 0 || r.Start == "" {
				t.Fatalf("activated with rule %+v", r)
			}
		}
		for _, lang := range []string{"fr", "en"} {
			n, err := register.RenderNotice(&register.Entry{Activity: a}, org(), lang)
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(n.Text, "{}") {
				t.Fatalf("placeholder left: %s", n.Text)
			}
		}
	})
}
