package api

import (
	"encoding/json"

	"github.com/registre/registre/internal/crm"
)

// orgAddressJSON is an organisation's address. Organisations have no
// region (the database stores none), so the field is absent rather than
// accepted and silently dropped.
type orgAddressJSON struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"`
}

func orgAddressOut(a crm.Address) orgAddressJSON {
	return orgAddressJSON{Line1: a.Line1, Line2: a.Line2, PostalCode: a.PostalCode, City: a.City, Country: a.Country}
}

// overlay sets the members of base that raw has; null clears the address.
func (b orgAddressJSON) overlay(base crm.Address, raw json.RawMessage) crm.Address {
	full := addressJSON{Line1: b.Line1, Line2: b.Line2, PostalCode: b.PostalCode, City: b.City, Country: b.Country}
	return full.overlay(base, raw)
}

// organisationJSON is the organisation document.
type organisationJSON struct {
	ID                 string         `json:"id"`
	Name               string         `json:"name"`
	Kind               crm.Audience   `json:"kind"`
	Status             crm.OrgStatus  `json:"status"`
	RegistrationNumber string         `json:"registration_number"`
	Website            string         `json:"website"`
	Phone              string         `json:"phone"`
	Address            orgAddressJSON `json:"address"`
	OwnerName          *string        `json:"owner_name"`
	Custom             map[string]any `json:"custom"`
	PeopleCount        int            `json:"people_count"`
	LastInteractionAt  timestamp      `json:"last_interaction_at"`
	CreatedAt          timestamp      `json:"created_at"`
	UpdatedAt          timestamp      `json:"updated_at"`
}

func organisationOut(o *crm.Organisation) organisationJSON {
	custom := o.Custom
	if custom == nil {
		custom = map[string]any{}
	}
	return organisationJSON{
		ID: o.PublicID, Name: o.Name, Kind: o.Kind, Status: o.Status, RegistrationNumber: o.RegistrationNumber,
		Website: o.Website, Phone: o.Phone, Address: orgAddressOut(o.Address), OwnerName: nullable(o.OwnerName),
		Custom: custom, PeopleCount: o.PeopleCount, LastInteractionAt: timestamp(o.LastInteractionAt),
		CreatedAt: timestamp(o.CreatedAt), UpdatedAt: timestamp(o.UpdatedAt),
	}
}

// organisationBody is the body of POST, PUT and PATCH on organisations.
type organisationBody struct {
	Name               string         `json:"name"`
	Kind               crm.Audience   `json:"kind"`
	Status             crm.OrgStatus  `json:"status"`
	RegistrationNumber string         `json:"registration_number"`
	Website            string         `json:"website"`
	Phone              string         `json:"phone"`
	Address            orgAddressJSON `json:"address"`
	Custom             map[string]any `json:"custom"`

	ID                readOnly `json:"id"`
	OwnerName         readOnly `json:"owner_name"`
	PeopleCount       readOnly `json:"people_count"`
	LastInteractionAt readOnly `json:"last_interaction_at"`
	CreatedAt         readOnly `json:"created_at"`
	UpdatedAt         readOnly `json:"updated_at"`
}

// overlay copies into in the fields present in the body, as for people.
func (b *organisationBody) overlay(in *crm.OrganisationInput, present map[string]json.RawMessage) {
	for key, raw := range present {
		switch key {
		case "name":
			in.Name = b.Name
		case "kind":
			in.Kind = b.Kind
		case "status":
			in.Status = b.Status
		case "registration_number":
			in.RegistrationNumber = b.RegistrationNumber
		case "website":
			in.Website = b.Website
		case "phone":
			in.Phone = b.Phone
		case "address":
			in.Address = b.Address.overlay(in.Address, raw)
		case "custom":
			in.Custom = mergeCustom(in.Custom, b.Custom, raw)
		}
	}
}

// organisationInput returns the input that would store o unchanged.
func organisationInput(o *crm.Organisation, fields []crm.CustomField) crm.OrganisationInput {
	return crm.OrganisationInput{
		Name: o.Name, Kind: o.Kind, Status: o.Status, RegistrationNumber: o.RegistrationNumber,
		Website: o.Website, Phone: o.Phone, Address: o.Address, OwnerUserID: o.OwnerUserID,
		Custom: definedCustom(o.Custom, fields, crm.EntityOrganisation),
	}
}
