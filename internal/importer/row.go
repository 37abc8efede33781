package importer

import (
	"sort"
	"strings"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// Record is a valid row, ready to store.
type Record struct {
	Line         int64
	Person       *crm.Person // normalised, without ids
	Organisation string      // the company's name, "" for none
	// The folded keys crm sorts and matches by, computed while parsing
	// (in the parser's goroutine, off the writer's).
	OrganisationKey string
	SortKey, AltKey string
	Grants          []string // purposes consented to (file-wide and per row)
	Flags           []consent.Flag
	// Set is the person fields the row gives a value for: an update
	// changes only them.
	Set map[string]bool

	phones []crm.Phone // normalised by the parser; set after crm's checks
}

// Parser turns rows into Records under a mapping and options.
type Parser struct {
	header   []string
	mapping  Mapping
	opt      Options
	fields   []crm.CustomField
	now      time.Time
	columnOf map[string]int // target → column
	phones   phoneCache
}

// NewParser returns a parser for rows of a file with this header.
func NewParser(header []string, m Mapping, opt Options, fields []crm.CustomField, now time.Time) *Parser {
	p := &Parser{header: header, mapping: m, opt: opt, fields: fields, now: now, columnOf: map[string]int{}, phones: phoneCache{}}
	for i, t := range m {
		if t != "" {
			p.columnOf[t] = i
		}
	}
	return p
}

// column returns the header of the column mapped to target, or "".
func (p *Parser) column(target string) string {
	if i, ok := p.columnOf[target]; ok && i < len(p.header) {
		if p.header[i] != "" {
			return p.header[i]
		}
		return columnLetter(i)
	}
	return ""
}

// columnLetter names column i as a spreadsheet does: A, B, … Z, AA….
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// Parse validates one row. It returns nil and no problem for a blank row,
// the Record of a valid row, or the problems of an invalid one (each with
// its column and reason; the row is then not imported at all).
func (p *Parser) Parse(rec []string, line int64) (*Record, []Problem) {
	if blank(rec) {
		return nil, nil
	}
	bad := func(col, reason string) []Problem {
		return []Problem{{Line: line, Column: col, Kind: KindInvalid, Reason: reason}}
	}
	if len(rec) > len(p.header) && !blank(rec[len(p.header):]) {
		return nil, bad("", "the row has more fields than the header has columns")
	}
	in := crm.PersonInput{Audience: p.opt.Audience, Lifecycle: p.opt.Lifecycle, Origin: p.opt.Origin,
		OriginDetail: p.opt.OriginDetail, CollectedAt: p.opt.CollectedAt}
	r := &Record{Line: line, Set: map[string]bool{}, Grants: append([]string(nil), p.opt.Purposes...)}
	var probs []Problem
	for i, t := range p.mapping {
		if t == "" || i >= len(rec) {
			continue
		}
		v := strings.TrimSpace(rec[i])
		if v == "" {
			continue
		}
		if len(v) > MaxFieldBytes {
			probs = append(probs, bad(p.column(t), "the value is too long")...)
			continue
		}
		if t == FieldAddress1 && strings.ContainsAny(v, "\r\n") {
			// A quoted address over several lines: the first is line 1,
			// the rest line 2 (unless a column gives it).
			first, rest, _ := strings.Cut(strings.ReplaceAll(v, "\r\n", "\n"), "\n")
			if _, mapped := p.columnOf[FieldAddress2]; !mapped {
				in.Address.Line2 = oneLine(rest)
			}
			v = strings.TrimSpace(first)
		}
		v = oneLine(v)
		if reason := p.set(&in, r, t, v); reason != "" {
			probs = append(probs, bad(p.column(t), reason)...)
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	if len(in.Emails) == 0 && len(r.phones) == 0 {
		return nil, bad(p.column(FieldEmail), "an email address or a phone number is needed: they identify the person on a re-import")
	}
	person, err := in.Build(p.fields, p.now)
	if err != nil {
		return nil, p.fieldProblems(line, err)
	}
	person.Phones = r.phones
	if len(person.Phones) > crm.MaxPhones {
		return nil, bad(p.column(FieldPhone), "too many phone numbers")
	}
	r.Person, r.phones = person, nil
	r.setKeys()
	return r, nil
}

// setKeys computes the folded keys of the record's name and organisation.
func (r *Record) setKeys() {
	f, l := fold(r.Person.FirstName), fold(r.Person.LastName)
	r.SortKey, r.AltKey = strings.TrimSpace(l+" "+f), strings.TrimSpace(f+" "+l)
	if r.Organisation != "" {
		r.OrganisationKey = fold(r.Organisation)
	}
}

// set puts one value in place and returns a reason when it is not valid.
func (p *Parser) set(in *crm.PersonInput, r *Record, t, v string) string {
	r.Set[t] = true
	switch t {
	case FieldFirstName:
		in.FirstName = v
	case FieldLastName:
		in.LastName = v
	case FieldEmail:
		in.Emails = []string{v} // checked by crm, once
	case FieldPhone, FieldMobile:
		e164, kind, problem := p.phones.normalize(v)
		if problem != "" {
			return "the phone number " + problem
		}
		ph := crm.Phone{E164: e164, Kind: kind}
		for _, have := range r.phones {
			if have.E164 == e164 {
				return ""
			}
		}
		if t == FieldMobile {
			r.phones = append([]crm.Phone{ph}, r.phones...) // a mobile is the better primary number
		} else {
			r.phones = append(r.phones, ph)
		}
	case FieldJobTitle:
		in.JobTitle = v
	case FieldOrganisation:
		if len([]rune(v)) > crm.MaxNameLength {
			return "the company name is too long"
		}
		r.Organisation = v
	case FieldAddress1:
		in.Address.Line1 = v
	case FieldAddress2:
		in.Address.Line2 = v
	case FieldPostalCode:
		in.Address.PostalCode = v
	case FieldCity:
		in.Address.City = v
	case FieldRegion:
		in.Address.Region = v
	case FieldCountry:
		in.Address.Country = countryCode(v)
	case FieldLifecycle:
		l, ok := lifecycles[foldHeader(v)]
		if !ok {
			return "the stage must be lead, prospect, customer or former customer (prospect, client, ancien client)"
		}
		in.Lifecycle = l
	case FieldAudience:
		a, ok := audiences[foldHeader(v)]
		if !ok {
			return "must be B2B or B2C (professionnel, particulier)"
		}
		in.Audience = a
	case FieldCollectedAt:
		at, ok := parseDate(v)
		if !ok {
			return "the date must be written 2026-03-31 or 31/03/2026"
		}
		in.CollectedAt = at
	default:
		return p.setExtra(in, r, t, v)
	}
	return ""
}

func (p *Parser) setExtra(in *crm.PersonInput, r *Record, t, v string) string {
	if key, ok := CustomKey(t); ok {
		if in.Custom == nil {
			in.Custom = map[string]any{}
		}
		in.Custom[key] = v
		return ""
	}
	yes, ok := yesNo(v)
	if !ok {
		return "must be yes or no (oui, non, 1, 0)"
	}
	if key, ok := PurposeKey(t); ok {
		if yes && !contains(r.Grants, key) {
			r.Grants = append(r.Grants, key)
		}
		return ""
	}
	if f, ok := FlagName(t); ok {
		if yes {
			r.Flags = append(r.Flags, f)
		}
		return ""
	}
	return "the column is mapped to an unknown field"
}

// fieldProblems turns crm validation errors into problems per column.
func (p *Parser) fieldProblems(line int64, err error) []Problem {
	e, ok := err.(*errs.Error)
	if !ok || len(e.Fields) == 0 {
		return []Problem{{Line: line, Kind: KindInvalid, Reason: "the row is not valid"}}
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []Problem
	for _, k := range keys {
		target := k
		switch {
		case k == "emails":
			target = FieldEmail

		case k == "phones":
			target = FieldPhone
		case strings.HasPrefix(k, "custom."):
			target = prefixCustom + strings.TrimPrefix(k, "custom.")
		}
		reason := e.Fields[k]
		if strings.HasPrefix(reason, "\u201c") { // crm quotes the value: keep it out of the report
			if i := strings.Index(reason, "\u201d: "); i >= 0 {
				reason = reason[i+len("\u201d: "):]
			}
		}
		label := strings.ReplaceAll(k, "_", " ")
		if k == "emails" {
			label = "the email address"
		}
		out = append(out, Problem{Line: line, Column: p.column(target), Kind: KindInvalid, Reason: label + " " + reason})
	}
	return out
}

// fold is crm.Fold, faster for ASCII text (most names and companies).
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return crm.Fold(s)
		}
	}
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// oneLine joins the lines of a value with spaces.
func oneLine(v string) string {
	if !strings.ContainsAny(v, "\r\n") {
		return v
	}
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(v)), " ")
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

var lifecycles = map[string]crm.Lifecycle{
	"lead": crm.Lead, "piste": crm.Lead, "suspect": crm.Lead, "prospect": crm.Prospect,
	"customer": crm.Customer, "client": crm.Customer, "cliente": crm.Customer,
	"former customer": crm.FormerCustomer, "former_customer": crm.FormerCustomer, "ancien client": crm.FormerCustomer,
	"ancienne cliente": crm.FormerCustomer, "former customer ": crm.FormerCustomer,
}

var audiences = map[string]crm.Audience{
	"b2b": crm.B2B, "pro": crm.B2B, "professionnel": crm.B2B, "professionnelle": crm.B2B, "entreprise": crm.B2B, "business": crm.B2B,
	"b2c": crm.B2C, "particulier": crm.B2C, "particuliere": crm.B2C, "consumer": crm.B2C, "consommateur": crm.B2C,
}

func yesNo(v string) (yes, ok bool) {
	switch foldHeader(v) {
	case "oui", "o", "yes", "y", "1", "true", "vrai", "x":
		return true, true
	case "non", "n", "no", "0", "false", "faux":
		return false, true
	}
	return false, false
}

var countries = map[string]string{
	"france": "FR", "belgique": "BE", "belgium": "BE", "suisse": "CH", "switzerland": "CH", "luxembourg": "LU",
	"allemagne": "DE", "germany": "DE", "espagne": "ES", "spain": "ES", "italie": "IT", "italy": "IT",
	"royaume uni": "GB", "united kingdom": "GB", "pays bas": "NL", "netherlands": "NL", "portugal": "PT",
	"monaco": "MC", "canada": "CA",
}

// countryCode accepts a two-letter code or a common country name.
func countryCode(v string) string {
	if c, ok := countries[foldHeader(v)]; ok {
		return c
	}
	return strings.ToUpper(v)
}

func parseDate(v string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "2006-01-02 15:04:05", "02/01/2006 15:04", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, v, paris); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return l
}()
