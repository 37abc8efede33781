package forms

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"pgregory.net/rapid"
)

// TestTokenProperties: a token verifies to its request id before its
// expiry, of its own kind only; any change to any byte makes it a bad link.
func TestTokenProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := Signer{Key: []byte(rapid.StringN(32, 64, -1).Draw(t, "key"))}
		id := uuid.NewString()
		now := time.Unix(rapid.Int64Range(1e9, 4e9).Draw(t, "now"), 0)
		exp := now.Add(time.Duration(rapid.IntRange(1, 1000).Draw(t, "hours")) * time.Hour)
		tok := s.Sign(TokenOptin, id, exp)
		if got, err := s.Verify(TokenOptin, tok, now); err != nil || got != id {
			t.Fatalf("verify: %q %v", got, err)
		}
		if _, err := s.Verify(TokenReoptin, tok, now); err != ErrBadLink {
			t.Fatalf("another kind: %v", err)
		}
		if _, err := s.Verify(TokenOptin, tok, exp.Add(time.Second)); err != ErrExpiredLink {
			t.Fatalf("after expiry: %v", err)
		}
		raw, _ := base64.RawURLEncoding.DecodeString(tok)
		i := rapid.IntRange(0, len(raw)-1).Draw(t, "byte")
		raw[i] ^= byte(rapid.IntRange(1, 255).Draw(t, "flip"))
		if _, err := s.Verify(TokenOptin, base64.RawURLEncoding.EncodeToString(raw), now); err != ErrBadLink {
			t.Fatalf("altered byte %d accepted: %v", i, err)
		}
		if strings.Contains(tok, id) {
			t.Fatal("the token shows its id in clear")
		}
	})
}

// TestDefinitionValidate: each refusal names its field.
func TestDefinitionValidate(t *testing.T) {
	purposes := consent.DefaultPurposes
	custom := []crm.CustomField{{Entity: crm.EntityPerson, Key: "plan", Kind: crm.FieldSelect, Options: []string{"free", "pro"}}}
	cases := []struct {
		name  string
		edit  func(d *Definition)
		field string
	}{
		{"ok", func(d *Definition) {}, ""},
		{"pre-ticked", func(d *Definition) { d.Checkboxes[0].Checked = true }, "checkboxes"},
		{"transactional box", func(d *Definition) { d.Checkboxes[0].Purpose = consent.TransactionalMail }, "checkboxes"},
		{"unknown purpose", func(d *Definition) { d.Checkboxes[0].Purpose = "nope" }, "checkboxes"},
		{"twice", func(d *Definition) { d.Checkboxes = append(d.Checkboxes, d.Checkboxes[0]) }, "checkboxes"},
		{"no email", func(d *Definition) { d.Fields = d.Fields[1:] }, "fields"},
		{"unknown field", func(d *Definition) { d.Fields = append(d.Fields, Field{Key: "custom.nope", Label: "x"}) }, "fields"},
		{"custom select", func(d *Definition) { d.Fields = append(d.Fields, Field{Key: "custom.plan", Label: "Plan"}) }, ""},
		{"bad redirect", func(d *Definition) { d.RedirectURL = "javascript:alert(1)" }, "redirect_url"},
		{"bad origin", func(d *Definition) { d.AllowedOrigins = []string{"https://x.fr/path"} }, "allowed_origins"},
		{"empty notice", func(d *Definition) { d.NoticeEN = " " }, "notice_en"},
		{"invalid UTF-8", func(d *Definition) { d.Title = "a\xff" }, "title"},
		{"lang", func(d *Definition) { d.Lang = "de" }, "lang"},
	}
	for _, c := range cases {
		d := DefaultDefinition("fr", purposes, "Acme")
		c.edit(&d)
		err := d.Validate(purposes, custom)
		e, _ := errs.As(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.field != "" && (e == nil || e.Fields[c.field] == ""):
			t.Errorf("%s: want a problem with %s, got %v", c.name, c.field, err)
		}
	}
}

// TestSettingsValidate: the template must hold the link placeholder.
func TestSettingsValidate(t *testing.T) {
	s := DefaultSettings()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	s.BodyEN = "no link"
	s.FromName = "A\r\nBcc: x"
	e, _ := errs.As(s.Validate())
	if e == nil || e.Fields["body_en"] == "" || e.Fields["from_name"] == "" {
		t.Fatalf("%v", e)
	}
}

// TestMergeNeverErases: empty submitted values keep what is known.
func TestMergeNeverErases(t *testing.T) {
	old := &crm.Person{FirstName: "Jean", LastName: "Martin", JobTitle: "Gérant", Custom: map[string]any{"plan": "pro"},
		Phones: []crm.Phone{{E164: "+33612345678"}}}
	sub := &crm.Person{LastName: "Martin-Durand", Phones: []crm.Phone{{E164: "+33700000000"}}, Custom: map[string]any{"size": 3.0}}
	p := merge(old, sub, time.Now())
	if p.FirstName != "Jean" || p.LastName != "Martin-Durand" || p.JobTitle != "Gérant" || len(p.Phones) != 2 ||
		p.Phones[0].E164 != "+33612345678" || p.Custom["plan"] != "pro" || p.Custom["size"] != 3.0 {
		t.Fatalf("%+v", p)
	}
	if len(old.Phones) != 1 || len(old.Custom) != 1 {
		t.Fatal("merge changed the old person")
	}
}

type fixedNotice struct{}

func (fixedNotice) Notice(_ context.Context, _ int64, purposes []string, lang string) (string, bool, error) {
	return "register " + lang + " " + strings.Join(purposes, ","), lang == "fr", nil
}

// TestNoticeSource: a connected register gives a new form its notice;
// a language it lacks keeps the default.
func TestNoticeSource(t *testing.T) {
	s := &Service{Notices: fixedNotice{}}
	d := DefaultDefinition("fr", consent.DefaultPurposes, "Acme")
	if err := s.registerNotice(context.Background(), 1, &d); err != nil {
		t.Fatal(err)
	}
	if d.NoticeFR != "register fr email_marketing" || d.NoticeEN != DefaultNotice("en", "Acme") {
		t.Fatalf("%q / %q", d.NoticeFR, d.NoticeEN)
	}
}
