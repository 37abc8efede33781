package crm

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/registre/registre/internal/errs"
)

// Limits on person input; longer values are refused, never truncated.
const (
	MaxNameLength   = 200
	MaxTextLength   = 500
	MaxEmails       = 10
	MaxPhones       = 10
	MaxCustomFields = 100
)

// Email is one of a person's addresses.
type Email struct {
	Address string // as typed
	Norm    string // matched case-insensitively in this form
}

// Phone is one of a person's numbers, in E.164.
type Phone struct {
	E164 string
	Kind PhoneKind
}

// Address is a postal address.
type Address struct {
	Line1, Line2, PostalCode, City, Region string
	Country                                string // ISO 3166-1 alpha-2
}

// Person is a contact or lead. The first email and the first phone are the
// primary ones.
type Person struct {
	ID          int64
	PublicID    string
	WorkspaceID int64

	FirstName string
	LastName  string
	Emails    []Email
	Phones    []Phone
	JobTitle  string
	Address   Address

	OrganisationID       int64 // 0 when none
	OrganisationPublicID string
	OrganisationName     string

	Lifecycle    Lifecycle
	Audience     Audience
	Origin       Origin
	OriginDetail string
	// SoftOptIn: the email or phone was collected during a sale and the
	// person was informed and offered to object at collection (CPCE
	// L.34-5): with the workspace setting on, a customer may then get
	// marketing for similar products without prior consent.
	SoftOptIn   bool
	CollectedAt time.Time

	OwnerUserID int64 // 0 when none
	OwnerName   string
	Custom      map[string]any

	LastInteractionAt time.Time // zero when none
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// PrimaryEmail returns the primary address, or "".
func (p *Person) PrimaryEmail() string {
	if len(p.Emails) == 0 {
		return ""
	}
	return p.Emails[0].Address
}

// PrimaryPhone returns the primary number in E.164, or "".
func (p *Person) PrimaryPhone() string {
	if len(p.Phones) == 0 {
		return ""
	}
	return p.Phones[0].E164
}

// DisplayName returns "First Last", or the primary email when both are empty.
func (p *Person) DisplayName() string {
	n := strings.TrimSpace(p.FirstName + " " + p.LastName)
	if n == "" {
		return p.PrimaryEmail()
	}
	return n
}

// SortKeys returns the folded "last first" and "first last" keys.
func (p *Person) SortKeys() (string, string) { return nameKeys(p.FirstName, p.LastName) }

// PersonInput is what a user or client sends to create or replace a person.
// Emails and phones are raw strings, the first being the primary one.
type PersonInput struct {
	FirstName, LastName string
	Emails              []string
	Phones              []string
	JobTitle            string
	Address             Address
	OrganisationID      string // public id, "" for none
	Lifecycle           Lifecycle
	Audience            Audience
	Origin              Origin
	OriginDetail        string
	SoftOptIn           bool
	CollectedAt         time.Time // zero means now
	OwnerUserID         int64
	Custom              map[string]any
}

// Build validates in against the workspace's custom field definitions and
// returns a normalised Person (without ids or organisation, which the
// service resolves). The error is an *errs.Error of code Invalid naming each
// field.
func (in PersonInput) Build(fields []CustomField, now time.Time) (*Person, error) {
	var v errs.Validation
	p := &Person{
		FirstName:    strings.TrimSpace(in.FirstName),
		LastName:     strings.TrimSpace(in.LastName),
		JobTitle:     strings.TrimSpace(in.JobTitle),
		Lifecycle:    in.Lifecycle,
		Audience:     in.Audience,
		Origin:       in.Origin,
		OriginDetail: strings.TrimSpace(in.OriginDetail),
		SoftOptIn:    in.SoftOptIn,
		CollectedAt:  in.CollectedAt,
		OwnerUserID:  in.OwnerUserID,
		Address:      trimAddress(in.Address),
	}
	checkText(&v, "first_name", p.FirstName, MaxNameLength)
	checkText(&v, "last_name", p.LastName, MaxNameLength)
	checkText(&v, "job_title", p.JobTitle, MaxNameLength)
	checkText(&v, "origin_detail", p.OriginDetail, MaxTextLength)
	checkAddress(&v, p.Address)
	p.Emails = buildEmails(&v, in.Emails)
	p.Phones = buildPhones(&v, in.Phones)
	if p.FirstName == "" && p.LastName == "" && len(p.Emails) == 0 && !v.Has("emails") {
		v.Add("last_name", "A person needs a name or an email address.")
	}
	if p.Lifecycle == "" {
		p.Lifecycle = Lead
	}
	if !oneOf(p.Lifecycle, Lifecycles) {
		v.Add("lifecycle", "must be one of lead, prospect, customer, former_customer")
	}
	if p.Audience == "" {
		p.Audience = B2B
	}
	if !oneOf(p.Audience, Audiences) {
		v.Add("audience", "must be b2b or b2c")
	}
	if p.Origin == "" {
		p.Origin = OriginManual
	}
	if !oneOf(p.Origin, Origins) {
		v.Add("origin", "is not a known origin")
	}
	if p.CollectedAt.IsZero() {
		p.CollectedAt = now
	} else if p.CollectedAt.After(now.Add(24 * time.Hour)) {
		v.Add("collected_at", "cannot be in the future")
	}
	p.Custom = validateCustom(&v, "custom", in.Custom, fields, EntityPerson)
	return p, v.Err()
}

func buildEmails(v *errs.Validation, raw []string) []Email {
	var out []Email
	seen := map[string]bool{}
	for _, r := range raw {
		if strings.TrimSpace(r) == "" {
			continue
		}
		display, normalised, problem := NormalizeEmail(r)
		if problem != "" {
			v.Add("emails", quoteShort(r)+": "+problem)
			continue
		}
		if seen[normalised] {
			continue
		}
		seen[normalised] = true
		out = append(out, Email{Address: display, Norm: normalised})
	}
	if len(out) > MaxEmails {
		v.Add("emails", "A person can have at most 10 email addresses.")
	}
	return out
}

func buildPhones(v *errs.Validation, raw []string) []Phone {
	var out []Phone
	seen := map[string]bool{}
	for _, r := range raw {
		if strings.TrimSpace(r) == "" {
			continue
		}
		e164, kind, problem := NormalizePhone(r)
		if problem != "" {
			v.Add("phones", quoteShort(r)+": "+problem)
			continue
		}
		if seen[e164] {
			continue
		}
		seen[e164] = true
		out = append(out, Phone{E164: e164, Kind: kind})
	}
	if len(out) > MaxPhones {
		v.Add("phones", "A person can have at most 10 phone numbers.")
	}
	return out
}

// quoteShort quotes user input in an error shown back to that same user,
// cut so that a huge field does not make a huge message.
func quoteShort(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:57]) + "..."
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	return "\u201c" + s + "\u201d"
}

func checkText(v *errs.Validation, field, s string, max int) {
	switch {
	case !utf8.ValidString(s):
		v.Add(field, "is not valid UTF-8 text")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "is too long (at most "+strconv.Itoa(max)+" characters)")
	case strings.ContainsFunc(s, isControl):
		v.Add(field, "contains control characters")
	}
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

func trimAddress(a Address) Address {
	return Address{
		Line1: strings.TrimSpace(a.Line1), Line2: strings.TrimSpace(a.Line2),
		PostalCode: strings.TrimSpace(a.PostalCode), City: strings.TrimSpace(a.City),
		Region: strings.TrimSpace(a.Region), Country: strings.ToUpper(strings.TrimSpace(a.Country)),
	}
}

func checkAddress(v *errs.Validation, a Address) {
	checkText(v, "address_line1", a.Line1, MaxNameLength)
	checkText(v, "address_line2", a.Line2, MaxNameLength)
	checkText(v, "postal_code", a.PostalCode, 20)
	checkText(v, "city", a.City, MaxNameLength)
	checkText(v, "region", a.Region, MaxNameLength)
	if a.Country != "" && (len(a.Country) != 2 || strings.IndexFunc(a.Country, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0) {
		v.Add("country", "must be a two-letter country code such as FR")
	}
}
