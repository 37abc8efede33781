package crm

import (
	"strings"
	"time"

	"github.com/registre/registre/internal/errs"
)

// Organisation is a company or household (compte).
type Organisation struct {
	ID                 int64
	PublicID           string
	WorkspaceID        int64
	Name               string
	Kind               Audience
	Status             OrgStatus
	RegistrationNumber string // SIREN/SIRET or another national id
	Website            string
	Phone              string // E.164
	Address            Address
	OwnerUserID        int64
	OwnerName          string
	Custom             map[string]any
	LastInteractionAt  time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
	PeopleCount        int
}

// OrganisationInput is what a user or client sends to create or replace an
// organisation.
type OrganisationInput struct {
	Name               string
	Kind               Audience
	Status             OrgStatus
	RegistrationNumber string
	Website            string
	Phone              string
	Address            Address
	OwnerUserID        int64
	Custom             map[string]any
}

// Build validates in and returns a normalised Organisation; the error is an
// Invalid *errs.Error naming each field.
func (in OrganisationInput) Build(fields []CustomField) (*Organisation, error) {
	var v errs.Validation
	o := &Organisation{
		Name:               strings.TrimSpace(in.Name),
		Kind:               in.Kind,
		Status:             in.Status,
		RegistrationNumber: strings.TrimSpace(in.RegistrationNumber),
		Website:            strings.TrimSpace(in.Website),
		Address:            trimAddress(in.Address),
		OwnerUserID:        in.OwnerUserID,
	}
	if o.Name == "" {
		v.Add("name", "is required")
	}
	checkText(&v, "name", o.Name, MaxNameLength)
	checkText(&v, "registration_number", o.RegistrationNumber, 40)
	checkText(&v, "website", o.Website, MaxTextLength)
	if o.Website != "" && strings.ContainsAny(o.Website, " <>\"") {
		v.Add("website", "must be a web address such as https://example.com")
	}
	checkAddress(&v, o.Address)
	if o.Address.Region != "" {
		// Organisations have no region column: refuse rather than drop it.
		v.Add("region", "is not kept for organisations")
	}
	if p := strings.TrimSpace(in.Phone); p != "" {
		e164, _, problem := NormalizePhone(p)
		if problem != "" {
			v.Add("phone", quoteShort(p)+": "+problem)
		}
		o.Phone = e164
	}
	if o.Kind == "" {
		o.Kind = B2B
	}
	if !oneOf(o.Kind, Audiences) {
		v.Add("kind", "must be b2b or b2c")
	}
	if o.Status == "" {
		o.Status = StatusProspect
	}
	if !oneOf(o.Status, OrgStatuses) {
		v.Add("status", "must be one of suspect, prospect, customer, former_customer, partner")
	}
	o.Custom = validateCustom(&v, "custom", in.Custom, fields, EntityOrganisation)
	return o, v.Err()
}

// NameKey returns the folded name used to sort and search organisations.
func (o *Organisation) NameKey() string { return Fold(o.Name) }
