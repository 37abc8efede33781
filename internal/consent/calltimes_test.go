package consent

import (
	"slices"
	"testing"
	"time"

	"github.com/registre/registre/internal/crm"
)

// pt is an instant in Paris wall-clock time.
func pt(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, paris)
}

// caller is a consumer who consented to phone prospecting, so only timing
// can deny a call in either regime.
func caller(opts ...func(*Subject)) Subject {
	return ruleSubject(crm.B2C, append([]func(*Subject){withConsent(PhoneProspecting, Granted)}, opts...)...)
}

// callCase is a phone prospecting question and the expected answer.
type callCase struct {
	name      string
	s         Subject
	at        time.Time
	cfg       Settings
	want      []Reason // nil: allowed
	notBefore time.Time
}

func runCallCases(t *testing.T, cases []callCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Decide(c.s, phoneMkt, Phone, c.at, c.cfg)
			if c.want == nil {
				if !d.Allowed || !d.NotBefore.IsZero() {
					t.Fatalf("Decide(%v) = %+v, want allowed", c.at, d)
				}
				return
			}
			if d.Allowed || !slices.Equal(d.Reasons, c.want) {
				t.Fatalf("Decide(%v) = %v, want denied %v", c.at, d.Reasons, c.want)
			}
			if !d.NotBefore.Equal(c.notBefore) {
				t.Fatalf("NotBefore = %v, want %v", d.NotBefore, c.notBefore)
			}
		})
	}
}

// TestRule_6d_CallHours: Monday–Friday, 10:00–13:00 and 14:00–20:00 Paris
// time, half-open windows.
func TestRule_6d_CallHours(t *testing.T) {
	out := []Reason{ReasonOutsideCallHours}
	runCallCases(t, []callCase{
		{name: "tuesday 11:00", s: caller(), at: pt(2026, 6, 16, 11, 0)},
		{name: "tuesday 10:00 opens", s: caller(), at: pt(2026, 6, 16, 10, 0)},
		{name: "tuesday 09:59", s: caller(), at: pt(2026, 6, 16, 9, 59), want: out, notBefore: pt(2026, 6, 16, 10, 0)},
		{name: "tuesday 12:59:59", s: caller(), at: pt(2026, 6, 16, 12, 59).Add(59 * time.Second)},
		{name: "tuesday 13:00 closes", s: caller(), at: pt(2026, 6, 16, 13, 0), want: out, notBefore: pt(2026, 6, 16, 14, 0)},
		{name: "weekday 13:30", s: caller(), at: pt(2026, 6, 16, 13, 30), want: out, notBefore: pt(2026, 6, 16, 14, 0)},
		{name: "tuesday 19:59", s: caller(), at: pt(2026, 6, 16, 19, 59)},
		{name: "tuesday 20:00 closes", s: caller(), at: pt(2026, 6, 16, 20, 0), want: out, notBefore: pt(2026, 6, 17, 10, 0)},
		{name: "tuesday 02:00", s: caller(), at: pt(2026, 6, 16, 2, 0), want: out, notBefore: pt(2026, 6, 16, 10, 0)},
		{name: "saturday 11:00", s: caller(), at: pt(2026, 6, 13, 11, 0), want: out, notBefore: pt(2026, 6, 15, 10, 0)},
		{name: "sunday 15:00", s: caller(), at: pt(2026, 6, 14, 15, 0), want: out, notBefore: pt(2026, 6, 15, 10, 0)},
		{name: "friday 20:30", s: caller(), at: pt(2026, 6, 19, 20, 30), want: out, notBefore: pt(2026, 6, 22, 10, 0)},
		{name: "customer too", s: ruleSubject(crm.B2C, asCustomer), at: pt(2026, 6, 13, 11, 0), want: out, notBefore: pt(2026, 6, 15, 10, 0)},
		{name: "consent regime too", s: caller(), at: pt(2026, 9, 19, 11, 0), want: out, notBefore: pt(2026, 9, 21, 10, 0)},
		{name: "UTC input", s: caller(), at: time.Date(2026, 6, 16, 11, 30, 0, 0, time.UTC), want: out, notBefore: pt(2026, 6, 16, 14, 0)},
	})
}

// TestRule_6d_PublicHolidays: no calls on French public holidays, fixed or
// moveable.
func TestRule_6d_PublicHolidays(t *testing.T) {
	hol := []Reason{ReasonPublicHoliday}
	both := []Reason{ReasonOutsideCallHours, ReasonPublicHoliday}
	runCallCases(t, []callCase{
		{name: "whit monday 2026", s: caller(), at: pt(2026, 5, 25, 11, 0), want: hol, notBefore: pt(2026, 5, 26, 10, 0)},
		{name: "easter monday 2027", s: caller(), at: pt(2027, 3, 29, 11, 0), want: hol, notBefore: pt(2027, 3, 30, 10, 0)},
		{name: "easter monday 2026", s: caller(), at: pt(2026, 4, 6, 15, 0), want: hol, notBefore: pt(2026, 4, 7, 10, 0)},
		{name: "ascension 2026 before hours", s: caller(), at: pt(2026, 5, 14, 9, 0), want: both, notBefore: pt(2026, 5, 15, 10, 0)},
		{name: "thursday night before friday 8 may", s: caller(), at: pt(2026, 5, 7, 21, 0), want: []Reason{ReasonOutsideCallHours}, notBefore: pt(2026, 5, 11, 10, 0)},
		{name: "14 july evening", s: caller(), at: pt(2026, 7, 14, 21, 0), want: both, notBefore: pt(2026, 7, 15, 10, 0)},
		{name: "15 august on a saturday", s: caller(), at: pt(2026, 8, 15, 11, 0), want: both, notBefore: pt(2026, 8, 17, 10, 0)},
		{name: "christmas friday", s: caller(), at: pt(2026, 12, 25, 11, 0), want: hol, notBefore: pt(2026, 12, 28, 10, 0)},
		{name: "new year thursday", s: caller(), at: pt(2026, 1, 1, 11, 0), want: hol, notBefore: pt(2026, 1, 2, 10, 0)},
		{name: "11 november wednesday", s: caller(), at: pt(2026, 11, 11, 11, 0), want: hol, notBefore: pt(2026, 11, 12, 10, 0)},
		{name: "day after whit monday", s: caller(), at: pt(2026, 5, 26, 11, 0)},
	})
}

// TestRule_6d_DaylightSaving: windows follow Paris wall-clock time across
// the changes (29 March and 25 October 2026).
func TestRule_6d_DaylightSaving(t *testing.T) {
	out := []Reason{ReasonOutsideCallHours}
	utc := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, time.UTC) }
	runCallCases(t, []callCase{
		{name: "saturday before spring change", s: caller(), at: pt(2026, 3, 28, 11, 0), want: out, notBefore: utc(3, 30, 8, 0)},
		{name: "spring change night", s: caller(), at: pt(2026, 3, 29, 2, 30), want: out, notBefore: pt(2026, 3, 30, 10, 0)},
		{name: "08:30 UTC is 09:30 in winter", s: caller(), at: utc(3, 23, 8, 30), want: out, notBefore: utc(3, 23, 9, 0)},
		{name: "08:30 UTC is 10:30 in summer", s: caller(), at: utc(3, 30, 8, 30)},
		{name: "friday evening before autumn change", s: caller(), at: pt(2026, 10, 23, 20, 30), want: out, notBefore: utc(10, 26, 9, 0)},
		{name: "08:30 UTC is 10:30 before autumn", s: caller(), at: utc(10, 19, 8, 30)},
		{name: "08:30 UTC is 09:30 after autumn", s: caller(), at: utc(10, 26, 8, 30), want: out, notBefore: utc(10, 26, 9, 0)},
		{name: "18:30 UTC is 19:30 after autumn", s: caller(), at: utc(10, 26, 18, 30)},
		{name: "18:30 UTC is 20:30 before autumn", s: caller(), at: utc(10, 19, 18, 30), want: out, notBefore: utc(10, 20, 8, 0)},
	})
}

// TestRule_6d_TimeZone: hours are the consumer's (D.223-9), the workspace's
// by default and the subject's when known.
func TestRule_6d_TimeZone(t *testing.T) {
	guadeloupe, err := time.LoadLocation("America/Guadeloupe")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 6, 16, 13, 30, 0, 0, time.UTC) // 15:30 Paris, 09:30 Guadeloupe
	runCallCases(t, []callCase{
		{name: "paris", s: caller(), at: at},
		{name: "subject in guadeloupe", s: caller(func(s *Subject) { s.Location = guadeloupe }), at: at,
			want: []Reason{ReasonOutsideCallHours}, notBefore: time.Date(2026, 6, 16, 14, 0, 0, 0, time.UTC)},
		{name: "workspace in guadeloupe", s: caller(), at: at, cfg: Settings{Location: guadeloupe},
			want: []Reason{ReasonOutsideCallHours}, notBefore: time.Date(2026, 6, 16, 14, 0, 0, 0, time.UTC)},
	})
}

// TestRule_6e_CallLimit: at most MaxCallsPer30Days calls; NotBefore is a
// conservative "one day later" hint, then the next window.
func TestRule_6e_CallLimit(t *testing.T) {
	calls := func(n int) func(*Subject) { return func(s *Subject) { s.CallsLast30Days = n } }
	lim := []Reason{ReasonCallLimitReached}
	runCallCases(t, []callCase{
		{name: "3 calls", s: caller(calls(3)), at: pt(2026, 6, 16, 11, 0)},
		{name: "4 calls", s: caller(calls(4)), at: pt(2026, 6, 16, 11, 0), want: lim, notBefore: pt(2026, 6, 17, 11, 0)},
		{name: "4 calls on a friday", s: caller(calls(4)), at: pt(2026, 6, 19, 11, 0), want: lim, notBefore: pt(2026, 6, 22, 10, 0)},
		{name: "4 calls at 19:30", s: caller(calls(4)), at: pt(2026, 6, 16, 19, 30), want: lim, notBefore: pt(2026, 6, 17, 19, 30)},
		{name: "4 calls, saturday", s: caller(calls(4)), at: pt(2026, 6, 13, 11, 0), want: []Reason{ReasonCallLimitReached, ReasonOutsideCallHours}, notBefore: pt(2026, 6, 15, 10, 0)},
		{name: "setting 2, 2 calls", s: caller(calls(2)), at: pt(2026, 6, 16, 11, 0), cfg: Settings{MaxCallsPer30Days: 2}, want: lim, notBefore: pt(2026, 6, 17, 11, 0)},
		{name: "setting 6, 5 calls", s: caller(calls(5)), at: pt(2026, 6, 16, 11, 0), cfg: Settings{MaxCallsPer30Days: 6}},
	})
}

// TestRule_6e_CallLimitWithCallTimes: with the calls' times known, the
// engine counts those of the 30 days before the call asked about, and the
// call becomes possible when enough of them have left that window.
func TestRule_6e_CallLimitWithCallTimes(t *testing.T) {
	times := func(ts ...time.Time) func(*Subject) {
		return func(s *Subject) { s.CallTimes, s.CallsLast30Days = append([]time.Time{}, ts...), 99 } // the count is ignored
	}
	lim := []Reason{ReasonCallLimitReached}
	may1, may20, jun1, jun10 := pt(2026, 5, 1, 11, 0), pt(2026, 5, 20, 15, 0), pt(2026, 6, 1, 11, 0), pt(2026, 6, 10, 11, 0)
	runCallCases(t, []callCase{
		{name: "no call", s: caller(times()), at: pt(2026, 6, 16, 11, 0)},
		{name: "3 in the window, 1 older", s: caller(times(may1, may20, jun1, jun10)), at: pt(2026, 6, 16, 11, 0)},
		// Four calls since 20 May: the one of 20 May 15:00 leaves the
		// window on 19 June at 15:00 (30 × 24 h later).
		{name: "4 in the window", s: caller(times(may20, jun1, jun10, pt(2026, 6, 12, 11, 0))), at: pt(2026, 6, 16, 11, 0),
			want: lim, notBefore: pt(2026, 6, 19, 15, 0)},
		// Five calls: two must leave; the second oldest (1 June 11:00)
		// leaves on 1 July 11:00.
		{name: "5 in the window", s: caller(times(jun10, may20, pt(2026, 6, 12, 11, 0), jun1, pt(2026, 6, 15, 11, 0))), at: pt(2026, 6, 16, 11, 0),
			want: lim, notBefore: pt(2026, 7, 1, 11, 0)},
		// Freed at 19:30 on a Friday evening: the next window is Monday.
		{name: "freed out of hours", s: caller(times(pt(2026, 5, 29, 19, 30), jun1, jun10, pt(2026, 6, 12, 11, 0))), at: pt(2026, 6, 16, 11, 0),
			want: lim, notBefore: pt(2026, 6, 29, 10, 0)},
		{name: "a call after the time asked is not counted", s: caller(times(may20, jun1, jun10, pt(2026, 6, 20, 11, 0))), at: pt(2026, 6, 16, 11, 0)},
	})
}

// TestRule_6f_RecentRefusal: after a refusal during a call, 60 full
// calendar days without calls, counted from the day after the refusal.
func TestRule_6f_RecentRefusal(t *testing.T) {
	refused := func(at time.Time) func(*Subject) { return func(s *Subject) { s.LastCallRefusal = at } }
	friday := pt(2026, 6, 5, 11, 0)
	rec := []Reason{ReasonRecentRefusal}
	resume := pt(2026, 8, 5, 10, 0) // day D+61 (Wednesday) at opening time
	runCallCases(t, []callCase{
		{name: "next day", s: caller(refused(friday)), at: pt(2026, 6, 8, 11, 0), want: rec, notBefore: resume},
		{name: "59 days ago", s: caller(refused(friday)), at: friday.AddDate(0, 0, 59), want: rec, notBefore: resume},
		{name: "60 days ago, the last day of the period", s: caller(refused(friday)), at: friday.AddDate(0, 0, 60), want: rec, notBefore: resume},
		{name: "61 days ago", s: caller(refused(friday)), at: friday.AddDate(0, 0, 61)},
		{name: "period over at midnight", s: caller(refused(friday)), at: resume},
		{name: "refusal late at night UTC is the next Paris day", s: caller(refused(time.Date(2026, 6, 5, 23, 30, 0, 0, time.UTC))),
			at: pt(2026, 8, 5, 11, 0), want: rec, notBefore: pt(2026, 8, 6, 10, 0)},
		{name: "setting 10 days", s: caller(refused(friday)), at: pt(2026, 6, 15, 11, 0), cfg: Settings{RefusalQuietDays: 10}, want: rec, notBefore: pt(2026, 6, 16, 10, 0)},
		{name: "quiet period ends on a saturday", s: caller(refused(pt(2026, 6, 2, 11, 0))), cfg: Settings{RefusalQuietDays: 10}, at: pt(2026, 6, 12, 11, 0), want: rec, notBefore: pt(2026, 6, 15, 10, 0)},
	})
}

func limitAndRefusal(s *Subject) {
	s.CallsLast30Days = 4
	s.LastCallRefusal = pt(2026, 4, 10, 11, 0)
}

// TestRule_6g_NotBefore: NotBefore satisfies every timing rule at once, and
// is set only when waiting alone makes the call lawful.
func TestRule_6g_NotBefore(t *testing.T) {
	runCallCases(t, []callCase{
		// The refusal period ends on 10 June at 00:00; the limit hint is
		// at+24h; NotBefore is the first window after the later of both.
		{name: "refusal binds over limit and hours", s: caller(limitAndRefusal), at: pt(2026, 6, 8, 21, 0),
			want: []Reason{ReasonCallLimitReached, ReasonOutsideCallHours, ReasonRecentRefusal}, notBefore: pt(2026, 6, 10, 10, 0)},
		{name: "limit binds over refusal and hours", s: caller(limitAndRefusal), at: pt(2026, 6, 9, 21, 0),
			want: []Reason{ReasonCallLimitReached, ReasonOutsideCallHours, ReasonRecentRefusal}, notBefore: pt(2026, 6, 11, 10, 0)},
		{name: "not with a non-timing reason", s: ruleSubject(crm.B2C, withFlags(Bloctel)), at: pt(2026, 6, 13, 11, 0),
			want: []Reason{ReasonBloctel, ReasonOutsideCallHours}},
		{name: "not across the consent date without consent", s: ruleSubject(crm.B2C), at: pt(2026, 8, 10, 20, 30),
			want: []Reason{ReasonOutsideCallHours}},
		{name: "across the consent date for a customer", s: ruleSubject(crm.B2C, asCustomer), at: pt(2026, 8, 10, 20, 30),
			want: []Reason{ReasonOutsideCallHours}, notBefore: pt(2026, 8, 11, 10, 0)},
		{name: "across the consent date with consent", s: caller(), at: pt(2026, 8, 7, 20, 30),
			want: []Reason{ReasonOutsideCallHours}, notBefore: pt(2026, 8, 10, 10, 0)},
	})
}

// TestEaster checks the computus against known dates, including the
// earliest (22 March) and latest (25 April) possible.
func TestEaster(t *testing.T) {
	known := map[int]string{
		1818: "03-22", 2285: "03-22", 1943: "04-25", 2038: "04-25", 2000: "04-23", 2008: "03-23",
		2011: "04-24", 2019: "04-21", 2024: "03-31", 2025: "04-20", 2026: "04-05", 2027: "03-28", 2028: "04-16",
	}
	for y, want := range known {
		m, d := Easter(y)
		if got := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format("01-02"); got != want {
			t.Errorf("Easter(%d) = %s, want %s", y, got, want)
		}
	}
	for y := 1583; y <= 4099; y++ {
		m, d := Easter(y)
		e := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		if e.Weekday() != time.Sunday || e.Before(time.Date(y, 3, 22, 0, 0, 0, 0, time.UTC)) || e.After(time.Date(y, 4, 25, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("Easter(%d) = %v: not a Sunday between 22 March and 25 April", y, e)
		}
	}
}

// TestPublicHolidays lists 2026 and 2027 in full.
func TestPublicHolidays(t *testing.T) {
	want := map[int][]string{
		2026: {"01-01", "04-06", "05-01", "05-08", "05-14", "05-25", "07-14", "08-15", "11-01", "11-11", "12-25"},
		2027: {"01-01", "03-29", "05-01", "05-06", "05-08", "05-17", "07-14", "08-15", "11-01", "11-11", "12-25"},
	}
	for y, days := range want {
		var got []string
		for _, h := range PublicHolidays(y) {
			got = append(got, h.Format("01-02"))
		}
		if !slices.Equal(got, days) {
			t.Errorf("PublicHolidays(%d) = %v, want %v", y, got, days)
		}
	}
	if !IsPublicHoliday(pt(2026, 5, 25, 23, 59)) || IsPublicHoliday(pt(2026, 5, 26, 0, 0)) {
		t.Error("IsPublicHoliday must use the date in the instant's own location")
	}
	if IsPublicHoliday(time.Date(2026, 5, 24, 22, 30, 0, 0, time.UTC)) != false {
		t.Error("22:30 UTC on 24 May is 24 May in UTC")
	}
}

// TestNextCallTime compares NextCallTime with a brute-force answer for
// every minute of ten-day spans that include public holidays and both
// daylight-saving changes: sweeping backwards, the next call minute is the
// current one if it is a call time, else the one found after it.
func TestNextCallTime(t *testing.T) {
	for _, start := range []time.Time{pt(2026, 3, 25, 0, 0), pt(2026, 5, 5, 0, 0), pt(2026, 10, 22, 0, 0), pt(2026, 12, 22, 0, 0)} {
		end := start.AddDate(0, 0, 10)
		next := NextCallTime(end, paris)
		for at := end.Add(-time.Minute); !at.Before(start); at = at.Add(-time.Minute) {
			if IsCallTime(at, paris) {
				next = at
			}
			if got := NextCallTime(at, paris); !got.Equal(next) {
				t.Fatalf("NextCallTime(%v) = %v, want %v", at, got, next)
			}
			// Mid-minute: windows open on whole minutes, so a call time
			// answers itself and any other instant gets the same next minute.
			mid, want := at.Add(30*time.Second), next
			if IsCallTime(mid, paris) {
				want = mid
			}
			if got := NextCallTime(mid, paris); !got.Equal(want) {
				t.Fatalf("NextCallTime(%v) = %v, want %v", mid, got, want)
			}
		}
	}
}
