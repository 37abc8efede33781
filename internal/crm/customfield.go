package crm

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/registre/registre/internal/errs"
)

// Entity names what a custom field is attached to.
type Entity string

// Entities that carry custom fields.
const (
	EntityPerson       Entity = "person"
	EntityOrganisation Entity = "organisation"
)

// FieldKind is the type of a custom field.
type FieldKind string

// Custom field kinds.
const (
	FieldText    FieldKind = "text"
	FieldNumber  FieldKind = "number"
	FieldDate    FieldKind = "date"
	FieldBoolean FieldKind = "boolean"
	FieldSelect  FieldKind = "select"
)

// FieldKinds lists the kinds.
var FieldKinds = []FieldKind{FieldText, FieldNumber, FieldDate, FieldBoolean, FieldSelect}

// CustomField is a field a workspace adds to people or organisations.
type CustomField struct {
	ID          int64
	WorkspaceID int64
	Entity      Entity
	Key         string
	Label       string
	Kind        FieldKind
	Options     []string // for select
	Position    int
	// Category is the category of personal data the field collects, one of
	// FieldCategories (the CNIL model register's), or "" until someone
	// says: the register's drift check warns about a field whose category
	// no active entry lists.
	Category  string
	CreatedAt time.Time
}

// FieldCategories are the categories of personal data of the CNIL model
// register (register.DataCategories holds the same list; a test keeps
// them equal).
var FieldCategories = []string{"identity", "personal_life", "professional_life", "economic", "connection", "location", "internet", "other"}

var fieldKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Validate checks a field definition; the error is an Invalid *errs.Error.
func (f *CustomField) Validate() error {
	var v errs.Validation
	f.Key = strings.TrimSpace(f.Key)
	f.Label = strings.TrimSpace(f.Label)
	if !fieldKeyPattern.MatchString(f.Key) {
		v.Add("key", "must start with a letter and use only a-z, 0-9 and _ (at most 40)")
	}
	if f.Label == "" {
		v.Add("label", "is required")
	}
	checkText(&v, "label", f.Label, MaxNameLength)
	if f.Entity != EntityPerson && f.Entity != EntityOrganisation {
		v.Add("entity", "must be person or organisation")
	}
	if !oneOf(f.Kind, FieldKinds) {
		v.Add("kind", "must be text, number, date, boolean or select")
	}
	f.Category = strings.TrimSpace(f.Category)
	if f.Category != "" && !oneOf(f.Category, FieldCategories) {
		v.Add("category", "is not a category of the register")
	}
	if f.Kind == FieldSelect && len(f.Options) == 0 {
		v.Add("options", "a select field needs at least one option")
	}
	if len(f.Options) > 200 {
		v.Add("options", "too many options (at most 200)")
	}
	for _, o := range f.Options {
		checkText(&v, "options", o, MaxNameLength)
	}
	return v.Err()
}

// validateCustom checks values against the definitions of entity and returns
// them in canonical form: numbers as float64, dates as "2006-01-02", booleans
// as bool. Empty values are dropped.
func validateCustom(v *errs.Validation, prefix string, in map[string]any, defs []CustomField, entity Entity) map[string]any {
	out := map[string]any{}
	if len(in) > MaxCustomFields {
		v.Add(prefix, "too many custom fields")
		return out
	}
	// A scan of the definitions rather than a map of them: a workspace has
	// a few dozen, and an import validates a million people.
	find := func(key string) (CustomField, bool) {
		for _, d := range defs {
			if d.Entity == entity && d.Key == key {
				return d, true
			}
		}
		return CustomField{}, false
	}
	for key, raw := range in {
		def, ok := find(key)
		if !ok {
			v.Add(prefix+"."+key, "is not a custom field of this workspace")
			continue
		}
		val, problem := customValue(def, raw)
		if problem != "" {
			v.Add(prefix+"."+key, problem)
			continue
		}
		if val != nil {
			out[key] = val
		}
	}
	return out
}

func customValue(def CustomField, raw any) (any, string) {
	s, isString := raw.(string)
	if isString {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, ""
		}
	}
	if raw == nil {
		return nil, ""
	}
	switch def.Kind {
	case FieldNumber:
		switch n := raw.(type) {
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, "must be a number"
			}
			return n, ""
		case int:
			return float64(n), ""
		}
		f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if !isString || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "must be a number"
		}
		return f, ""
	case FieldBoolean:
		if b, ok := raw.(bool); ok {
			return b, ""
		}
		switch strings.ToLower(s) {
		case "true", "1", "yes", "oui", "on":
			return true, ""
		case "false", "0", "no", "non", "off":
			return false, ""
		}
		return nil, "must be true or false"
	case FieldDate:
		if _, err := time.Parse("2006-01-02", s); !isString || err != nil {
			return nil, "must be a date written 2006-01-02"
		}
		return s, ""
	case FieldSelect:
		for _, o := range def.Options {
			if o == s {
				return s, ""
			}
		}
		return nil, "must be one of the field's options"
	default:
		if !isString {
			return nil, "must be text"
		}
		var v errs.Validation
		checkText(&v, "x", s, MaxTextLength)
		if v.Err() != nil {
			return nil, "must be text of at most 500 characters"
		}
		return s, ""
	}
}
