package register_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/register"
)

func complete() register.Activity {
	t, _ := register.TemplateByKey(register.TplProspectingB2C)
	return t.Activity
}

func TestActivation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(a *register.Activity)
		field string
	}{
		{"OK", func(a *register.Activity) {}, ""},
		{"ErrNoPurpose", func(a *register.Activity) { a.Purposes = nil }, "purposes"},
		{"ErrNoLegalBasis", func(a *register.Activity) { a.Purposes[0].Basis = "" }, "purposes.0.legal_basis"},
		{"ErrUnknownBasis", func(a *register.Activity) { a.Purposes[0].Basis = "whim" }, "purposes.0.legal_basis"},
		{"ErrInterestUnsaid", func(a *register.Activity) { a.Purposes[3].Interest = "" }, "purposes.3.legitimate_interest"},
		{"ErrNoRetention", func(a *register.Activity) { a.Retention = nil }, "retention"},
		{"ErrZeroPeriod", func(a *register.Activity) { a.Retention[0].Period.Count = 0 }, "retention.0.period"},
		{"ErrNegativePeriod", func(a *register.Activity) { a.Retention[0].Period.Count = -3 }, "retention.0.period"},
		{"ErrNoStartEvent", func(a *register.Activity) { a.Retention[0].Start = "" }, "retention.0.start"},
		{"ErrBadUnit", func(a *register.Activity) { a.Retention[0].Period.Unit = "fortnights" }, "retention.0.period"},
		{"ErrCenturies", func(a *register.Activity) { a.Retention[0].Period = register.Period{Count: 60, Unit: register.Years} }, "retention.0.period"},
		{"ErrNoAction", func(a *register.Activity) { a.Retention[0].Action = "" }, "retention.0.action"},
		{"ErrBadKey", func(a *register.Activity) { a.Purposes[0].Key = "Email Marketing" }, "purposes.0.key"},
		{"ErrDuplicateKey", func(a *register.Activity) { a.Purposes[1].Key = a.Purposes[0].Key }, "purposes.1.key"},
		{"ErrNoName", func(a *register.Activity) { a.Name = " " }, "name"},
		{"ErrHugeName", func(a *register.Activity) { a.Name = strings.Repeat("x", 5000) }, "name"},
		{"ErrSensitiveUnsaid", func(a *register.Activity) { a.Sensitive = true }, "sensitive_detail"},
		{"ErrTransferWithoutSafeguard", func(a *register.Activity) { a.Transfers = []register.Transfer{{Country: "US"}} }, "transfers.0"},
		{"ErrUnknownCategory", func(a *register.Activity) { a.Categories = append(a.Categories, "horoscope") }, "data_categories"},
		{"ErrNoSubjects", func(a *register.Activity) { a.SubjectGroups = nil }, "subject_categories"},
		{"ErrNoRecipient", func(a *register.Activity) { a.Recipients = register.Recipients{} }, "recipients.internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := complete()
			tt.edit(&a)
			err := a.ValidateActivation()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid || e.Fields[tt.field] == "" {
				t.Fatalf("err = %v, want a message on %s", err, tt.field)
			}
		})
	}
}

func TestDraftMayBeIncomplete(t *testing.T) {
	a := register.Activity{Name: "Fichier salon 2026"}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := a.ValidateActivation(); err == nil {
		t.Fatal("an entry without purpose was activated")
	}
}

// TestTemplates checks every CNIL template can be activated and that
// together they cover every default consent purpose, so that a workspace
// that adopts them has a register entry behind each purpose.
func TestTemplates(t *testing.T) {
	covered := map[string]bool{}
	for _, tpl := range register.Templates() {
		a := tpl.Activity
		if err := a.ValidateActivation(); err != nil {
			t.Errorf("%s: %v", tpl.Key, err)
		}
		for _, p := range a.Purposes {
			covered[p.Key] = true
		}
		for _, lang := range []string{"fr", "en"} {
			if _, err := register.RenderNotice(&register.Entry{Activity: a}, org(), lang); err != nil {
				t.Errorf("%s notice %s: %v", tpl.Key, lang, err)
			}
		}
	}
	for _, p := range consent.DefaultPurposes {
		if !covered[p.Key] {
			t.Errorf("default purpose %s is covered by no template", p.Key)
		}
	}
	if len(register.Templates()) != 7 {
		t.Errorf("%d templates", len(register.Templates()))
	}
}

func TestCategoriesMatchCRM(t *testing.T) {
	var cats []string
	for _, c := range register.DataCategories {
		cats = append(cats, string(c))
	}
	if !slices.Equal(cats, crm.FieldCategories) {
		t.Fatalf("register %v, crm %v", cats, crm.FieldCategories)
	}
}

func org() register.Organisation {
	return register.Organisation{ControllerName: "Atelier Dupont SARL", ControllerAddress: "12 rue des Lilas, 69003 Lyon",
		ControllerEmail: "contact@atelier-dupont.fr", RightsContact: "rgpd@atelier-dupont.fr", DPOName: "Claire Martin", DPOEmail: "dpo@atelier-dupont.fr"}
}

func TestNotice(t *testing.T) {
	a := complete()
	e := &register.Entry{PublicID: "e1", Version: 3, Activity: a}
	fr, err := register.RenderNotice(e, org(), "fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Atelier Dupont SARL", "12 rue des Lilas", "vous envoyer nos offres par e-mail", "votre consentement",
		"notre intérêt légitime", "3 ans à compter de la fin de la relation commerciale (clients), puis suppression",
		"rgpd@atelier-dupont.fr", "Claire Martin (dpo@atelier-dupont.fr)", "réclamation à la CNIL", "Bloctel", "retirer votre consentement"} {
		if !strings.Contains(fr.Text, want) {
			t.Errorf("French notice lacks %q:\n%s", want, fr.Text)
		}
	}
	if fr.Version != 3 || len(fr.SHA256) != 64 || strings.Contains(fr.Text, "{") {
		t.Errorf("notice = %+v", fr)
	}
	en, err := register.RenderNotice(e, org(), "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"processed by Atelier Dupont SARL", "your consent", "3 years from the last contact from the person (prospects), then deletion",
		"lodge a complaint with the CNIL", "Bloctel"} {
		if !strings.Contains(en.Text, want) {
			t.Errorf("English notice lacks %q:\n%s", want, en.Text)
		}
	}
	t.Run("NoBloctelWithoutPhone", func(t *testing.T) {
		b2b := *e
		b2b.Activity.Fields = []string{"email"}
		n, _ := register.RenderNotice(&b2b, org(), "fr")
		if strings.Contains(n.Text, "Bloctel") {
			t.Error("Bloctel notice without a phone number collected")
		}
	})
	t.Run("ErrUnfilledPlaceholder", func(t *testing.T) {
		o := org()
		o.ControllerAddress, o.RightsContact, o.ControllerEmail = "", "", ""
		_, err := register.RenderNotice(e, o, "fr")
		ee, ok := errs.As(err)
		if !ok || ee.Fields["controller_address"] == "" || ee.Fields["rights_contact"] == "" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNoPurposeNoNotice", func(t *testing.T) {
		_, err := register.RenderNotice(&register.Entry{Activity: register.Activity{Name: "x"}}, org(), "en")
		if ee, ok := errs.As(err); !ok || ee.Fields["purposes"] == "" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrLanguage", func(t *testing.T) {
		if _, err := register.RenderNotice(e, org(), "de"); !errs.Is(err, errs.Invalid) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRuleText(t *testing.T) {
	r := register.RetentionRule{Subjects: register.Visitors, Category: register.CatInternet, Start: register.FromCollection,
		Period: register.Period{Count: 13, Unit: register.Months}, Action: register.Delete}
	if got := register.RuleText(r, "fr"); got != "13 mois à compter de la collecte (visiteurs, internet (cookies, traceurs)), puis suppression" {
		t.Error(got)
	}
	if got := register.RuleText(r, "en"); got != "13 months from collection (visitors, internet (cookies, trackers)), then deletion" {
		t.Error(got)
	}
}
