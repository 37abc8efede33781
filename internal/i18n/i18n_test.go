package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestTemplatesTranslated finds every message the templates translate and
// checks that the French catalogue has it.
func TestTemplatesTranslated(t *testing.T) {
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`\{\{t "([^"]+)"`),
		regexp.MustCompile(`\(t "([^"]+)"`),
		regexp.MustCompile(`"(?:Label|Title|Text|Help)" "([^"]+)"`),
		regexp.MustCompile(`tf "([^"]+)"`),
	}
	root := filepath.Join("..", "web", "templates")
	missing := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range patterns {
			for _, m := range re.FindAllSubmatch(b, -1) {
				if !Has(string(m[1])) {
					missing[string(m[1])] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for m := range missing {
		t.Errorf("no French for %q", m)
	}
}

func TestEnumKeysHaveBothLanguages(t *testing.T) {
	for k := range english {
		if !Has(k) {
			t.Errorf("no French for key %q", k)
		}
	}
}

func TestMsgTranslatesQuotedProblems(t *testing.T) {
	got := Msg(FR, "\u201cnope\u201d: must look like name@example.com")
	want := "\u201cnope\u201d: doit ressembler à nom@exemple.fr"
	if got != want {
		t.Errorf("Msg = %q, want %q", got, want)
	}
}

func TestNumber(t *testing.T) {
	if got := Number(FR, 1234567); got != "1\u202f234\u202f567" {
		t.Errorf("FR = %q", got)
	}
	if got := Number(EN, -1234); got != "-1,234" {
		t.Errorf("EN = %q", got)
	}
	if got := Number(EN, 999); got != "999" {
		t.Errorf("EN = %q", got)
	}
}
