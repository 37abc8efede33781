// Package i18n translates the staff interface. Messages are written in
// English in the code and templates (the English text is the key); the
// French catalogue maps each to its translation. French is the default.
package i18n

import (
	"fmt"
	"strings"
	"time"
)

// Lang is an interface language.
type Lang string

// Supported languages.
const (
	FR Lang = "fr"
	EN Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{FR, EN}

// Parse returns the language named by s, or French.
func Parse(s string) Lang {
	if strings.HasPrefix(strings.ToLower(s), "en") {
		return EN
	}
	return FR
}

// T translates msg into lang; a message missing from the catalogue is shown
// in English rather than failing.
func T(lang Lang, msg string) string {
	table := english
	if lang == FR {
		table = french
	}
	if t, ok := table[msg]; ok {
		return t
	}
	return msg
}

// Tf translates a format string and applies args.
func Tf(lang Lang, format string, args ...any) string {
	return fmt.Sprintf(T(lang, format), args...)
}

// Has reports whether the French catalogue has msg; tests use it to find
// untranslated strings.
func Has(msg string) bool {
	_, ok := french[msg]
	return ok
}

var frMonths = []string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// Date formats a date for lang: "5 mars 2026" or "5 Mar 2026".
func Date(lang Lang, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(Paris)
	if lang == FR {
		return fmt.Sprintf("%d %s %d", t.Day(), frMonths[t.Month()-1], t.Year())
	}
	return t.Format("2 Jan 2006")
}

// DateTime formats a date and time for lang in Paris time.
func DateTime(lang Lang, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return Date(lang, t) + " " + t.In(Paris).Format("15:04")
}

// Paris is the time zone in which dates are shown to staff.
var Paris = loadParis()

func loadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}

// Msg translates a validation message. Messages that quote the user's input
// read "“input”: problem"; only the problem is translated.
func Msg(lang Lang, msg string) string {
	if t := T(lang, msg); t != msg {
		return t
	}
	if i := strings.LastIndex(msg, "\u201d: "); i >= 0 {
		cut := i + len("\u201d: ")
		return msg[:cut] + T(lang, msg[cut:])
	}
	return msg
}

// Number formats an integer with the language's digit grouping:
// "1 000 000" (narrow no-break spaces) in French, "1,000,000" in English.
func Number(lang Lang, n int) string {
	sep := ","
	if lang == FR {
		sep = "\u202f"
	}
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
