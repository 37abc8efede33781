package importer

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
)

// Resolution is what someone decided for a row held for review.
type Resolution string

// Resolutions of a held row.
const (
	// ResolveUpdate applies the row to the person it matched, as the
	// "update" policy would have: non-empty values replace, new phones
	// are added, consents and objections go through the ledger.
	ResolveUpdate Resolution = "update"
	// ResolveCreate makes the row a separate person, with the import's
	// provenance; refused when one of its emails belongs to someone.
	ResolveCreate Resolution = "create"
	// ResolveDiscard drops the row: the person stays as they are.
	ResolveDiscard Resolution = "discard"
)

// Resolutions lists the resolutions of one row; BulkResolutions those
// that may be applied to all the remaining rows at once.
var (
	Resolutions     = []Resolution{ResolveUpdate, ResolveCreate, ResolveDiscard}
	BulkResolutions = []Resolution{ResolveUpdate, ResolveDiscard}
)

// ReviewRow is what is kept of a row held for review: the values the row
// gives, normalised as the parser left them (emails as written, phones in
// E.164). Lifecycle, Audience and CollectedAt are set only when a column
// of the row gave them.
type ReviewRow struct {
	FirstName    string         `json:"first_name,omitempty"`
	LastName     string         `json:"last_name,omitempty"`
	Emails       []string       `json:"emails,omitempty"`
	Phones       []string       `json:"phones,omitempty"`
	JobTitle     string         `json:"job_title,omitempty"`
	Organisation string         `json:"organisation,omitempty"`
	Address      crm.Address    `json:"address"`
	Custom       map[string]any `json:"custom,omitempty"`
	Grants       []string       `json:"grants,omitempty"`
	Flags        []consent.Flag `json:"flags,omitempty"`
	Lifecycle    crm.Lifecycle  `json:"lifecycle,omitempty"`
	Audience     crm.Audience   `json:"audience,omitempty"`
	CollectedAt  *time.Time     `json:"collected_at,omitempty"`
}

// NewReviewRow keeps what a resolution needs of a record.
func NewReviewRow(r *Record) ReviewRow {
	per := r.Person
	d := ReviewRow{FirstName: per.FirstName, LastName: per.LastName, JobTitle: per.JobTitle,
		Organisation: r.Organisation, Address: per.Address, Custom: per.Custom, Grants: r.Grants, Flags: r.Flags}
	for _, e := range per.Emails {
		d.Emails = append(d.Emails, e.Address)
	}
	for _, ph := range per.Phones {
		d.Phones = append(d.Phones, ph.E164)
	}
	if r.Set[FieldLifecycle] {
		d.Lifecycle = per.Lifecycle
	}
	if r.Set[FieldAudience] {
		d.Audience = per.Audience
	}
	if r.Set[FieldCollectedAt] {
		at := per.CollectedAt
		d.CollectedAt = &at
	}
	return d
}

// Record rebuilds the row as the parser produced it, under the import's
// options, so that a resolution writes it through the same code as the
// import: the fields it gives values for are the ones it sets.
func (d *ReviewRow) Record(line int64, opt Options) *Record {
	per := &crm.Person{FirstName: d.FirstName, LastName: d.LastName, JobTitle: d.JobTitle, Address: d.Address,
		Lifecycle: opt.Lifecycle, Audience: opt.Audience, Origin: opt.Origin, OriginDetail: opt.OriginDetail,
		CollectedAt: opt.CollectedAt, Custom: d.Custom}
	r := &Record{Line: line, Person: per, Organisation: d.Organisation, Grants: d.Grants, Flags: d.Flags, Set: map[string]bool{}}
	for t, v := range map[string]string{FieldFirstName: d.FirstName, FieldLastName: d.LastName, FieldJobTitle: d.JobTitle,
		FieldOrganisation: d.Organisation, FieldAddress1: d.Address.Line1, FieldAddress2: d.Address.Line2,
		FieldPostalCode: d.Address.PostalCode, FieldCity: d.Address.City, FieldRegion: d.Address.Region,
		FieldCountry: d.Address.Country} {
		r.Set[t] = v != ""
	}
	if d.Lifecycle != "" {
		per.Lifecycle, r.Set[FieldLifecycle] = d.Lifecycle, true
	}
	if d.Audience != "" {
		per.Audience, r.Set[FieldAudience] = d.Audience, true
	}
	if d.CollectedAt != nil {
		per.CollectedAt, r.Set[FieldCollectedAt] = d.CollectedAt.UTC(), true
	}
	for _, a := range d.Emails {
		if display, norm, problem := crm.NormalizeEmail(a); problem == "" {
			per.Emails = append(per.Emails, crm.Email{Address: display, Norm: norm})
		}
	}
	for _, e := range d.Phones {
		_, kind, _ := crm.NormalizePhone(e)
		per.Phones = append(per.Phones, crm.Phone{E164: e, Kind: kind})
	}
	if len(per.Emails) > 0 {
		r.Set[FieldEmail] = true
	}
	if len(per.Phones) > 0 {
		r.Set[FieldPhone] = true
	}
	r.setKeys()
	return r
}

// Review is a row held for review, with the person it matched as they are
// now. Once resolved, the row's values are cleared: Row is then empty.
type Review struct {
	Line      int64
	Row       ReviewRow
	CreatedAt time.Time
	// PersonID is the public id of the person the row matched. For a row
	// waiting, Person is that person with their consent state: Row and
	// Person are what the review screen shows side by side.
	PersonID string
	Person   *crm.Person
	Consent  *consent.Projection
	// Suppressed: an address of the row is on the suppression list now.
	Suppressed bool
	// EmailOwner is the public id of the person who has one of the row's
	// emails ("" when none has): the row cannot become a separate person.
	EmailOwner string

	Resolution     Resolution // "" while the row waits
	ResolvedAt     time.Time
	ResolvedBy     audit.Actor
	ResolvedByName string // the user's name, when a user resolved it
	// CreatedPerson is the public id of the person a "create" made.
	CreatedPerson string
}

// Resolved reports whether someone has decided the row's fate.
func (rv *Review) Resolved() bool { return rv.Resolution != "" }

// ReviewFilter selects a page of an import's held rows, in line order.
type ReviewFilter struct {
	Resolved bool  // the resolved rows rather than those waiting
	After    int64 // the line the previous page ended with
	Limit    int
}

// ReviewPage is a page of held rows, with the import's totals.
type ReviewPage struct {
	Reviews []Review
	// Next is the cursor of the next page (the last line of this one);
	// 0 on the last page.
	Next              int64
	Waiting, Resolved int64
}

// BulkResult is what applying a resolution to the remaining rows did.
type BulkResult struct {
	Resolved int64 // rows resolved
	// Refused are the rows left waiting: an address is on the suppression
	// list and the workspace refuses such rows.
	Refused int64
	// Next is the line to continue after, 0 when no row is left to look at.
	Next int64
}

// Difference is one field of a held row beside the person's value.
type Difference struct {
	// Field is a mapping target (first_name, email, phone, organisation,
	// lifecycle…), custom:<key>, consent:<purpose> or flag:<flag>.
	Field   string
	Current string
	File    string
	// Differs: the file gives a value the person does not have.
	Differs bool
}

// Differences lists the fields of the row and of the person, the row's
// consents and objections beside the person's state, and says which
// differ. Fields empty on both sides are left out.
func (rv *Review) Differences() []Difference {
	p, d := rv.Person, rv.Row
	if p == nil {
		return nil
	}
	var out []Difference
	text := func(field, cur, file string) {
		if cur != "" || file != "" {
			out = append(out, Difference{Field: field, Current: cur, File: file, Differs: file != "" && file != cur})
		}
	}
	text(FieldFirstName, p.FirstName, d.FirstName)
	text(FieldLastName, p.LastName, d.LastName)
	for _, diff := range []Difference{emailDifference(p, d), phoneDifference(p, d)} {
		if diff.Current != "" || diff.File != "" {
			out = append(out, diff)
		}
	}
	text(FieldJobTitle, p.JobTitle, d.JobTitle)
	if p.OrganisationName != "" || d.Organisation != "" {
		out = append(out, Difference{Field: FieldOrganisation, Current: p.OrganisationName, File: d.Organisation,
			Differs: d.Organisation != "" && fold(d.Organisation) != fold(p.OrganisationName)})
	}
	a, b := p.Address, d.Address
	text(FieldAddress1, a.Line1, b.Line1)
	text(FieldAddress2, a.Line2, b.Line2)
	text(FieldPostalCode, a.PostalCode, b.PostalCode)
	text(FieldCity, a.City, b.City)
	text(FieldRegion, a.Region, b.Region)
	text(FieldCountry, a.Country, b.Country)
	if d.Lifecycle != "" {
		text(FieldLifecycle, string(p.Lifecycle), string(d.Lifecycle))
	}
	if d.Audience != "" {
		text(FieldAudience, string(p.Audience), string(d.Audience))
	}
	out = append(out, customDifferences(p, d)...)
	return append(out, rv.consentDifferences()...)
}

func emailDifference(p *crm.Person, d ReviewRow) Difference {
	have := map[string]bool{}
	var cur []string
	for _, e := range p.Emails {
		have[e.Norm] = true
		cur = append(cur, e.Address)
	}
	diff := Difference{Field: FieldEmail, Current: strings.Join(cur, ", "), File: strings.Join(d.Emails, ", ")}
	for _, a := range d.Emails {
		if _, norm, problem := crm.NormalizeEmail(a); problem == "" && !have[norm] {
			diff.Differs = true
		}
	}
	return diff
}

func phoneDifference(p *crm.Person, d ReviewRow) Difference {
	have := map[string]bool{}
	var cur, file []string
	for _, ph := range p.Phones {
		have[ph.E164] = true
		cur = append(cur, crm.FormatPhone(ph.E164))
	}
	diff := Difference{Field: FieldPhone, Current: strings.Join(cur, ", ")}
	for _, e := range d.Phones {
		file = append(file, crm.FormatPhone(e))
		diff.Differs = diff.Differs || !have[e]
	}
	diff.File = strings.Join(file, ", ")
	return diff
}

func customDifferences(p *crm.Person, d ReviewRow) []Difference {
	keys := make([]string, 0, len(d.Custom))
	for k := range d.Custom {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []Difference
	for _, k := range keys {
		cur, file := "", fmt.Sprint(d.Custom[k])
		if v, ok := p.Custom[k]; ok && v != nil {
			cur = fmt.Sprint(v)
		}
		out = append(out, Difference{Field: prefixCustom + k, Current: cur, File: file, Differs: file != cur})
	}
	return out
}

// consentDifferences sets each consent and objection the row carries
// beside the person's state: "granted", "withdrawn", "pending" or "none" for a
// purpose; "set" or "" for a flag.
func (rv *Review) consentDifferences() []Difference {
	proj := rv.Consent
	if proj == nil {
		proj = consent.NewProjection()
	}
	var out []Difference
	for _, g := range rv.Row.Grants {
		st := proj.State(g)
		out = append(out, Difference{Field: prefixConsent + g, Current: string(st), File: string(consent.Granted),
			Differs: st != consent.Granted})
	}
	for _, f := range rv.Row.Flags {
		cur := ""
		if proj.On(f) {
			cur = "set"
		}
		out = append(out, Difference{Field: prefixFlag + string(f), Current: cur, File: "set", Differs: cur == ""})
	}
	return out
}
