package importer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"pgregory.net/rapid"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

func TestDetectEncoding(t *testing.T) {
	latin, _ := charmap.Windows1252.NewEncoder().String("Prénom;Société\nÉlodie;Café\n")
	for _, tc := range []struct {
		name string
		in   []byte
		want Encoding
	}{
		{"UTF8", []byte("Prénom;Nom\n"), UTF8},
		{"UTF8BOM", append(append([]byte{}, bom...), "Nom\n"...), UTF8},
		{"ASCII", []byte("a,b\n"), UTF8},
		{"Windows1252", []byte(latin), Windows1252},
		{"TruncatedRuneAtEnd", []byte("Prénom;Nom\nÉ")[:13], UTF8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectEncoding(tc.in); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestDetectSeparator(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     rune
	}{
		{"Comma", "a,b,c\n1,2,3\n", ','},
		{"Semicolon", "Nom;Prénom;Ville\nDupont;Jean;Paris, France\n", ';'},
		{"Tab", "a\tb\n1\t2\n", '\t'},
		{"QuotedSeparators", "\"a;b\",c\n\"x;y\",z\n", ','},
		{"QuotedNewline", "a;b\n\"1\n2\";3\n4;5\n", ';'},
		{"Single column", "email\nx@example.com\n", ','},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectSeparator([]byte(tc.in)); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func readAll(t *testing.T, src Source) [][]string {
	t.Helper()
	var out [][]string
	for {
		rec, _, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]string(nil), rec...))
	}
}

func TestOpenCSV(t *testing.T) {
	latin, _ := charmap.Windows1252.NewEncoder().String("Prénom;Adresse\r\nÉlodie;\"12 rue des Écoles\r\nBât. B; 2e\"\r\n")
	for name, data := range map[string][]byte{
		"Windows1252":  []byte(latin),
		"UTF8":         []byte("Prénom;Adresse\nÉlodie;\"12 rue des Écoles\r\nBât. B; 2e\"\n"),
		"UTF8BOM":      append(append([]byte{}, bom...), "Prénom;Adresse\nÉlodie;\"12 rue des Écoles\r\nBât. B; 2e\"\n"...),
		"NoFinalBreak": []byte("Prénom;Adresse\nÉlodie;\"12 rue des Écoles\nBât. B; 2e\""),
	} {
		t.Run(name, func(t *testing.T) {
			src, err := OpenCSV(bytes.NewReader(data), CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if h := src.Header(); len(h) != 2 || h[0] != "Prénom" {
				t.Fatalf("header %q", h)
			}
			rows := readAll(t, src)
			if len(rows) != 1 || rows[0][0] != "Élodie" || !strings.HasPrefix(rows[0][1], "12 rue des Écoles") || !strings.HasSuffix(rows[0][1], "Bât. B; 2e") {
				t.Fatalf("rows %q", rows)
			}
		})
	}
	t.Run("BareQuote", func(t *testing.T) {
		src, err := OpenCSV(strings.NewReader("a,b\n1,2\n3,x\"y\n"), CSVOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, _, _ = src.Next()
		_, _, err = src.Next()
		var fe *FileError
		if !errors.As(err, &fe) || fe.Line != 3 || fe.Column == 0 {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		if _, err := OpenCSV(strings.NewReader(""), CSVOptions{}); err == nil {
			t.Fatal("empty file accepted")
		}
	})
	t.Run("LineTooLong", func(t *testing.T) {
		src, err := OpenCSV(io.MultiReader(strings.NewReader("a\n"), bytes.NewReader(bytes.Repeat([]byte("x"), 2<<20))), CSVOptions{})
		if err == nil {
			_, _, err = src.Next()
		}
		if err == nil {
			t.Fatal("a 2 MiB line was accepted")
		}
	})
	t.Run("Override", func(t *testing.T) {
		latin, _ := charmap.ISO8859_15.NewEncoder().String("Prix;Nom\n10 €;Œuvre\n")
		src, err := OpenCSV(strings.NewReader(latin), CSVOptions{Encoding: ISO885915, Separator: ';'})
		if err != nil {
			t.Fatal(err)
		}
		rows := readAll(t, src)
		if rows[0][0] != "10 €" || rows[0][1] != "Œuvre" {
			t.Fatalf("rows %q", rows)
		}
	})
}

func TestSuggest(t *testing.T) {
	header := []string{"Prénom", "NOM", "E-mail", "Courriel", "Téléphone", "Portable", "Société", "Adresse",
		"Code postal", "Ville", "Pays", "Fonction", "Pointure", "Opt-in", "Désabonné", "Autre"}
	fields := []crm.CustomField{{Entity: crm.EntityPerson, Key: "shoe_size", Label: "Pointure", Kind: crm.FieldNumber}}
	got := Suggest(header, fields, consent.DefaultPurposes)
	want := Mapping{FieldFirstName, FieldLastName, FieldEmail, "", FieldPhone, FieldMobile, FieldOrganisation, FieldAddress1,
		FieldPostalCode, FieldCity, FieldCountry, FieldJobTitle, "custom:shoe_size", "consent:email_marketing",
		"flag:email_unsubscribed", ""}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s: got %q, want %q", header[i], got[i], want[i])
		}
	}
	saved := got.Save("salon", header)
	again, n := saved.Apply([]string{"Ville", "Courriel", "E-mail"})
	if n != 2 || again[0] != FieldCity || again[1] != "" || again[2] != FieldEmail {
		t.Fatalf("saved mapping applied: %q %d", again, n)
	}
}

func TestOptionsValidate(t *testing.T) {
	m := Mapping{FieldEmail, "consent:email_marketing"}
	ok := Options{Origin: crm.OriginTradeShow, OriginDetail: "Salon", LegalBasis: consent.BasisLegitimateInterest, ProofRef: "forms"}
	for _, tc := range []struct {
		name  string
		opt   Options
		m     Mapping
		field string
	}{
		{"OK", ok, m, ""},
		{"ErrNoSource", Options{OriginDetail: "x", LegalBasis: consent.BasisContract}, Mapping{FieldEmail}, "origin"},
		{"ErrManualOrigin", Options{Origin: crm.OriginManual, OriginDetail: "x", LegalBasis: consent.BasisContract}, Mapping{FieldEmail}, "origin"},
		{"ErrNoDetail", Options{Origin: crm.OriginPartner, LegalBasis: consent.BasisContract}, Mapping{FieldEmail}, "origin_detail"},
		{"ErrNoBasis", Options{Origin: crm.OriginPartner, OriginDetail: "x"}, Mapping{FieldEmail}, "legal_basis"},
		{"ErrConsentColumnWithoutProof", Options{Origin: crm.OriginPartner, OriginDetail: "x", LegalBasis: consent.BasisContract}, m, "proof_ref"},
		{"ErrConsentWithoutPurpose", Options{Origin: crm.OriginPartner, OriginDetail: "x", LegalBasis: consent.BasisConsent, ProofRef: "p"}, Mapping{FieldEmail}, "purposes"},
		{"ErrNoKeyColumn", ok, Mapping{FieldFirstName}, "mapping"},
		{"ErrTwice", ok, Mapping{FieldEmail, FieldEmail}, "mapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opt.Validate(tc.m, consent.DefaultPurposes)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(fieldsOf(err), tc.field) {
				t.Fatalf("want a problem with %s, got %v", tc.field, err)
			}
		})
	}
}

func fieldsOf(err error) string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return ""
	}
	var keys []string
	for k := range e.Fields {
		keys = append(keys, k)
	}
	return strings.Join(keys, ",")
}

func TestParse(t *testing.T) {
	header := []string{"Prénom", "Nom", "E-mail", "Portable", "Code postal", "Opt-in", "Type"}
	opt := Options{Origin: crm.OriginTradeShow, OriginDetail: "Salon", LegalBasis: consent.BasisLegitimateInterest,
		ProofRef: "forms", Audience: crm.B2B, Lifecycle: crm.Lead}
	p := NewParser(header, Suggest(header, nil, consent.DefaultPurposes), opt, nil, time.Now())
	r, probs := p.Parse([]string{" Élodie ", "Lefèvre", "Elodie@Exemple.FR", "06.12.34.56.78", "75005", "Oui", "particulier"}, 2)
	if probs != nil {
		t.Fatal(probs)
	}
	if r.Person.Emails[0].Norm != "elodie@exemple.fr" || r.Person.Phones[0].E164 != "+33612345678" || r.Person.Audience != crm.B2C ||
		len(r.Grants) != 1 || r.Person.Origin != crm.OriginTradeShow || r.Person.FirstName != "Élodie" {
		t.Fatalf("record %+v %+v", r, r.Person)
	}
	_, probs = p.Parse([]string{"Jean", "Dupont", "jean@", "12", "", "peut-être", ""}, 3)
	cols := map[string]bool{}
	for _, pr := range probs {
		cols[pr.Column] = true
		if pr.Line != 3 || strings.Contains(pr.Reason, "jean@") {
			t.Errorf("problem %+v", pr)
		}
	}
	if !cols["Portable"] || !cols["Opt-in"] {
		t.Fatalf("problems %+v", probs)
	}
	if r, probs := p.Parse([]string{"", " ", "", "", "", "", ""}, 4); r != nil || probs != nil {
		t.Fatal("a blank row is not skipped")
	}
}

// TestPhoneCacheAgreesWithLibrary: the cached normalisation of French
// numbers gives what crm.NormalizePhone gives, for random numbers in every
// written form.
func TestPhoneCacheAgreesWithLibrary(t *testing.T) {
	c := phoneCache{}
	rapid.Check(t, func(t *rapid.T) {
		nsn := rapid.StringMatching(`[1-9][0-9]{8}`).Draw(t, "nsn")
		form := rapid.IntRange(0, 3).Draw(t, "form")
		s := []string{"0" + nsn, "+33" + nsn, "0033 " + nsn, "0" + nsn[:1] + " " + nsn[1:3] + " " + nsn[3:5] + " " + nsn[5:7] + " " + nsn[7:]}[form]
		e1, k1, p1 := c.normalize(s)
		e2, k2, p2 := crm.NormalizePhone(s)
		if e1 != e2 || k1 != k2 || (p1 == "") != (p2 == "") {
			t.Fatalf("%q: cache %q %q %q, library %q %q %q", s, e1, k1, p1, e2, k2, p2)
		}
	})
}

// TestFoldAgreesWithCRM: the parser's sort keys are crm's.
func TestFoldAgreesWithCRM(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringOf(rapid.SampledFrom([]rune("aZ é\tÉ-'ßŒx\u00a0 "))).Draw(t, "s")
		if fold(s) != crm.Fold(s) {
			t.Fatalf("%q: %q, crm %q", s, fold(s), crm.Fold(s))
		}
		p := &crm.Person{FirstName: s, LastName: "Dupont " + s}
		sk, ak := p.SortKeys()
		f, l := fold(p.FirstName), fold(p.LastName)
		if strings.TrimSpace(l+" "+f) != sk || strings.TrimSpace(f+" "+l) != ak {
			t.Fatal("sort keys differ")
		}
	})
}

// TestCountStopsWithContext: counting a file's rows stops when the
// context ends (a shutdown does not wait for a large file's count).
func TestCountStopsWithContext(t *testing.T) {
	data := "email\n" + strings.Repeat("a@example.com\n", 10_000)
	src, err := OpenCSV(strings.NewReader(data), CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := Count(context.Background(), src); err != nil || n != 10_000 {
		t.Fatalf("count = %d, %v", n, err)
	}
	src, _ = OpenCSV(strings.NewReader(data), CSVOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if n, err := Count(ctx, src); !errors.Is(err, context.Canceled) || n != 0 {
		t.Fatalf("count after cancel = %d, %v", n, err)
	}
}
