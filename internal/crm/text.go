package crm

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s, removes accents and collapses spaces, so that
// "Élodie  LEFÈVRE" and "elodie lefevre" sort and match alike. Sort keys and
// prefix searches use it.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.ToLower(out)
	return strings.Join(strings.Fields(out), " ")
}

// nameKeys returns the "last first" and "first last" folded keys of a name.
func nameKeys(first, last string) (sortKey, altKey string) {
	f, l := Fold(first), Fold(last)
	return strings.TrimSpace(l + " " + f), strings.TrimSpace(f + " " + l)
}

// PrefixUpper returns the smallest valid UTF-8 string greater than every
// string that starts with prefix, for an index range scan "k >= prefix AND
// k < upper" (byte order, which is code point order). It steps up the last
// character, not the last byte, so the bound stays valid UTF-8 (PostgreSQL
// refuses anything else); "" means no bound exists.
func PrefixUpper(prefix string) string {
	r := []rune(strings.ToValidUTF8(prefix, ""))
	for i := len(r) - 1; i >= 0; i-- {
		next := r[i] + 1
		if next == 0xD800 { // skip the surrogates, which UTF-8 cannot encode
			next = 0xE000
		}
		if next <= unicode.MaxRune {
			r[i] = next
			return string(r[:i+1])
		}
	}
	return ""
}
