package api

import (
	"encoding/json"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// addressJSON is a postal address in person documents.
type addressJSON struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Region     string `json:"region"`
	Country    string `json:"country"`
}

func addressOut(a crm.Address) addressJSON {
	return addressJSON{Line1: a.Line1, Line2: a.Line2, PostalCode: a.PostalCode, City: a.City, Region: a.Region, Country: a.Country}
}

// overlay sets the members of base that raw (the address as sent) has;
// null clears the whole address.
func (b addressJSON) overlay(base crm.Address, raw json.RawMessage) crm.Address {
	if isNull(raw) {
		return crm.Address{}
	}
	for key := range presentFields(raw) {
		switch key {
		case "line1":
			base.Line1 = b.Line1
		case "line2":
			base.Line2 = b.Line2
		case "postal_code":
			base.PostalCode = b.PostalCode
		case "city":
			base.City = b.City
		case "region":
			base.Region = b.Region
		case "country":
			base.Country = b.Country
		}
	}
	return base
}

// personCommon holds the fields of both person documents: the full one
// and the list item.
type personCommon struct {
	ID                string         `json:"id"`
	FirstName         string         `json:"first_name"`
	LastName          string         `json:"last_name"`
	JobTitle          string         `json:"job_title"`
	Address           addressJSON    `json:"address"`
	OrganisationID    *string        `json:"organisation_id"`
	OrganisationName  *string        `json:"organisation_name"`
	Lifecycle         crm.Lifecycle  `json:"lifecycle"`
	Audience          crm.Audience   `json:"audience"`
	Origin            crm.Origin     `json:"origin"`
	OriginDetail      string         `json:"origin_detail"`
	SoftOptIn         bool           `json:"soft_opt_in"`
	CollectedAt       timestamp      `json:"collected_at"`
	OwnerName         *string        `json:"owner_name"`
	Custom            map[string]any `json:"custom"`
	LastInteractionAt timestamp      `json:"last_interaction_at"`
	CreatedAt         timestamp      `json:"created_at"`
	UpdatedAt         timestamp      `json:"updated_at"`
}

// personJSON is the full person document, with every email and phone.
type personJSON struct {
	personCommon
	Emails []string `json:"emails"`
	Phones []string `json:"phones"`
}

// personSummaryJSON is a person in a list. Lists read only the primary
// email and phone, so they are given as single values: a list item sent
// back with PUT would otherwise drop the person's other addresses.
type personSummaryJSON struct {
	personCommon
	Email *string `json:"email"`
	Phone *string `json:"phone"`
}

func personCommonOut(p *crm.Person) personCommon {
	custom := p.Custom
	if custom == nil {
		custom = map[string]any{}
	}
	return personCommon{
		ID: p.PublicID, FirstName: p.FirstName, LastName: p.LastName, JobTitle: p.JobTitle,
		Address: addressOut(p.Address), OrganisationID: nullable(p.OrganisationPublicID),
		OrganisationName: nullable(p.OrganisationName), Lifecycle: p.Lifecycle, Audience: p.Audience,
		Origin: p.Origin, OriginDetail: p.OriginDetail, SoftOptIn: p.SoftOptIn, CollectedAt: timestamp(p.CollectedAt),
		OwnerName: nullable(p.OwnerName), Custom: custom, LastInteractionAt: timestamp(p.LastInteractionAt),
		CreatedAt: timestamp(p.CreatedAt), UpdatedAt: timestamp(p.UpdatedAt),
	}
}

func personOut(p *crm.Person) personJSON {
	out := personJSON{personCommon: personCommonOut(p), Emails: []string{}, Phones: []string{}}
	for _, e := range p.Emails {
		out.Emails = append(out.Emails, e.Address)
	}
	for _, ph := range p.Phones {
		out.Phones = append(out.Phones, ph.E164)
	}
	return out
}

func personSummaryOut(p *crm.Person) personSummaryJSON {
	return personSummaryJSON{personCommon: personCommonOut(p), Email: nullable(p.PrimaryEmail()), Phone: nullable(p.PrimaryPhone())}
}

// personBody is the body of POST, PUT and PATCH on people.
type personBody struct {
	FirstName      string         `json:"first_name"`
	LastName       string         `json:"last_name"`
	Emails         []string       `json:"emails"`
	Phones         []string       `json:"phones"`
	JobTitle       string         `json:"job_title"`
	Address        addressJSON    `json:"address"`
	OrganisationID string         `json:"organisation_id"`
	Lifecycle      crm.Lifecycle  `json:"lifecycle"`
	Audience       crm.Audience   `json:"audience"`
	Origin         crm.Origin     `json:"origin"`
	OriginDetail   string         `json:"origin_detail"`
	SoftOptIn      bool           `json:"soft_opt_in"`
	CollectedAt    string         `json:"collected_at"`
	Custom         map[string]any `json:"custom"`

	ID                readOnly `json:"id"`
	OrganisationName  readOnly `json:"organisation_name"`
	OwnerName         readOnly `json:"owner_name"`
	LastInteractionAt readOnly `json:"last_interaction_at"`
	CreatedAt         readOnly `json:"created_at"`
	UpdatedAt         readOnly `json:"updated_at"`
}

// overlay copies into in the fields present in the body. Creating and
// replacing overlay an empty input; PATCH overlays the stored person, so
// that absent fields keep their values (JSON merge patch, RFC 7396: null
// clears a field, objects merge, arrays replace).
func (b *personBody) overlay(in *crm.PersonInput, present map[string]json.RawMessage) error {
	var v errs.Validation
	for key, raw := range present {
		switch key {
		case "first_name":
			in.FirstName = b.FirstName
		case "last_name":
			in.LastName = b.LastName
		case "emails":
			in.Emails = b.Emails
		case "phones":
			in.Phones = b.Phones
		case "job_title":
			in.JobTitle = b.JobTitle
		case "address":
			in.Address = b.Address.overlay(in.Address, raw)
		case "organisation_id":
			in.OrganisationID = organisationRef(&v, b.OrganisationID)
		case "lifecycle":
			in.Lifecycle = b.Lifecycle
		case "audience":
			in.Audience = b.Audience
		case "origin":
			in.Origin = b.Origin
		case "origin_detail":
			in.OriginDetail = b.OriginDetail
		case "soft_opt_in":
			in.SoftOptIn = b.SoftOptIn
		case "collected_at":
			in.CollectedAt = parseTime(&v, "collected_at", b.CollectedAt)
		case "custom":
			in.Custom = mergeCustom(in.Custom, b.Custom, raw)
		}
	}
	return v.Err()
}

// organisationRef checks an organisation id given in a body; "" detaches.
func organisationRef(v *errs.Validation, s string) string {
	if s == "" {
		return ""
	}
	id, ok := parseID(s)
	if !ok {
		v.Add("organisation_id", "is not an organisation of this workspace")
	}
	return id
}

// mergeCustom applies the custom object as sent to base: null clears every
// value, a key set to null clears that value, other keys are set.
func mergeCustom(base, sent map[string]any, raw json.RawMessage) map[string]any {
	out := map[string]any{}
	if isNull(raw) {
		return out
	}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range sent {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// personInput returns the input that would store p unchanged. Values of
// custom fields the workspace has since deleted are left out: they would
// be refused, and saving drops them anyway.
func personInput(p *crm.Person, fields []crm.CustomField) crm.PersonInput {
	in := crm.PersonInput{
		FirstName: p.FirstName, LastName: p.LastName, JobTitle: p.JobTitle, Address: p.Address,
		OrganisationID: p.OrganisationPublicID, Lifecycle: p.Lifecycle, Audience: p.Audience,
		Origin: p.Origin, OriginDetail: p.OriginDetail, SoftOptIn: p.SoftOptIn, CollectedAt: p.CollectedAt,
		OwnerUserID: p.OwnerUserID, Custom: definedCustom(p.Custom, fields, crm.EntityPerson),
	}
	for _, e := range p.Emails {
		in.Emails = append(in.Emails, e.Address)
	}
	for _, ph := range p.Phones {
		in.Phones = append(in.Phones, ph.E164)
	}
	return in
}

func definedCustom(values map[string]any, fields []crm.CustomField, entity crm.Entity) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if v, ok := values[f.Key]; ok && f.Entity == entity {
			out[f.Key] = v
		}
	}
	return out
}
