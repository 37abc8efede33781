package segment

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
)

func testCatalogue() *Catalogue {
	purposes := make([]consent.Purpose, len(consent.DefaultPurposes))
	copy(purposes, consent.DefaultPurposes)
	for i := range purposes {
		purposes[i].Bit = i
	}
	return NewCatalogue(purposes, []crm.CustomField{{Entity: crm.EntityPerson, Key: "score", Label: "Score", Kind: crm.FieldNumber}}, DefaultRetention)
}

func TestValidate(t *testing.T) {
	cat := testCatalogue()
	deep := Node{Field: "email", Op: "is_empty"}
	for range MaxDepth + 1 {
		deep = Node{Group: And, Children: []Node{deep}}
	}
	many := Node{Group: Or}
	for range MaxCriteria + 1 {
		many.Children = append(many.Children, Node{Field: "email", Op: "is_empty"})
	}
	for _, tt := range []struct {
		name string
		tree Node
		ok   bool
	}{
		{"Everyone", All(), true},
		{"EveryTemplate", Node{Group: And, Children: []Node{Templates[0].Tree, Templates[1].Tree, Templates[2].Tree, Templates[3].Tree}}, true},
		{"Custom", Node{Field: "custom.score", Op: "gte", Value: "2.5"}, true},
		{"Relative", Node{Field: "created_at", Op: "within_last", Value: "30", Unit: "days"}, true},
		{"UnknownField", Node{Field: "password_hash", Op: "eq", Value: "x"}, false},
		{"NoValue", Node{Field: "email", Op: "contains"}, false},
		{"ValueWhereNone", Node{Field: "email", Op: "is_empty", Value: "x"}, false},
		{"TooLong", Node{Field: "email", Op: "contains", Value: strings.Repeat("x", MaxValueBytes+1)}, false},
		{"SubjectOnText", Node{Field: "email", Op: "contains", Value: "x", Subject: "y"}, false},
		{"GroupWithField", Node{Group: And, Field: "email"}, false},
		{"TooDeep", deep, false},
		{"TooMany", many, false},
		{"NegativeAmount", Node{Field: "created_at", Op: "older_than", Value: "-1", Unit: "days"}, false},
		{"NotAConsentState", Node{Field: "consent.email_marketing", Op: "eq", Value: "maybe"}, false},
		{"TransactionalNotContactableByPostal", Node{Field: "contactable.postal_marketing", Op: "is_true"}, true},
	} {
		if err := cat.Validate(tt.tree); (err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, ExportOptions{Format: FormatCSV})
	w.Header([]string{"a", "b", "c", "d"})
	w.Row([]string{"=HYPERLINK(\"x\")", "+33612345678", "-12.5", "@SUM(A1)"})
	w.Close()
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[1], "|"); got != `'=HYPERLINK("x")|+33612345678|-12.5|'@SUM(A1)` {
		t.Fatalf("row %s", got)
	}
}
