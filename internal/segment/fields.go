package segment

import (
	"strings"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
)

// Type is what kind of value a field holds; it decides the operators.
type Type string

// Field types.
const (
	TypeText     Type = "text"
	TypeEnum     Type = "enum"
	TypeNumber   Type = "number"
	TypeBool     Type = "bool"
	TypeDate     Type = "date"
	TypeConsent  Type = "consent"
	TypeActivity Type = "activity"
)

// ValueKind is what an operator asks for.
type ValueKind string

// Value kinds.
const (
	ValueNone   ValueKind = ""       // nothing
	ValueText   ValueKind = "text"   // a text, number or option
	ValueDate   ValueKind = "date"   // YYYY-MM-DD
	ValueAmount ValueKind = "amount" // a number of days, months or years
)

// Operator is a comparison a criterion makes.
type Operator struct {
	Key   string
	Label string
	Value ValueKind
}

// Operators by field type, in the order the builder offers them.
var Operators = map[Type][]Operator{
	TypeText: {
		{"eq", "is", ValueText}, {"neq", "is not", ValueText}, {"contains", "contains", ValueText},
		{"not_contains", "does not contain", ValueText}, {"starts_with", "starts with", ValueText},
		{"is_empty", "is empty", ValueNone}, {"is_not_empty", "is not empty", ValueNone},
	},
	TypeEnum:    {{"eq", "is", ValueText}, {"neq", "is not", ValueText}},
	TypeConsent: {{"eq", "is", ValueText}, {"neq", "is not", ValueText}},
	TypeNumber: {
		{"eq", "=", ValueText}, {"neq", "≠", ValueText}, {"lt", "<", ValueText}, {"lte", "≤", ValueText},
		{"gt", ">", ValueText}, {"gte", "≥", ValueText}, {"is_empty", "is empty", ValueNone}, {"is_not_empty", "is not empty", ValueNone},
	},
	TypeBool: {{"is_true", "yes", ValueNone}, {"is_false", "no", ValueNone}},
	TypeDate: {
		{"older_than", "more than … ago", ValueAmount}, {"within_last", "in the last …", ValueAmount},
		{"within_next", "in the next …", ValueAmount}, {"is_past", "is past", ValueNone},
		{"before", "before", ValueDate}, {"after", "after", ValueDate},
		{"is_empty", "is empty", ValueNone}, {"is_not_empty", "is not empty", ValueNone},
	},
	TypeActivity: {
		{"within_last", "in the last …", ValueAmount}, {"not_within_last", "not in the last …", ValueAmount},
		{"ever", "ever", ValueNone}, {"never", "never", ValueNone},
	},
}

// OperatorOf returns the operator key of a type.
func OperatorOf(t Type, key string) (Operator, bool) {
	for _, op := range Operators[t] {
		if op.Key == key {
			return op, true
		}
	}
	return Operator{}, false
}

// Source says where a field's value lives; sqldb compiles each.
type Source string

// Sources.
const (
	SrcPerson       Source = "person"       // a column of people (Ref: the field key)
	SrcOrganisation Source = "organisation" // a column of the person's organisation
	SrcPersonCustom Source = "person_custom"
	SrcOrgCustom    Source = "org_custom"
	SrcConsent      Source = "consent"     // the state of a purpose (Ref: purpose key)
	SrcFlag         Source = "flag"        // a data-protection flag (Ref: flag)
	SrcContactable  Source = "contactable" // the contact rules (Ref: purpose key)
	SrcActivity     Source = "activity"    // activities of a kind (Ref: kind)
	SrcRetention    Source = "retention"   // the retention deadline
)

// Field is a criterion's subject.
type Field struct {
	Key     string   `json:"key"`
	Label   string   `json:"label"` // English; the interface translates it
	Group   string   `json:"group"`
	Type    Type     `json:"type"`
	Options []string `json:"options,omitempty"`
	Source  Source   `json:"-"`
	Ref     string   `json:"-"`
	// Purpose is set for consent and contactable fields.
	Purpose *consent.Purpose `json:"-"`
	// Custom is the custom field kind for custom fields.
	Custom crm.FieldKind `json:"-"`
}

// Column is a column of the result list and of exports.
type Column struct {
	Key    string
	Label  string
	Source Source
	Ref    string
	Kind   crm.FieldKind // for custom fields
}

// Retention is the retention period of prospects' data: by default the
// three years the CNIL reference for customer and prospect management
// sets (délibération 2021-131, REFERENCE.md). The register of processing
// activities will hold one per processing; RetentionFor is the hook.
type Retention struct {
	Years, Months, Days int
}

// DefaultRetention is three years.
var DefaultRetention = Retention{Years: 3}

// Back returns t moved back by the period.
func (r Retention) Back(t time.Time) time.Time { return t.AddDate(-r.Years, -r.Months, -r.Days) }

// Catalogue is what a workspace's segments can refer to.
type Catalogue struct {
	fields    []Field
	byKey     map[string]int
	columns   []Column
	colByKey  map[string]int
	Purposes  []consent.Purpose
	Retention Retention
	// Contact is the workspace's contact-rule settings, which the
	// contactable criteria read.
	Contact consent.Settings
}

// Group names of the builder.
const (
	GroupPerson       = "Person"
	GroupOrganisation = "Organisation"
	GroupCustom       = "Custom fields"
	GroupProtection   = "Data protection"
	GroupActivities   = "Activities"
)

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// NewCatalogue builds the catalogue of a workspace from its purposes and
// custom fields.
func NewCatalogue(purposes []consent.Purpose, custom []crm.CustomField, retention Retention) *Catalogue {
	c := &Catalogue{byKey: map[string]int{}, colByKey: map[string]int{}, Purposes: purposes, Retention: retention}
	add := func(f Field) {
		c.byKey[f.Key] = len(c.fields)
		c.fields = append(c.fields, f)
	}
	col := func(k Column) {
		c.colByKey[k.Key] = len(c.columns)
		c.columns = append(c.columns, k)
	}
	person := func(key, label string, t Type, options ...string) {
		add(Field{Key: key, Label: label, Group: GroupPerson, Type: t, Options: options, Source: SrcPerson, Ref: key})
	}
	person("first_name", "First name", TypeText)
	person("last_name", "Last name", TypeText)
	person("email", "Email", TypeText)
	person("phone", "Phone", TypeText)
	person("job_title", "Job title", TypeText)
	person("lifecycle", "Stage", TypeEnum, strs(crm.Lifecycles)...)
	person("audience", "Audience", TypeEnum, strs(crm.Audiences)...)
	person("origin", "Origin", TypeEnum, strs(crm.Origins)...)
	person("origin_detail", "Origin detail", TypeText)
	person("postal_code", "Postal code", TypeText)
	person("city", "City", TypeText)
	person("region", "Region", TypeText)
	person("country", "Country", TypeText)
	person("soft_opt_in", "Soft opt-in (customer informed)", TypeBool)
	person("created_at", "Date created", TypeDate)
	person("collected_at", "Date collected", TypeDate)
	person("last_interaction_at", "Last interaction", TypeDate)
	org := func(key, label string, t Type, options ...string) {
		add(Field{Key: "organisation." + key, Label: label, Group: GroupOrganisation, Type: t, Options: options, Source: SrcOrganisation, Ref: key})
	}
	org("name", "Organisation name", TypeText)
	org("status", "Account status", TypeEnum, strs(crm.OrgStatuses)...)
	org("kind", "Organisation type", TypeEnum, strs(crm.Audiences)...)
	org("city", "Organisation city", TypeText)
	org("country", "Organisation country", TypeText)
	org("last_interaction_at", "Organisation last interaction", TypeDate)
	for _, cf := range custom {
		t := map[crm.FieldKind]Type{crm.FieldText: TypeText, crm.FieldNumber: TypeNumber, crm.FieldDate: TypeDate,
			crm.FieldBoolean: TypeBool, crm.FieldSelect: TypeEnum}[cf.Kind]
		if t == TypeDate {
			// Custom dates are texts YYYY-MM-DD: compared as dates only
			// through absolute bounds.
			t = TypeText
		}
		if cf.Entity == crm.EntityOrganisation {
			add(Field{Key: "organisation.custom." + cf.Key, Label: cf.Label, Group: GroupCustom, Type: t, Options: cf.Options,
				Source: SrcOrgCustom, Ref: cf.Key, Custom: cf.Kind})
			continue
		}
		add(Field{Key: "custom." + cf.Key, Label: cf.Label, Group: GroupCustom, Type: t, Options: cf.Options,
			Source: SrcPersonCustom, Ref: cf.Key, Custom: cf.Kind})
		col(Column{Key: "custom." + cf.Key, Label: cf.Label, Source: SrcPersonCustom, Ref: cf.Key, Kind: cf.Kind})
	}
	for i := range purposes {
		p := &purposes[i]
		add(Field{Key: "consent." + p.Key, Label: "Consent: " + p.LabelEN, Group: GroupProtection, Type: TypeConsent,
			Options: []string{string(consent.None), string(consent.Pending), string(consent.Granted), string(consent.Withdrawn)},
			Source:  SrcConsent, Ref: p.Key, Purpose: p})
		col(Column{Key: "consent." + p.Key, Label: "Consent: " + p.LabelEN, Source: SrcConsent, Ref: p.Key})
	}
	for _, f := range consent.Flags {
		add(Field{Key: "flag." + string(f), Label: "flag." + string(f), Group: GroupProtection, Type: TypeBool, Source: SrcFlag, Ref: string(f)})
		col(Column{Key: "flag." + string(f), Label: "flag." + string(f), Source: SrcFlag, Ref: string(f)})
	}
	for i := range purposes {
		p := &purposes[i]
		if p.Channel == consent.NoChannel {
			continue
		}
		add(Field{Key: "contactable." + p.Key, Label: "Contactable: " + p.LabelEN, Group: GroupProtection, Type: TypeBool,
			Source: SrcContactable, Ref: p.Key, Purpose: p})
	}
	add(Field{Key: "retention_deadline", Label: "Retention deadline", Group: GroupProtection, Type: TypeDate, Source: SrcRetention})
	for _, k := range crm.ActivityKinds {
		add(Field{Key: "activity." + string(k), Label: string(k), Group: GroupActivities, Type: TypeActivity, Source: SrcActivity, Ref: string(k)})
	}
	// Standard columns come first in the column list.
	std := []Column{}
	for _, k := range []struct{ key, label string }{
		{"name", "Name"}, {"first_name", "First name"}, {"last_name", "Last name"}, {"email", "Email"}, {"phone", "Phone"},
		{"job_title", "Job title"}, {"organisation", "Organisation"}, {"organisation_status", "Account status"},
		{"lifecycle", "Stage"}, {"audience", "Audience"}, {"origin", "Origin"}, {"origin_detail", "Origin detail"},
		{"address_line1", "Address"}, {"postal_code", "Postal code"}, {"city", "City"}, {"region", "Region"}, {"country", "Country"},
		{"created_at", "Date created"}, {"collected_at", "Date collected"}, {"last_interaction_at", "Last interaction"},
		{"public_id", "Identifier"},
	} {
		std = append(std, Column{Key: k.key, Label: k.label, Source: SrcPerson, Ref: k.key})
	}
	rest := c.columns
	c.columns, c.colByKey = nil, map[string]int{}
	for _, k := range append(std, rest...) {
		col(k)
	}
	return c
}

// Field returns a field by key.
func (c *Catalogue) Field(key string) (Field, bool) {
	i, ok := c.byKey[key]
	if !ok {
		return Field{}, false
	}
	return c.fields[i], true
}

// Fields lists the fields in builder order.
func (c *Catalogue) Fields() []Field { return c.fields }

// Column returns a column by key.
func (c *Catalogue) Column(key string) (Column, bool) {
	i, ok := c.colByKey[key]
	if !ok {
		return Column{}, false
	}
	return c.columns[i], true
}

// Columns lists every column.
func (c *Catalogue) Columns() []Column { return c.columns }

// DefaultColumns is the result list's choice until one is saved.
var DefaultColumns = []string{"name", "email", "organisation", "lifecycle", "last_interaction_at"}

// ColumnsOr returns cols, or the default columns when empty.
func ColumnsOr(cols []string) []string {
	if len(cols) == 0 {
		return DefaultColumns
	}
	return cols
}

// ParseColumns splits a comma-separated choice of columns.
func ParseColumns(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}
