package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/registre/registre/internal/crm"
)

var (
	orgCountryWeights = []int{92, 2, 2, 1, 1, 1, 1} // France, then euCountries
	orgStatusWeights  = []int{10, 35, 40, 10, 5}    // in the order of crm.OrgStatuses
	familySuffixes    = []struct{ name, slug string }{
		{" & Fils", "fils"}, {" Frères", "freres"}, {" & Associés", "associes"}, {" et Cie", "cie"},
	}
)

// Organisation returns organisation j; people refer to it by index.
func (g *Generator) Organisation(j int64) *Organisation {
	c := g.orgs[j%orgCache]
	if c == nil || c.Index != j {
		c = g.newOrganisation(j)
		g.orgs[j%orgCache] = c
	}
	o := *c
	return &o
}

func (g *Generator) newOrganisation(j int64) *Organisation {
	g.seedStream(&g.orgSrc, saltOrg, j)
	r := g.orgR
	o := &Organisation{Index: j}
	o.PublicID = publicID(g.idKey, saltOrg, j)
	o.Kind = crm.B2B
	o.Status = crm.OrgStatuses[weighted(r, orgStatusWeights)]
	var country *euCountry
	if n := weighted(r, orgCountryWeights); n > 0 {
		country = &euCountries[n-1]
	}
	addr, c := postal(r, country, frLine2)
	addr.Region = "" // organisations keep no region
	o.Address = addr
	if country == nil {
		o.Name, o.Domain = frenchCompany(r, c)
		o.RegistrationNumber = siren(r)
	} else {
		o.Name, o.Domain = euCompany(r, country)
		o.RegistrationNumber = country.code + digits(r, 9)
	}
	if r.IntN(100) < 60 {
		o.Website = "https://www." + o.Domain
	}
	if r.IntN(100) < 90 {
		o.Phone = landline(r, c)
	}
	o.CreatedAt = between(r, g.now.Add(-6*year), g.now)
	o.UpdatedAt = between(r, o.CreatedAt, g.now)
	return o
}

// frenchCompany names a French business and its web domain:
// "Boulangerie Martin" at martin-boulangerie.example.
func frenchCompany(r *rand.Rand, c *city) (name, domain string) {
	last := pick(r, frLast)
	s := slug(last)
	switch weighted(r, []int{35, 20, 10, 15, 20}) {
	case 0:
		t := pick(r, trades)
		name, domain = t.name+" "+last, s+"-"+t.slug
	case 1:
		t := anyOf(r, sectors)
		name, domain = last+" "+t.name, s+"-"+t.slug
	case 2:
		f := anyOf(r, familySuffixes)
		return last + f.name, s + "-" + f.slug + ".example"
	case 3:
		p := anyOf(r, placeNames)
		name, domain = p.name, p.slug+"-"+slug(c.name)
		if strings.HasSuffix(name, " de") {
			name = ofCity(strings.TrimSuffix(name, " de"), c.name)
		}
		return name, domain + ".example"
	default:
		other := pick(r, frLast)
		if other == last {
			other = anyOf(r, frLast)
		}
		name, domain = last+" & "+other, s+"-"+slug(other)
	}
	if r.IntN(100) < 45 {
		name += " " + anyOf(r, legalForms)
	}
	return name, domain + ".example"
}

// ofCity joins "Les Jardins" and a city with the right French preposition:
// "de Nantes", "d'Angers", "du Havre".
func ofCity(head, cityName string) string {
	switch {
	case strings.HasPrefix(cityName, "Le "):
		return head + " du " + strings.TrimPrefix(cityName, "Le ")
	case strings.ContainsAny(cityName[:1], "AEIOUY") || strings.HasPrefix(cityName, "É"):
		return head + " d'" + cityName
	}
	return head + " de " + cityName
}

func euCompany(r *rand.Rand, country *euCountry) (name, domain string) {
	last := pick(r, country.last)
	suffix := anyOf(r, country.companySuffixes)
	return last + " " + suffix, slugify(last, "") + "-" + slugify(suffix, "-") + ".example"
}

// siren returns a 9-digit French company number with a valid Luhn key.
func siren(r *rand.Rand) string {
	d := []byte(strconv.Itoa(1+r.IntN(9)) + digits(r, 7))
	sum := 0
	for i, c := range d {
		v := int(c - '0')
		if i%2 == 1 { // doubled digits, counted from the check digit's left
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return string(d) + strconv.Itoa((10-sum%10)%10)
}
