package demo

import (
	"strings"

	"github.com/registre/registre/internal/crm"
)

// Letters that lose nothing but an accent are handled by crm.Fold; these are
// the ones Unicode does not decompose.
var asciiReplacer = strings.NewReplacer("ß", "ss", "ł", "l", "ø", "o", "æ", "ae", "œ", "oe", "đ", "d", "ı", "i")

// slugCache maps each name of the lists to its ASCII slug. It is filled once
// at start-up and only read afterwards, so generators in several goroutines
// can share it.
var slugCache = buildSlugCache()

func buildSlugCache() map[string]string {
	m := map[string]string{}
	lists := [][]string{frMale, frFemale, frLast}
	for _, c := range euCountries {
		lists = append(lists, c.male, c.female, c.last, feminineLast(c.code, c.last))
	}
	for _, l := range lists {
		for _, s := range l {
			m[s] = slugify(s, "")
		}
	}
	for _, c := range allCities() {
		m[c.name] = slugify(c.name, "-")
	}
	return m
}

// slug returns the cached slug of a name from the lists, computing others.
func slug(s string) string {
	if v, ok := slugCache[s]; ok {
		return v
	}
	return slugify(s, "")
}

// slugify turns a name into lower-case ASCII letters, digits and hyphens:
// "Lefèvre" → "lefevre", "N'Diaye" → "ndiaye". Spaces become sep.
func slugify(s, sep string) string {
	s = asciiReplacer.Replace(crm.Fold(s))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteString(sep)
		}
	}
	out := b.String()
	for strings.Contains(out, "--") { // "GmbH & Co." must not give "gmbh--co"
		out = strings.ReplaceAll(out, "--", "-")
	}
	return strings.Trim(out, "-")
}

// feminineLast gives the feminine forms of Polish surnames (-ski → -ska);
// other countries' surnames do not change.
func feminineLast(code string, last []string) []string {
	if code != "PL" {
		return last
	}
	out := make([]string, len(last))
	for i, s := range last {
		if strings.HasSuffix(s, "ki") {
			s = strings.TrimSuffix(s, "i") + "a"
		}
		out[i] = s
	}
	return out
}

func allCities() []city {
	out := append([]city(nil), frCities...)
	for _, c := range euCountries {
		out = append(out, c.cities...)
	}
	return out
}
