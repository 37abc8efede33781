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

// PrefixUpper returns the smallest string greater than every string that
// starts with prefix, for an index range scan "k >= prefix AND k < upper".
// It returns "" when no such bound exists (a prefix made only of 0xFF bytes).
func PrefixUpper(prefix string) string {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xFF {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}
