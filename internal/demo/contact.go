package demo

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/registre/registre/internal/crm"
)

// address fills p's postal address, if it has one, and returns its city for
// the landline's area code (nil without an address).
func (g *Generator) address(r *rand.Rand, p *Person, id identity, org *Organisation) *city {
	share := 85 // consumers give an address to be delivered
	if p.Audience == crm.B2B {
		share = 60
		if org != nil {
			if r.IntN(100) < 25 {
				p.Address = org.Address
				return nil
			}
			share = 15
		}
	}
	if r.IntN(100) >= share {
		return nil
	}
	country := id.country
	if country != nil && r.IntN(100) < 40 {
		country = nil // lives in France
	} else if country == nil && r.IntN(100) < 3 {
		country = &euCountries[r.IntN(len(euCountries))]
	}
	a, c := postal(r, country, frLine2[:5])
	p.Address = a
	return c
}

// postal draws an address in country (France when nil); line2 lists the
// complements that may appear.
func postal(r *rand.Rand, country *euCountry, line2 []string) (crm.Address, *city) {
	n := 1 + int(180*r.Float64()*r.Float64())
	if country == nil {
		c := pick(r, frCities)
		a := crm.Address{Line1: strconv.Itoa(n) + frNumberSuffix(r) + " " + anyOf(r, frStreets),
			PostalCode: anyOf(r, c.codes), City: c.name, Region: c.region, Country: "FR"}
		if r.IntN(100) < 12 {
			a.Line2 = anyOf(r, line2)
		}
		return a, &c
	}
	c := pick(r, country.cities)
	a := crm.Address{Line1: anyOf(r, country.streets) + country.numberSep + strconv.Itoa(n),
		PostalCode: anyOf(r, c.codes), City: c.name, Country: country.code}
	switch country.code {
	case "NL":
		const letters = "ABCEGHJKLMNPRSTVWXZ"
		a.PostalCode += " " + string(letters[r.IntN(len(letters))]) + string(letters[r.IntN(len(letters))])
	case "PL":
		a.Line1 += "/" + strconv.Itoa(1+r.IntN(40))
	}
	return a, &c
}

func frNumberSuffix(r *rand.Rand) string {
	switch r.IntN(40) {
	case 0:
		return " bis"
	case 1:
		return " ter"
	}
	return ""
}

// phones gives most people a mobile of their country and some a landline.
func phones(r *rand.Rand, a crm.Address, id identity) []crm.Phone {
	if r.IntN(100) < 8 {
		return nil
	}
	country := id.country
	if a.Country == "FR" {
		country = nil
	}
	out := []crm.Phone{{E164: mobile(r, country), Kind: crm.PhoneMobile}}
	if r.IntN(100) < 15 {
		if c := cityOf(a); c != nil {
			out = append(out, crm.Phone{E164: landline(r, c), Kind: crm.PhoneLandline})
		}
	}
	return out
}

func mobile(r *rand.Rand, country *euCountry) string {
	if country == nil {
		return frMobilePrefixes[r.IntN(len(frMobilePrefixes))] + digits(r, 7)
	}
	k := r.IntN(len(country.mobilePrefixes))
	return country.mobilePrefixes[k] + digits(r, country.mobileDigits[k])
}

func landline(r *rand.Rand, c *city) string { return c.area + digits(r, c.areaDigits) }

// cityOf finds the city of an address among the known ones.
func cityOf(a crm.Address) *city {
	if a.City == "" {
		return nil
	}
	return citiesByName[a.City]
}

var citiesByName = func() map[string]*city {
	m := map[string]*city{}
	for _, c := range allCities() {
		m[c.name] = &c
	}
	return m
}()

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// emails gives a work address at the organisation's domain to most people
// who have one, and a private address to the others and to a few of them.
func (g *Generator) emails(r *rand.Rand, i int64, id identity, org *Organisation) []crm.Email {
	if r.IntN(100) < 4 {
		return nil
	}
	var out []crm.Email
	if org != nil && r.IntN(100) < 95 {
		out = append(out, g.email(r, i, workLocal(r, id), org.Domain))
	}
	if len(out) == 0 || r.IntN(100) < 15 {
		out = append(out, g.email(r, i, privateLocal(r, id), pick(r, genericDomains)))
	}
	return out
}

func workLocal(r *rand.Rand, id identity) string {
	switch weighted(r, []int{60, 20, 10, 10}) {
	case 0:
		return id.sFirst + "." + id.sLast
	case 1:
		return id.sFirst[:1] + "." + id.sLast
	case 2:
		return id.sFirst[:1] + id.sLast
	}
	return id.sFirst
}

func privateLocal(r *rand.Rand, id identity) string {
	switch weighted(r, []int{50, 15, 10, 10, 15}) {
	case 0:
		return id.sFirst + "." + id.sLast
	case 1:
		return id.sFirst + id.sLast
	case 2:
		return id.sFirst + "_" + id.sLast
	case 3:
		return id.sLast + "." + id.sFirst
	}
	birthYear := (50 + r.IntN(56)) % 100 // 1950 to 2005, as "78" or "03"
	return id.sFirst + "." + id.sLast + strconv.Itoa(100 + birthYear)[1:]
}

// email returns a free address made of local and domain, numbering it with
// the person's index (then a counter) when it is taken; some are typed
// with capitals, as people do.
func (g *Generator) email(r *rand.Rand, i int64, local, domain string) crm.Email {
	if r.IntN(100) < 8 {
		local = capitalise(local)
	}
	addr := local + "@" + domain
	for k := 1; ; k++ {
		norm := strings.ToLower(addr)
		h := hashEmail(norm)
		if _, ok := g.taken[h]; !ok {
			g.taken[h] = struct{}{}
			return crm.Email{Address: addr, Norm: norm}
		}
		suffix := strconv.FormatInt(i, 10)
		if k > 1 {
			suffix += "-" + strconv.Itoa(k)
		}
		addr = local + suffix + "@" + domain
	}
}

// capitalise turns "jean-pierre.martin" into "Jean-Pierre.Martin".
func capitalise(s string) string {
	b := []byte(s)
	for i := range b {
		if (i == 0 || b[i-1] == '.' || b[i-1] == '-' || b[i-1] == '_') && b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}
