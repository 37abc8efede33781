package importer

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
)

// FuzzOpenCSV feeds arbitrary bytes to the detection and the reader: they
// never panic, every error is a *FileError naming the problem, and every
// field read is valid UTF-8.
func FuzzOpenCSV(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "Prénom;Nom\n\"x\ny\";z\n", "\xef\xbb\xbfa\tb\n", "a\n\"unclosed\n", "a,b\nx\"y,z\n",
		"Pr\xe9nom;Soci\xe9t\xe9\n\xc9lodie;Caf\xe9\n", "", "\n\n\n", "\"\"\"", "a;b;c\r\n1;2\r\n"} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, enc uint8) {
		opt := CSVOptions{}
		if int(enc) < len(Encodings) {
			opt.Encoding = Encodings[enc]
		}
		src, err := OpenCSV(bytes.NewReader(data), opt)
		var fe *FileError
		if err != nil {
			if !errors.As(err, &fe) || fe.Reason == "" {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		for _, h := range src.Header() {
			if !utf8.ValidString(h) {
				t.Fatalf("header %q", h)
			}
		}
		for range 1000 {
			rec, _, err := src.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				if !errors.As(err, &fe) {
					t.Fatalf("error %T %v", err, err)
				}
				return
			}
			for _, v := range rec {
				if src.Encoding != UTF8 && !utf8.ValidString(v) {
					t.Fatalf("field %q", v)
				}
			}
		}
	})
}

// FuzzParse feeds arbitrary rows to the parser: it never panics, a row is
// either a valid record or problems naming a line and never quoting the
// values, and a record's person passes crm's own validation.
func FuzzParse(f *testing.F) {
	f.Add("Élodie", "elodie@exemple.fr", "06 12 34 56 78", "oui", "75005")
	f.Add("", "x@@", "+33", "peut-être", "\x00")
	f.Add("Jean\nPaul", "JEAN@EXAMPLE.COM", "0033612345678", "0", "")
	header := []string{"Prénom", "E-mail", "Téléphone", "Opt-in", "Code postal"}
	opt := Options{Origin: crm.OriginPartner, OriginDetail: "x", LegalBasis: consent.BasisConsent, Purposes: []string{consent.EmailMarketing},
		ProofRef: "p", Audience: crm.B2C, Lifecycle: crm.Lead}
	p := NewParser(header, Suggest(header, nil, consent.DefaultPurposes), opt, nil, time.Now())
	f.Fuzz(func(t *testing.T, first, email, phone, optin, postal string) {
		r, probs := p.Parse([]string{first, email, phone, optin, postal}, 7)
		if r != nil && probs != nil {
			t.Fatal("both a record and problems")
		}
		for _, pr := range probs {
			if pr.Line != 7 || pr.Reason == "" {
				t.Fatalf("problem %+v", pr)
			}
			for _, v := range []string{email, phone} {
				if len(strings.TrimSpace(v)) > 3 && strings.Contains(pr.Reason, strings.TrimSpace(v)) {
					t.Fatalf("the reason %q quotes the value %q", pr.Reason, v)
				}
			}
		}
		if r != nil {
			if len(r.Person.Emails) == 0 && len(r.Person.Phones) == 0 {
				t.Fatal("a record without email or phone")
			}
			for _, ph := range r.Person.Phones {
				if e, _, problem := crm.NormalizePhone(ph.E164); problem != "" || e != ph.E164 {
					t.Fatalf("phone %q", ph.E164)
				}
			}
		}
	})
}
