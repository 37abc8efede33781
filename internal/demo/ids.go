package demo

import (
	"encoding/binary"

	"github.com/google/uuid"
)

// Salts separate the random streams and id spaces of the kinds of objects,
// so that, say, person 7 and organisation 7 share nothing.
const (
	saltPerson   = 0x7065_7273_6f6e_0001
	saltOrg      = 0x6f72_6761_6e69_0002
	saltActivity = 0x6163_7469_7669_0003
)

// mix is SplitMix64's finaliser: a bijection of uint64 that spreads every
// input bit over the output, so neighbouring indexes give unrelated seeds.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// publicID returns a version-4-shaped UUID derived from key, salt and n:
// the same inputs give the same id, so a seed reproduces the links too.
func publicID(key, salt uint64, n int64) string {
	hi := mix(mix(key^salt) + uint64(n))
	lo := mix(hi ^ 0x5bd1e9955bd1e995)
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[:8], hi)
	binary.BigEndian.PutUint64(u[8:], lo)
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}

// hashEmail is FNV-1a over a normalised address. The set of addresses in use
// keeps only these hashes: a collision merely makes an address take a
// numbered form it did not need.
func hashEmail(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
