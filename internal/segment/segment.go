// Package segment holds segments: saved, live queries over a workspace's
// people, as a tree of criteria joined by AND/OR. The tree is validated here
// against a catalogue of fields (the standard ones, the workspace's custom
// fields and purposes); sqldb compiles it to one parameterised SQL query,
// in which field names come from the catalogue and values only travel as
// arguments. Bulk actions on a segment run as background jobs; exports
// stream the segment's people as CSV, XLSX or JSON Lines.
package segment

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/registre/registre/internal/errs"
)

// Limits on a tree, so that a forged request cannot make a query of
// unbounded size.
const (
	MaxCriteria   = 50
	MaxDepth      = 5
	MaxValueBytes = 500
	MaxNameLength = 200
	MaxColumns    = 40
)

// Node is a group of criteria (Group = "and" or "or", with Children) or a
// criterion (Field, Op and, for most operators, Value; Unit for relative
// dates; Subject narrows an activity criterion to one form or subject).
type Node struct {
	Group    string `json:"group,omitempty"`
	Children []Node `json:"children,omitempty"`
	Field    string `json:"field,omitempty"`
	Op       string `json:"op,omitempty"`
	Value    string `json:"value,omitempty"`
	Unit     string `json:"unit,omitempty"`
	Subject  string `json:"subject,omitempty"`
}

// Groups.
const (
	And = "and"
	Or  = "or"
)

// IsGroup reports whether n is a group.
func (n Node) IsGroup() bool { return n.Group != "" }

// Segment is a saved query.
type Segment struct {
	ID          int64
	PublicID    string
	WorkspaceID int64
	Name        string
	Description string
	Tree        Node
	Columns     []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// All returns an empty AND group: everyone.
func All() Node { return Node{Group: And} }

// ParseTree decodes a tree from JSON, refusing unknown members.
func ParseTree(data []byte) (Node, error) {
	var n Node
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&n); err != nil {
		return Node{}, &errs.Error{Code: errs.Invalid, Message: "The criteria are not valid JSON.",
			Fields: map[string]string{"tree": "is not a valid criteria tree"}}
	}
	return n, nil
}

// Validate checks a tree against the catalogue: known fields, operators
// that fit their type, values of the right form. It returns Invalid with
// the path of the first faulty criterion ("tree.0.1").
func (c *Catalogue) Validate(n Node) error {
	count := 0
	var v errs.Validation
	c.validate(n, "tree", 0, &count, &v)
	if count > MaxCriteria {
		v.Add("tree", fmt.Sprintf("has more than %d criteria", MaxCriteria))
	}
	return v.Err()
}

func (c *Catalogue) validate(n Node, path string, depth int, count *int, v *errs.Validation) {
	if n.IsGroup() {
		if n.Group != And && n.Group != Or {
			v.Add(path, "a group joins its criteria with and or or")
			return
		}
		if n.Field != "" || n.Op != "" || n.Value != "" {
			v.Add(path, "a group has no field, operator or value")
			return
		}
		if depth >= MaxDepth {
			v.Add(path, fmt.Sprintf("groups nest at most %d deep", MaxDepth))
			return
		}
		for i, ch := range n.Children {
			c.validate(ch, path+"."+strconv.Itoa(i), depth+1, count, v)
		}
		return
	}
	*count++
	if len(n.Children) > 0 {
		v.Add(path, "a criterion has no children")
		return
	}
	f, ok := c.Field(n.Field)
	if !ok {
		v.Add(path, "the field is not known")
		return
	}
	if len(n.Value) > MaxValueBytes || len(n.Subject) > MaxValueBytes {
		v.Add(path, "the value is too long")
		return
	}
	op, ok := OperatorOf(f.Type, n.Op)
	if !ok {
		v.Add(path, "the operator does not fit the field")
		return
	}
	if msg := checkValue(f, op, n); msg != "" {
		v.Add(path, msg)
	}
	if n.Subject != "" && f.Type != TypeActivity {
		v.Add(path, "only an activity criterion names a subject")
	}
}

func checkValue(f Field, op Operator, n Node) string {
	switch op.Value {
	case ValueNone:
		if n.Value != "" || n.Unit != "" {
			return "this operator takes no value"
		}
	case ValueText:
		if n.Value == "" {
			return "enter a value"
		}
		if f.Type == TypeNumber {
			if _, err := strconv.ParseFloat(n.Value, 64); err != nil {
				return "enter a number"
			}
		}
		if len(f.Options) > 0 && !contains(f.Options, n.Value) {
			return "choose one of the options"
		}
	case ValueDate:
		if _, err := time.Parse(time.DateOnly, n.Value); err != nil {
			return "enter a date as YYYY-MM-DD"
		}
	case ValueAmount:
		if k, err := strconv.Atoi(n.Value); err != nil || k < 0 || k > 10000 {
			return "enter a whole number between 0 and 10000"
		}
		if _, ok := units[n.Unit]; !ok {
			return "choose days, months or years"
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Units of relative periods.
var units = map[string]bool{"days": true, "months": true, "years": true}

// Units lists the units of relative periods in display order.
var Units = []string{"days", "months", "years"}

// Shift returns t moved by amount units (negative amounts go back).
func Shift(t time.Time, amount int, unit string) time.Time {
	switch unit {
	case "years":
		return t.AddDate(amount, 0, 0)
	case "months":
		return t.AddDate(0, amount, 0)
	}
	return t.AddDate(0, 0, amount)
}

// Criteria returns the number of criteria in a tree.
func Criteria(n Node) int {
	if !n.IsGroup() {
		return 1
	}
	k := 0
	for _, c := range n.Children {
		k += Criteria(c)
	}
	return k
}

// ValidateSegment checks a segment's name, tree and columns.
func (c *Catalogue) ValidateSegment(s *Segment) error {
	var v errs.Validation
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		v.Add("name", "enter a name")
	} else if len([]rune(s.Name)) > MaxNameLength {
		v.Add("name", "is too long")
	}
	if len(s.Description) > 2000 {
		v.Add("description", "is too long")
	}
	if err := c.Validate(s.Tree); err != nil {
		if e, ok := errs.As(err); ok {
			for k, m := range e.Fields {
				v.Add(k, m)
			}
		}
	}
	if err := c.ValidateColumns(s.Columns); err != nil {
		v.Add("columns", err.Error())
	}
	return v.Err()
}

// ValidateColumns checks a choice of columns.
func (c *Catalogue) ValidateColumns(cols []string) error {
	if len(cols) > MaxColumns {
		return fmt.Errorf("choose at most %d columns", MaxColumns)
	}
	seen := map[string]bool{}
	for _, k := range cols {
		if _, ok := c.Column(k); !ok {
			return fmt.Errorf("the column %q is not known", truncate(k, 60))
		}
		if seen[k] {
			return fmt.Errorf("the column %q is chosen twice", k)
		}
		seen[k] = true
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
