package demo

import (
	"github.com/registre/registre/internal/crm"
)

const returning = " RETURNING id, public_id"

// chunk is what one transaction stores: the organisations first needed by
// its people, the people, and their emails, phones and activities.
type chunk struct {
	orgs, people, emails, phones, activities *table
	orgIndex                                 map[string]int64 // public id → organisation index
	personPos                                map[string]int   // public id → position in the chunk
	nPeople                                  int
	lastOrg                                  int64 // index of the last organisation added, or -1
}

func newChunk(people int) *chunk {
	c := &chunk{
		orgs: newTable("organisations", `public_id, workspace_id, name, name_norm, kind, status,
			registration_number, website, phone, address_line1, address_line2, postal_code, city, country,
			owner_user_id, created_at, updated_at`, returning),
		people: newTable("people", `public_id, workspace_id, first_name, last_name, sort_key, alt_key,
			email, phone, job_title, organisation_id, lifecycle, audience, origin, origin_detail,
			collected_at, address_line1, address_line2, postal_code, city, region, country, owner_user_id,
			last_interaction_at, created_at, updated_at`, returning),
		emails: newTable("person_emails", "workspace_id, person_id, email, email_norm, is_primary", ""),
		phones: newTable("person_phones", "workspace_id, person_id, e164, kind, is_primary", ""),
		activities: newTable("activities", `public_id, workspace_id, person_id, organisation_id, kind,
			occurred_at, author_user_id, subject, body, counts_as_interaction, created_at`, ""),
		orgIndex:  map[string]int64{},
		personPos: make(map[string]int, people),
		lastOrg:   -1,
	}
	c.people.people = true
	return c
}

// addOrg adds an organisation; custom takes the column default, '{}'.
func (c *chunk) addOrg(o *Organisation, ws any) {
	c.orgIndex[o.PublicID] = o.Index
	c.lastOrg = o.Index
	a := o.Address
	c.orgs.add(o.PublicID, ws, o.Name, o.NameKey(), string(o.Kind), string(o.Status),
		o.RegistrationNumber, o.Website, o.Phone, a.Line1, a.Line2, a.PostalCode, a.City, a.Country,
		nullID(o.OwnerUserID), o.CreatedAt.UnixMicro(), o.UpdatedAt.UnixMicro())
}

// addPerson adds a person with emails and phones; custom takes its default.
func (c *chunk) addPerson(p *Person, ws any) {
	pos := c.nPeople
	c.nPeople++
	c.personPos[p.PublicID] = pos
	sortKey, altKey := p.SortKeys()
	a := p.Address
	c.people.add(p.PublicID, ws, p.FirstName, p.LastName, sortKey, altKey, p.PrimaryEmail(),
		p.PrimaryPhone(), p.JobTitle, nil, string(p.Lifecycle), string(p.Audience), string(p.Origin),
		p.OriginDetail, p.CollectedAt.UnixMicro(), a.Line1, a.Line2, a.PostalCode, a.City, a.Region,
		a.Country, nullID(p.OwnerUserID), nullTime(p), p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro())
	if p.Org >= 0 {
		c.people.orgRef(9, p.Org) // organisation_id
	}
	for k, e := range p.Emails {
		c.emails.add(ws, nil, e.Address, e.Norm, k == 0)
		c.emails.personRef(1, pos) // person_id
	}
	for k, ph := range p.Phones {
		c.phones.add(ws, nil, ph.E164, string(ph.Kind), k == 0)
		c.phones.personRef(1, pos) // person_id
	}
}

// addActivities adds the activities of the person added last, linked to its
// organisation as crm.Service does.
func (c *chunk) addActivities(p *Person, acts []crm.Activity, ws any) {
	for _, a := range acts {
		c.activities.add(a.PublicID, ws, nil, nil, string(a.Kind), a.OccurredAt.UnixMicro(),
			nullID(a.AuthorUserID), a.Subject, a.Body, a.CountsAsInteraction, a.CreatedAt.UnixMicro())
		c.activities.personRef(2, c.nPeople-1) // person_id
		if p.Org >= 0 {
			c.activities.orgRef(3, p.Org) // organisation_id
		}
	}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(p *Person) any {
	if p.LastInteractionAt.IsZero() {
		return nil
	}
	return p.LastInteractionAt.UnixMicro()
}
