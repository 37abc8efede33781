// Package demo makes realistic, reproducible demo data for a French small
// business CRM and loads it in bulk: organisations, people with their
// emails and phones, and timeline activities.
package demo

import (
	"math/rand/v2"
	"time"

	"github.com/registre/registre/internal/crm"
)

// PeoplePerOrganisation is the ratio of people to organisations generated.
const PeoplePerOrganisation = 8

const (
	year = 365 * 24 * time.Hour
	// orgWindow is how many of the most recent organisations a person may
	// join; the window slides with the person's index, so organisations
	// are always created before their people.
	orgWindow = 40
	orgCache  = 64
)

// Person is a generated person: a valid crm.Person without database ids,
// with its place in the sequence and the organisation it works for.
type Person struct {
	crm.Person
	Index int64 // position in the generated sequence
	Org   int64 // index of the organisation, -1 when none
}

// Organisation is a generated organisation, without database ids.
type Organisation struct {
	crm.Organisation
	Index  int64
	Domain string // web domain, also that of its people's work addresses
}

// Generator makes people and organisations from a seed: a given seed and
// clock always give the same data. Each object is drawn from its own random
// stream, keyed by the seed and its index. Email addresses are unique among
// the people one Generator returns, which is why Person must be called with
// increasing indexes. Public ids are derived from the seed (Load also mixes
// in the workspace and the database's state, as they must be unique across
// workspaces). A Generator is not safe for concurrent use.
type Generator struct {
	seed    uint64
	idKey   uint64 // keys public ids; the loader mixes in the database state
	now     time.Time
	orgBase int64 // lowest organisation index a person may join

	src, orgSrc, actSrc rand.PCG
	r, orgR, actR       *rand.Rand

	taken map[uint64]struct{} // hashes of the email addresses in use
	orgs  [orgCache]*Organisation
}

// NewGenerator returns a generator for seed whose dates end at now
// (truncated to the microsecond, the precision stored).
func NewGenerator(seed uint64, now time.Time) *Generator {
	g := &Generator{seed: seed, idKey: seed, now: now.UTC().Truncate(time.Microsecond),
		taken: make(map[uint64]struct{})}
	g.r, g.orgR, g.actR = rand.New(&g.src), rand.New(&g.orgSrc), rand.New(&g.actSrc)
	return g
}

// newestOrg returns the index of the newest organisation person i may
// join: organisations up to it must be stored before person i.
func newestOrg(i int64) int64 { return i / PeoplePerOrganisation }

// reserve marks an address as taken, for addresses already in the database.
func (g *Generator) reserve(norm string) { g.taken[hashEmail(norm)] = struct{}{} }

// seedStream points a stream at object n of the kind salt.
func (g *Generator) seedStream(src *rand.PCG, salt uint64, n int64) {
	src.Seed(mix(g.seed^salt), mix(uint64(n)^salt))
}

// pick returns an element of s, favouring the head of the list, where the
// lists keep their most common entries.
func pick[T any](r *rand.Rand, s []T) T {
	u := r.Float64()
	return s[int(u*u*float64(len(s)))]
}

// anyOf returns a uniformly chosen element of s.
func anyOf[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// weighted returns the index drawn with the given weights (in percent or any
// unit).
func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// between returns a time uniformly drawn in [from, to].
func between(r *rand.Rand, from, to time.Time) time.Time {
	span := to.Sub(from)
	if span <= 0 {
		return from
	}
	return from.Add(time.Duration(r.Int64N(int64(span)/1000+1)) * time.Microsecond)
}
