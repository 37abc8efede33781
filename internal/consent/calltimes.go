package consent

import (
	"slices"
	"time"
	_ "time/tzdata" // call hours are Paris hours even on hosts without zoneinfo
)

// paris is the default consumers' time zone.
var paris = mustLoadLocation("Europe/Paris")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("consent: time zone " + name + ": " + err.Error()) // unreachable: time/tzdata is embedded
	}
	return loc
}

// callWindow is a half-open span of wall-clock time [from, to) in which
// consumers may be called. Half-open because "10:00–13:00" ends at 13:00:
// a call starting at 13:00:00 is already outside.
type callWindow struct{ from, to time.Duration }

// callWindows are the hours of Code de la consommation D.223-9.
var callWindows = []callWindow{
	{10 * time.Hour, 13 * time.Hour},
	{14 * time.Hour, 20 * time.Hour},
}

// isCallDay reports whether consumers may be called on t's date (in t's
// location): Monday to Friday, not a public holiday (D.223-9).
func isCallDay(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !IsPublicHoliday(t)
}

// inCallHours reports whether t's wall clock (in t's location) falls in a
// call window, whatever the day.
func inCallHours(t time.Time) bool {
	h, m, s := t.Clock()
	clock := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
	for _, w := range callWindows {
		if clock >= w.from && clock < w.to {
			return true
		}
	}
	return false
}

// IsCallTime reports whether a consumer in loc may receive a prospecting
// call at t: a weekday that is not a French public holiday, 10:00–13:00 or
// 14:00–20:00 local time (D.223-9).
func IsCallTime(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	return isCallDay(lt) && inCallHours(lt)
}

// NextCallTime returns the earliest instant at or after t that is a call
// time in loc, expressed in loc. Window bounds are built from the local
// date, so daylight-saving changes (at 02:00–03:00, outside every window)
// shift them correctly.
func NextCallTime(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	y, m, d := lt.Date()
	// France never has more than a few non-call days in a row; a year is a
	// generous bound that keeps the loop finite whatever the input.
	for i := range 366 {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, loc)
		if !isCallDay(day) {
			continue
		}
		for _, w := range callWindows {
			start := atClock(day, w.from)
			if !lt.Before(atClock(day, w.to)) {
				continue // this window is over
			}
			if lt.Before(start) {
				return start
			}
			return lt
		}
	}
	return time.Time{}
}

// atClock returns the instant on day's date, in day's location, at the
// given wall-clock time. time.Date works on the wall clock, so 10:00 is
// 10:00 local on daylight-saving change days too.
func atClock(day time.Time, clock time.Duration) time.Time {
	y, m, d := day.Date()
	h, min := int(clock/time.Hour), int(clock%time.Hour/time.Minute)
	return time.Date(y, m, d, h, min, 0, 0, day.Location())
}

// callTiming is rules 6d–6g for a consumer: the timing reasons that deny a
// call at `at`, and the earliest instant satisfying all of them.
func callTiming(s Subject, at time.Time, cfg Settings) ([]Reason, time.Time) {
	loc := cfg.Location
	if s.Location != nil {
		loc = s.Location
	}
	lt := at.In(loc)
	var rs []Reason
	if IsPublicHoliday(lt) {
		rs = append(rs, ReasonPublicHoliday)
	}
	if wd := lt.Weekday(); wd == time.Saturday || wd == time.Sunday || !inCallHours(lt) {
		rs = append(rs, ReasonOutsideCallHours)
	}
	earliest := at
	if s.CallTimes != nil {
		if free, limited := callLimitEnd(s.CallTimes, at, cfg.MaxCallsPer30Days); limited {
			rs = append(rs, ReasonCallLimitReached)
			earliest = free
		}
	} else if s.CallsLast30Days >= cfg.MaxCallsPer30Days {
		// Only the count is known, not when each call was made, so the
		// day the oldest one leaves the 30-day window cannot be computed.
		// One day later is a conservative hint: re-ask then.
		rs = append(rs, ReasonCallLimitReached)
		earliest = at.Add(24 * time.Hour)
	}
	if end := refusalQuietEnd(s.LastCallRefusal, cfg.RefusalQuietDays, loc); at.Before(end) {
		rs = append(rs, ReasonRecentRefusal)
		earliest = later(earliest, end)
	}
	if len(rs) == 0 {
		return nil, time.Time{}
	}
	return rs, NextCallTime(earliest, loc)
}

// refusalQuietEnd returns when calls may resume after a refusal during a
// call: D.223-9 forbids them until "soixante jours calendaires révolus"
// have passed. Counted the French way (the day of the refusal is not
// counted, the period ends at midnight of its last day), so a refusal on
// day D allows calls from day D+days+1 at 00:00 local time. Zero refusal:
// no quiet period.
func refusalQuietEnd(refusal time.Time, days int, loc *time.Location) time.Time {
	if refusal.IsZero() {
		return time.Time{}
	}
	y, m, d := refusal.In(loc).Date()
	return time.Date(y, m, d+days+1, 0, 0, 0, 0, loc)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// callPeriod is the period over which calls are counted: a rolling 30 days
// ending at the call asked about (a call at c counts until c+30 days).
const callPeriod = 30 * 24 * time.Hour

// callLimitEnd counts the calls in the window ending at at; when they reach
// max, it returns the instant enough of them have left the window for one
// more call: the (n-max+1)-th oldest call's time plus 30 days.
func callLimitEnd(calls []time.Time, at time.Time, max int) (time.Time, bool) {
	var in []time.Time
	for _, c := range calls {
		if c.After(at.Add(-callPeriod)) && !c.After(at) {
			in = append(in, c)
		}
	}
	if len(in) < max {
		return time.Time{}, false
	}
	slices.SortFunc(in, func(a, b time.Time) int { return a.Compare(b) })
	return in[len(in)-max].Add(callPeriod), true
}
