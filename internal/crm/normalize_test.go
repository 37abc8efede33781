package crm

import (
	"testing"
	"unicode/utf8"
)

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, display, norm string
		bad               bool
	}{
		{in: " Marie.Dupont@Example.FR ", display: "Marie.Dupont@Example.FR", norm: "marie.dupont@example.fr"},
		{in: "jean@bücher.example", display: "jean@bücher.example", norm: "jean@xn--bcher-kva.example"},
		{in: "o'brien+news@example.ie", display: "o'brien+news@example.ie", norm: "o'brien+news@example.ie"},
		{in: "", bad: true},
		{in: "no-at-sign", bad: true},
		{in: "a@b", bad: true},
		{in: "two words@example.com", bad: true},
		{in: "a@example.com.", bad: true},
		{in: "\xff@example.com", bad: true},
		{in: "x@" + string(make([]byte, 260)), bad: true},
	}
	for _, tt := range tests {
		display, norm, problem := NormalizeEmail(tt.in)
		if tt.bad {
			if problem == "" {
				t.Errorf("NormalizeEmail(%q) accepted %q", tt.in, norm)
			}
			continue
		}
		if problem != "" || display != tt.display || norm != tt.norm {
			t.Errorf("NormalizeEmail(%q) = %q, %q, %q; want %q, %q", tt.in, display, norm, problem, tt.display, tt.norm)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in, e164 string
		kind     PhoneKind
	}{
		{"06 12 34 56 78", "+33612345678", PhoneMobile},
		{"06.12.34.56.78", "+33612345678", PhoneMobile},
		{"+33 1 42 68 53 00", "+33142685300", PhoneLandline},
		{"0033 1 42 68 53 00", "+33142685300", PhoneLandline},
		{"+32 470 12 34 56", "+32470123456", PhoneMobile},
		{"+49 30 901820", "+4930901820", PhoneLandline},
		{"12", "", ""},
		{"06 12", "", ""},
		{"not a number", "", ""},
	}
	for _, tt := range tests {
		e164, kind, problem := NormalizePhone(tt.in)
		if tt.e164 == "" {
			if problem == "" {
				t.Errorf("NormalizePhone(%q) accepted %q", tt.in, e164)
			}
			continue
		}
		if e164 != tt.e164 || kind != tt.kind {
			t.Errorf("NormalizePhone(%q) = %q %q (%s), want %q %q", tt.in, e164, kind, problem, tt.e164, tt.kind)
		}
	}
	if got := FormatPhone("+33612345678"); got != "06 12 34 56 78" {
		t.Errorf("FormatPhone = %q", got)
	}
}

func TestFoldAndPrefixUpper(t *testing.T) {
	if got := Fold("  Élodie   LEFÈVRE "); got != "elodie lefevre" {
		t.Errorf("Fold = %q", got)
	}
	if got := PrefixUpper("du"); got != "dv" {
		t.Errorf("PrefixUpper = %q", got)
	}
	if got := PrefixUpper("по"); got != "пп" || !utf8.ValidString(got) {
		t.Errorf("PrefixUpper = %q", got)
	}
	if got := PrefixUpper("a\U0010FFFF"); got != "b" {
		t.Errorf("PrefixUpper = %q", got)
	}
}
