package consent

import (
	"slices"
	"time"
)

// Easter returns the date of Easter Sunday of a Gregorian year (from 1583),
// by the anonymous Gregorian computus (Meeus/Jones/Butcher). The moveable
// French public holidays follow from it.
func Easter(year int) (time.Month, int) {
	a := year % 19 // position in the 19-year Metonic cycle
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30 // epact-related: days to the paschal full moon
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7 // days from the full moon to Sunday
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return time.Month(n / 31), n%31 + 1
}

// fixedHolidays are the French public holidays on fixed dates (Code du
// travail L.3133-1), as month and day.
var fixedHolidays = [][2]int{
	{1, 1},   // Jour de l'an
	{5, 1},   // Fête du travail
	{5, 8},   // Victoire 1945
	{7, 14},  // Fête nationale
	{8, 15},  // Assomption
	{11, 1},  // Toussaint
	{11, 11}, // Armistice
	{12, 25}, // Noël
}

// easterOffsets are the moveable public holidays, in days after Easter
// Sunday (L.3133-1): Easter Monday, Ascension Thursday, Whit Monday.
var easterOffsets = []int{1, 39, 50}

// PublicHolidays returns the 11 French public holidays of a year (Code du
// travail L.3133-1, the list D.223-9 refers to), sorted, as dates at
// midnight UTC. Alsace-Moselle's extra days (Good Friday, 26 December) and
// the overseas departments' are not included.
func PublicHolidays(year int) []time.Time {
	var days []time.Time
	for _, md := range fixedHolidays {
		days = append(days, time.Date(year, time.Month(md[0]), md[1], 0, 0, 0, 0, time.UTC))
	}
	em, ed := Easter(year)
	for _, off := range easterOffsets {
		days = append(days, time.Date(year, em, ed+off, 0, 0, 0, 0, time.UTC))
	}
	slices.SortFunc(days, time.Time.Compare)
	return days
}

// IsPublicHoliday reports whether t's date, in t's own location, is a
// French public holiday. Convert t to the consumer's time zone first.
func IsPublicHoliday(t time.Time) bool {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for _, h := range PublicHolidays(y) {
		if h.Equal(day) {
			return true
		}
	}
	return false
}
