// Package register holds the register of processing activities (GDPR
// Art. 30): the entries, their immutable versions, the CNIL templates, the
// legal notices generated from an entry, the machine-readable retention
// rules a sweep applies, the drift check against what the CRM does, and the
// CSV and PDF exports an auditor reads. The register is the configuration
// the CRM applies: consent purposes are defined by entries here.
package register

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
)

// Status is where an entry stands.
type Status string

// Statuses: a draft may be incomplete; an active entry is complete and
// drives purposes, notices and retention; an archived entry was removed
// from the register and is kept, with its versions, as evidence.
const (
	Draft    Status = "draft"
	Active   Status = "active"
	Archived Status = "archived"
)

// DataCategory is a category of personal data, as in the CNIL model
// register (REFERENCE.md, "The CNIL's model register").
type DataCategory string

// The CNIL model register's categories.
const (
	CatIdentity     DataCategory = "identity"
	CatPersonalLife DataCategory = "personal_life"
	CatProfessional DataCategory = "professional_life"
	CatEconomic     DataCategory = "economic"
	CatConnection   DataCategory = "connection"
	CatLocation     DataCategory = "location"
	CatInternet     DataCategory = "internet"
	CatOther        DataCategory = "other"
)

// DataCategories lists the categories in the model register's order.
var DataCategories = []DataCategory{CatIdentity, CatPersonalLife, CatProfessional, CatEconomic, CatConnection, CatLocation, CatInternet, CatOther}

// Subjects names the people a retention rule applies to, in terms a sweep
// can select (Lifecycles maps them to CRM lifecycle stages).
type Subjects string

// Subjects of retention rules.
const (
	AllSubjects     Subjects = "all"
	Customers       Subjects = "customers"
	FormerCustomers Subjects = "former_customers"
	Prospects       Subjects = "prospects" // leads and prospects, never customers
	Objectors       Subjects = "objectors" // people on the suppression list
	Visitors        Subjects = "visitors"  // website visitors (trackers)
)

// SubjectsList lists the subjects.
var SubjectsList = []Subjects{AllSubjects, Customers, FormerCustomers, Prospects, Objectors, Visitors}

// StartEvent is the moment a retention period starts from.
type StartEvent string

// Start events (CNIL reference 2021-131: the clock of each period).
const (
	FromCollection       StartEvent = "collection"
	FromLastInteraction  StartEvent = "last_interaction" // last contact coming from the person (a click counts, an open does not)
	FromEndRelationship  StartEvent = "end_of_relationship"
	FromWithdrawal       StartEvent = "withdrawal"
	FromObjection        StartEvent = "objection"
	FromFinancialYearEnd StartEvent = "financial_year_end"
)

// StartEvents lists the start events.
var StartEvents = []StartEvent{FromCollection, FromLastInteraction, FromEndRelationship, FromWithdrawal, FromObjection, FromFinancialYearEnd}

// EndAction is what happens at the end of a period.
type EndAction string

// End actions. Archive means an intermediate archive with restricted
// access, only for a legal obligation or proof.
const (
	Delete       EndAction = "delete"
	Anonymise    EndAction = "anonymise"
	Pseudonymise EndAction = "pseudonymise"
	Archive      EndAction = "archive"
)

// EndActions lists the end actions.
var EndActions = []EndAction{Delete, Anonymise, Pseudonymise, Archive}

// Unit is the unit of a period.
type Unit string

// Units.
const (
	Days   Unit = "days"
	Months Unit = "months"
	Years  Unit = "years"
)

// Units lists the units.
var Units = []Unit{Days, Months, Years}

// Period is a retention duration.
type Period struct {
	Count int  `json:"count"`
	Unit  Unit `json:"unit"`
}

// AddTo returns t plus the period.
func (p Period) AddTo(t time.Time) time.Time {
	switch p.Unit {
	case Days:
		return t.AddDate(0, 0, p.Count)
	case Months:
		return t.AddDate(0, p.Count, 0)
	}
	return t.AddDate(p.Count, 0, 0)
}

// Before returns t minus the period: data whose clock started before it
// has outlived the period at t.
func (p Period) Before(t time.Time) time.Time {
	return Period{Count: -p.Count, Unit: p.Unit}.AddTo(t)
}

// days is the period's approximate length, for bounds.
func (p Period) days() int {
	switch p.Unit {
	case Days:
		return p.Count
	case Months:
		return p.Count * 31
	}
	return p.Count * 366
}

// RetentionRule is one machine-readable retention rule: which people (and
// optionally which category of data), from which event, how long, then
// what.
type RetentionRule struct {
	Subjects Subjects     `json:"subjects"`
	Category DataCategory `json:"category,omitempty"`
	Start    StartEvent   `json:"start"`
	Period   Period       `json:"period"`
	Action   EndAction    `json:"action"`
	Note     string       `json:"note,omitempty"`
}

// PurposeSpec is one purpose of an activity with its legal basis (Art. 6).
// Key, when set, is the consent purpose (table purposes) the activity
// defines: saving the entry creates it if the workspace lacks it.
type PurposeSpec struct {
	Key      string              `json:"key,omitempty"`
	LabelFR  string              `json:"label_fr"`
	LabelEN  string              `json:"label_en"`
	Basis    consent.LegalBasis  `json:"legal_basis"`
	Channel  consent.Channel     `json:"channel,omitempty"`
	Kind     consent.PurposeKind `json:"kind,omitempty"`
	Interest string              `json:"legitimate_interest,omitempty"` // the interest pursued, for legitimate interest
}

// Recipients are the categories of recipients (Art. 30(1)(d)).
type Recipients struct {
	Internal     []string `json:"internal"`
	Processors   []string `json:"processors"`
	ThirdParties []string `json:"third_parties"`
}

// Transfer is a transfer outside the EU (Art. 30(1)(e)).
type Transfer struct {
	Country   string `json:"country"`
	Recipient string `json:"recipient"`
	Safeguard string `json:"safeguard"` // adequacy decision, standard contractual clauses…
}

// Security measures of the CNIL model register.
const (
	SecAccessControl = "access_control"
	SecTraceability  = "traceability"
	SecSoftware      = "software_protection"
	SecBackups       = "backups"
	SecEncryption    = "encryption"
	SecProcessors    = "processor_control"
)

// SecurityMeasures lists the model register's measures.
var SecurityMeasures = []string{SecAccessControl, SecTraceability, SecSoftware, SecBackups, SecEncryption, SecProcessors}

// Activity is the content of one version of a register entry: every field
// Art. 30(1) asks of a controller, plus what Registre acts on.
type Activity struct {
	Name            string          `json:"name"`
	NameEN          string          `json:"name_en"`
	Description     string          `json:"description,omitempty"`
	JointController string          `json:"joint_controller,omitempty"`
	Software        string          `json:"software,omitempty"`
	Purposes        []PurposeSpec   `json:"purposes"`
	SubjectGroups   []string        `json:"subject_categories"`
	Categories      []DataCategory  `json:"data_categories"`
	Fields          []string        `json:"data_fields"` // CRM field keys collected (email, phone, custom field keys…)
	Sensitive       bool            `json:"sensitive"`
	SensitiveDetail string          `json:"sensitive_detail,omitempty"`
	Recipients      Recipients      `json:"recipients"`
	Transfers       []Transfer      `json:"transfers"`
	Retention       []RetentionRule `json:"retention"`
	Security        []string        `json:"security_measures"`
	SecurityOther   string          `json:"security_other,omitempty"`
	Source          string          `json:"source,omitempty"` // where the data comes from, when not from the person (Art. 14)
}

// Entry is a register entry with its current version.
type Entry struct {
	ID          int64     `json:"-"`
	PublicID    string    `json:"id"`
	WorkspaceID int64     `json:"-"`
	Template    string    `json:"template,omitempty"`
	Status      Status    `json:"status"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Activity    Activity  `json:"activity"`
}

// Version is one immutable version of an entry.
type Version struct {
	Version   int       `json:"version"`
	Status    Status    `json:"status"`
	At        time.Time `json:"at"`
	ActorKind string    `json:"actor_kind"`
	ActorID   string    `json:"actor_id,omitempty"`
	SHA256    string    `json:"sha256"`
	Activity  Activity  `json:"activity"`
}

// Limits of free text.
const (
	maxText  = 2000
	maxShort = 200
	maxList  = 50
)

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Normalise trims text and drops empty list items.
func (a *Activity) Normalise() {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&a.Name, &a.NameEN, &a.Description, &a.JointController, &a.Software, &a.SensitiveDetail, &a.SecurityOther, &a.Source} {
		trim(s)
	}
	a.SubjectGroups = cleanList(a.SubjectGroups)
	a.Fields = cleanList(a.Fields)
	a.Security = cleanList(a.Security)
	a.Recipients.Internal = cleanList(a.Recipients.Internal)
	a.Recipients.Processors = cleanList(a.Recipients.Processors)
	a.Recipients.ThirdParties = cleanList(a.Recipients.ThirdParties)
	for i := range a.Purposes {
		p := &a.Purposes[i]
		for _, s := range []*string{&p.Key, &p.LabelFR, &p.LabelEN, &p.Interest} {
			trim(s)
		}
		if p.Key != "" && p.Kind == "" {
			p.Kind = consent.Marketing
		}
	}
	a.Purposes = slices.DeleteFunc(a.Purposes, func(p PurposeSpec) bool {
		return p.Key == "" && p.LabelFR == "" && p.LabelEN == "" && p.Basis == ""
	})
	a.Transfers = slices.DeleteFunc(a.Transfers, func(t Transfer) bool { return t.Country == "" && t.Recipient == "" && t.Safeguard == "" })
	a.Retention = slices.DeleteFunc(a.Retention, func(r RetentionRule) bool {
		return r.Subjects == "" && r.Start == "" && r.Period.Count == 0 && r.Action == "" && r.Note == ""
	})
	if a.Categories == nil {
		a.Categories = []DataCategory{}
	}
	if a.Transfers == nil {
		a.Transfers = []Transfer{}
	}
	if a.Retention == nil {
		a.Retention = []RetentionRule{}
	}
	if a.Purposes == nil {
		a.Purposes = []PurposeSpec{}
	}
}

func cleanList(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// Validate checks what any version, draft included, must satisfy: a name,
// known values, bounded text. The error is an Invalid *errs.Error naming
// the fields.
func (a *Activity) Validate() error {
	a.Normalise()
	var v errs.Validation
	if a.Name == "" {
		v.Add("name", "is required")
	}
	text(&v, "name", a.Name, maxShort)
	text(&v, "name_en", a.NameEN, maxShort)
	text(&v, "description", a.Description, maxText)
	text(&v, "joint_controller", a.JointController, maxShort)
	text(&v, "software", a.Software, maxShort)
	text(&v, "sensitive_detail", a.SensitiveDetail, maxText)
	text(&v, "security_other", a.SecurityOther, maxText)
	text(&v, "source", a.Source, maxText)
	for name, list := range map[string][]string{"subject_categories": a.SubjectGroups, "data_fields": a.Fields,
		"recipients.internal": a.Recipients.Internal, "recipients.processors": a.Recipients.Processors,
		"recipients.third_parties": a.Recipients.ThirdParties} {
		if len(list) > maxList {
			v.Add(name, fmt.Sprintf("too many items (at most %d)", maxList))
		}
		for _, x := range list {
			text(&v, name, x, maxShort)
		}
	}
	for _, c := range a.Categories {
		if !slices.Contains(DataCategories, c) {
			v.Add("data_categories", "unknown category "+quote(string(c)))
		}
	}
	for _, m := range a.Security {
		if !slices.Contains(SecurityMeasures, m) {
			v.Add("security_measures", "unknown measure "+quote(m))
		}
	}
	if a.Sensitive && a.SensitiveDetail == "" {
		v.Add("sensitive_detail", "say which sensitive data (Art. 9) is processed")
	}
	a.validatePurposes(&v)
	for i, t := range a.Transfers {
		f := fmt.Sprintf("transfers.%d", i)
		if t.Country == "" || t.Safeguard == "" {
			v.Add(f, "a transfer outside the EU needs the country and its safeguard (Art. 30(1)(e), Art. 46)")
		}
		text(&v, f, t.Country+t.Recipient+t.Safeguard, maxText)
	}
	for i, r := range a.Retention {
		r.validate(&v, fmt.Sprintf("retention.%d", i))
	}
	return v.Err()
}

func (a *Activity) validatePurposes(v *errs.Validation) {
	if len(a.Purposes) > 20 {
		v.Add("purposes", "too many purposes (at most 20)")
	}
	seen := map[string]bool{}
	for i, p := range a.Purposes {
		f := fmt.Sprintf("purposes.%d", i)
		if p.LabelFR == "" && p.LabelEN == "" {
			v.Add(f+".label_fr", "describe the purpose")
		}
		text(v, f+".label_fr", p.LabelFR, maxShort)
		text(v, f+".label_en", p.LabelEN, maxShort)
		text(v, f+".legitimate_interest", p.Interest, maxText)
		if p.Basis != "" && !slices.Contains(consent.LegalBases, p.Basis) {
			v.Add(f+".legal_basis", "unknown legal basis "+quote(string(p.Basis)))
		}
		if p.Key != "" {
			if !keyPattern.MatchString(p.Key) {
				v.Add(f+".key", "must start with a letter and use only a-z, 0-9 and _ (at most 40)")
			}
			if seen[p.Key] {
				v.Add(f+".key", "is listed twice in this activity")
			}
			seen[p.Key] = true
			if !slices.Contains(append([]consent.Channel{consent.NoChannel}, consent.Channels...), p.Channel) {
				v.Add(f+".channel", "must be email, sms, phone, postal or none")
			}
			if !slices.Contains([]consent.PurposeKind{consent.Marketing, consent.Profiling, consent.Sharing, consent.Transactional}, p.Kind) {
				v.Add(f+".kind", "must be marketing, profiling, sharing or transactional")
			}
		}
	}
}

func (r RetentionRule) validate(v *errs.Validation, f string) {
	if !slices.Contains(SubjectsList, r.Subjects) {
		v.Add(f+".subjects", "choose which people the rule applies to")
	}
	if r.Category != "" && !slices.Contains(DataCategories, r.Category) {
		v.Add(f+".category", "unknown category "+quote(string(r.Category)))
	}
	if !slices.Contains(StartEvents, r.Start) {
		v.Add(f+".start", "choose the event the period starts from")
	}
	if r.Period.Count <= 0 {
		v.Add(f+".period", "must be a positive duration")
	} else if !slices.Contains(Units, r.Period.Unit) {
		v.Add(f+".period", "the unit must be days, months or years")
	} else if r.Period.days() > 50*366 {
		v.Add(f+".period", "is longer than 50 years")
	}
	if !slices.Contains(EndActions, r.Action) {
		v.Add(f+".action", "choose delete, anonymise, pseudonymise or archive")
	}
	text(v, f+".note", r.Note, maxText)
}

// ValidateActivation checks what an active entry needs on top of Validate:
// at least one purpose, a legal basis for each (with the interest when it
// is legitimate interest), a retention rule, the categories of people and
// of data. The error is an Invalid *errs.Error naming the fields.
func (a *Activity) ValidateActivation() error {
	if err := a.Validate(); err != nil {
		return err
	}
	var v errs.Validation
	if len(a.Purposes) == 0 {
		v.Add("purposes", "an active entry needs at least one purpose")
	}
	for i, p := range a.Purposes {
		f := fmt.Sprintf("purposes.%d", i)
		if p.Basis == "" {
			v.Add(f+".legal_basis", "an active entry needs a legal basis for each purpose")
		}
		if p.LabelFR == "" || p.LabelEN == "" {
			v.Add(f+".label_fr", "the notice needs the purpose in French and English")
		}
		if p.Basis == consent.BasisLegitimateInterest && p.Interest == "" {
			v.Add(f+".legitimate_interest", "say which legitimate interest is pursued")
		}
	}
	if len(a.Retention) == 0 {
		v.Add("retention", "an active entry needs a retention period: a positive duration from a start event")
	}
	if len(a.SubjectGroups) == 0 {
		v.Add("subject_categories", "list the categories of people concerned")
	}
	if len(a.Categories) == 0 {
		v.Add("data_categories", "list the categories of data")
	}
	if a.NameEN == "" {
		v.Add("name_en", "the English notice needs the name in English")
	}
	if len(a.Recipients.Internal)+len(a.Recipients.Processors)+len(a.Recipients.ThirdParties) == 0 {
		v.Add("recipients.internal", "list at least one recipient (the department that uses the data)")
	}
	return v.Err()
}

// Bases returns the legal bases of the activity's purposes, each once, in
// order of first use.
func (a *Activity) Bases() []consent.LegalBasis {
	var out []consent.LegalBasis
	for _, p := range a.Purposes {
		if p.Basis != "" && !slices.Contains(out, p.Basis) {
			out = append(out, p.Basis)
		}
	}
	return out
}

// Covers reports whether the activity defines the consent purpose key.
func (a *Activity) Covers(key string) bool {
	return slices.ContainsFunc(a.Purposes, func(p PurposeSpec) bool { return p.Key == key })
}

// Purpose returns the activity's spec of the consent purpose key.
func (a *Activity) Purpose(key string) (PurposeSpec, bool) {
	i := slices.IndexFunc(a.Purposes, func(p PurposeSpec) bool { return p.Key == key })
	if i < 0 {
		return PurposeSpec{}, false
	}
	return a.Purposes[i], true
}

func text(v *errs.Validation, field, s string, limit int) {
	if len([]rune(s)) > limit {
		v.Add(field, fmt.Sprintf("is too long (at most %d characters)", limit))
	}
	if strings.ContainsRune(s, 0) {
		v.Add(field, "contains a NUL character")
	}
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "\u201c" + s + "\u201d"
}
