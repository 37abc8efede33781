package demo

import (
	"math/rand/v2"
	"time"

	"github.com/registre/registre/internal/crm"
)

// Mixes, in percent, of the person's attributes.
var (
	// France, then the EU countries in the order of euCountries.
	nationalityWeights = []int{82, 5, 4, 3, 3, 2, 1}
	lifecycleWeights   = []int{35, 25, 30, 10}
	originWeights      = []int{20, 25, 15, 5, 8, 5, 5, 8, 6, 3} // in the order of crm.Origins
)

// identity is who a person is, before any contact detail.
type identity struct {
	country       *euCountry // nil for France
	female        bool
	first, last   string
	sFirst, sLast string // ASCII slugs for email addresses
}

// Person returns person i. Call it with increasing i: addresses already
// given out are skipped by appending the index.
func (g *Generator) Person(i int64) *Person {
	g.seedStream(&g.src, saltPerson, i)
	r := g.r
	p := &Person{Index: i, Org: -1}
	p.PublicID = publicID(g.idKey, saltPerson, i)
	id := g.identity(r)
	p.FirstName, p.LastName = id.first, id.last
	p.Audience = crm.B2C
	var org *Organisation
	if r.IntN(100) < 75 {
		p.Audience = crm.B2B
		if r.IntN(100) < 90 {
			org = g.Organisation(g.orgFor(r, i))
			p.Org, p.OrganisationPublicID, p.OrganisationName = org.Index, org.PublicID, org.Name
		}
		if r.IntN(100) < 85 {
			p.JobTitle = job(r, id.female)
		}
	}
	g.address(r, p, id, org)
	p.Lifecycle = crm.Lifecycles[weighted(r, lifecycleWeights)]
	p.Origin = crm.Origins[weighted(r, originWeights)]
	if d := originDetails[string(p.Origin)]; len(d) > 0 && r.IntN(100) < 60 {
		p.OriginDetail = anyOf(r, d)
	}
	g.dates(r, p)
	p.Emails = g.emails(r, i, id, org)
	p.Phones = phones(r, p.Address, id)
	return p
}

func (g *Generator) identity(r *rand.Rand) identity {
	var id identity
	id.female = r.IntN(2) == 0
	n := weighted(r, nationalityWeights)
	male, female, last := frMale, frFemale, frLast
	if n > 0 {
		id.country = &euCountries[n-1]
		male, female, last = id.country.male, id.country.female, id.country.femaleLast
		if !id.female {
			last = id.country.last
		}
	}
	if id.female {
		id.first = pick(r, female)
	} else {
		id.first = pick(r, male)
	}
	id.last = pick(r, last)
	id.sFirst, id.sLast = slug(id.first), slug(id.last)
	return id
}

// orgFor picks the organisation of person i among the recent ones; one
// person in six joins one of the few large organisations of the window.
func (g *Generator) orgFor(r *rand.Rand, i int64) int64 {
	top := newestOrg(i)
	low := max(g.orgBase, top-orgWindow)
	if r.IntN(6) == 0 {
		if big := top - top%16; big >= low {
			return big
		}
	}
	return low + r.Int64N(top-low+1)
}

func job(r *rand.Rand, female bool) string {
	if female {
		return pick(r, jobsFemale)
	}
	return pick(r, jobsMale)
}

// dates spreads collection over six years and last interactions over five,
// so that retention rules find people untouched for more than three years.
func (g *Generator) dates(r *rand.Rand, p *Person) {
	p.CollectedAt = between(r, g.now.Add(-6*year), g.now)
	p.CreatedAt = p.CollectedAt
	if p.Origin == crm.OriginImport {
		p.CreatedAt = minTime(g.now, p.CollectedAt.Add(time.Duration(r.IntN(30*24))*time.Hour))
	}
	p.UpdatedAt = p.CreatedAt
	if r.IntN(2) == 0 {
		p.UpdatedAt = between(r, p.CreatedAt, g.now)
	}
	if r.IntN(100) < 80 {
		p.LastInteractionAt = between(r, maxTime(p.CollectedAt, g.now.Add(-5*year)), g.now)
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Input returns the person as a user would type it, for validation or for
// creating it through crm.Service (OrganisationID is left empty: it needs
// the stored organisation's public id).
func (p *Person) Input() crm.PersonInput {
	in := crm.PersonInput{
		FirstName: p.FirstName, LastName: p.LastName, JobTitle: p.JobTitle, Address: p.Address,
		Lifecycle: p.Lifecycle, Audience: p.Audience, Origin: p.Origin, OriginDetail: p.OriginDetail,
		CollectedAt: p.CollectedAt, OwnerUserID: p.OwnerUserID,
	}
	for _, e := range p.Emails {
		in.Emails = append(in.Emails, e.Address)
	}
	for _, ph := range p.Phones {
		in.Phones = append(in.Phones, ph.E164)
	}
	return in
}
