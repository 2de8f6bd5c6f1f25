package cadence

import (
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestNightLeadsDoNotBreachByConstruction: a high-tier lead submitted on Friday at 22:00
// (Berlin) with a 1h deadline. On the default business-hours clock the deadline is
// Monday 10:00 and the first touch on Monday at 09:00 meets it; on the calendar clock it
// is breached; a first step that may send at any hour meets even the calendar clock.
func TestNightLeadsDoNotBreachByConstruction(t *testing.T) {
	submitted := "2026-11-20T21:00:00Z" // Friday 22:00 in Berlin
	cases := []struct {
		name     string
		clock    v1.SLAClock
		window   v1.SendWindow
		deadline string
		first    string
		summary  string
	}{
		{"business-hours clock", v1.ClockBusinessHours, "", "2026-11-23T09:00:00Z", "Mon 11-23 08:00", "Met (2d11h)"},
		{"calendar clock", v1.ClockCalendar, "", "2026-11-20T22:00:00Z", "Mon 11-23 08:00", "Breached (+2d10h)"},
		{"calendar clock, instant acknowledgement", v1.ClockCalendar, v1.SendAnytime, "2026-11-20T22:00:00Z", "Fri 11-20 21:00", "Met (0s)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := industrial()
			p.FirstResponse[0].Clock = tc.clock
			p.Steps[0].SendWindow = tc.window
			l := lead("Europe/Berlin", "high", submitted)
			events := run(t, p, l, 1, callsAnswerTasks)
			if got := l.Status.FirstResponse.Deadline.UTC().Format(time.RFC3339); got != tc.deadline {
				t.Errorf("deadline %s, want %s", got, tc.deadline)
			}
			var first string
			for _, e := range events {
				if e.Touch != nil {
					first = e.At.UTC().Format("Mon 01-02 15:04")
					break
				}
			}
			if first != tc.first || l.Status.FirstResponse.Summary != tc.summary {
				t.Errorf("first touch %s, SLA %q; want %s, %q", first, l.Status.FirstResponse.Summary, tc.first, tc.summary)
			}
			if l.Status.FirstResponse.Clock != p.FirstResponse[0].Clock && tc.clock != "" {
				t.Errorf("clock %q recorded, want %q", l.Status.FirstResponse.Clock, tc.clock)
			}
		})
	}
}

// TestBusinessHoursDeadlines checks deadlines counted in the team's hours across
// evenings, weekends, holidays, team hours other than the touch window, and both
// daylight-saving switches.
func TestBusinessHoursDeadlines(t *testing.T) {
	cases := []struct {
		name      string
		tz        string
		teamHours *v1.BusinessHours
		holidays  []string
		submitted string
		within    string
		want      string
	}{
		{"inside hours", "Europe/Berlin", nil, nil, "2026-11-16T09:00:00Z", "1h", "2026-11-16T10:00:00Z"},
		{"crosses the evening", "Europe/Berlin", nil, nil, "2026-11-16T16:30:00Z", "1h", "2026-11-17T08:30:00Z"},
		{"Friday night to Monday", "Europe/Berlin", nil, nil, "2026-11-20T21:00:00Z", "1h", "2026-11-23T09:00:00Z"},
		{"24h is almost three working days", "Europe/Berlin", nil, nil, "2026-11-16T08:00:00Z", "24h", "2026-11-18T14:00:00Z"},
		{"Christmas and the weekend are skipped", "Europe/Berlin", nil, []string{"2026-12-24", "2026-12-25"}, "2026-12-23T16:30:00Z", "1h", "2026-12-28T08:30:00Z"},
		{"team works Saturdays", "Europe/Berlin", &v1.BusinessHours{Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}, From: "08:00", To: "20:00"}, nil,
			"2026-11-20T21:00:00Z", "1h", "2026-11-21T08:00:00Z"},
		{"spring forward: Friday 17:30 CET + 1h is Monday 09:30 CEST", "Europe/Berlin", nil, nil, "2027-03-26T16:30:00Z", "1h", "2027-03-29T07:30:00Z"},
		{"fall back: Friday 17:30 EDT + 1h is Monday 09:30 EST", "America/New_York", nil, nil, "2026-10-30T21:30:00Z", "1h", "2026-11-02T14:30:00Z"},
		{"Santiago, the switch that skips midnight", "America/Santiago", nil, nil, "2026-09-04T21:30:00Z", "1h", "2026-09-07T12:30:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			team, err := TeamSchedule(v1.Schedule{TimeZone: tc.tz, TeamHours: tc.teamHours, Holidays: tc.holidays})
			if err != nil {
				t.Fatal(err)
			}
			got, clock := deadline(v1.FirstResponseTarget{Within: *dur(tc.within)}, at(tc.submitted), team)
			if got.UTC().Format(time.RFC3339) != tc.want || clock != v1.ClockBusinessHours {
				t.Errorf("deadline %s (%s), want %s", got.UTC().Format(time.RFC3339), clock, tc.want)
			}
		})
	}
}

// TestZonesWhoseSwitchSkipsMidnight: in America/Santiago and America/Havana the
// daylight-saving switch turns 00:00 into 01:00, so the day's midnight does not exist.
// The business-hours search must still move on and land inside the window.
func TestZonesWhoseSwitchSkipsMidnight(t *testing.T) {
	cases := []struct {
		tz, from, want string
	}{
		// Saturday 5 September 2026, 20:00 in Santiago; Sunday is the switch day.
		{"America/Santiago", "2026-09-06T00:00:00Z", "2026-09-07T12:00:00Z"},
		// Saturday 7 March 2026 evening in Havana; Sunday 8 March starts at 01:00 CDT.
		{"America/Havana", "2026-03-08T02:00:00Z", "2026-03-09T13:00:00Z"},
	}
	for _, tc := range cases {
		for _, days := range [][]v1.Weekday{{"Mon", "Tue", "Wed", "Thu", "Fri"}, {"Sun", "Mon"}} {
			s, err := CustomerSchedule(v1.Schedule{TimeZone: tc.tz, BusinessHours: v1.BusinessHours{Days: days, From: "09:00", To: "18:00"}}, "")
			if err != nil {
				t.Fatal(err)
			}
			got := s.Next(at(tc.from))
			lt := got.In(s.Location())
			if lt.Hour() < 9 || lt.Hour() >= 18 || !s.days[lt.Weekday()] {
				t.Errorf("%s %v: next %s (%s local) is outside business hours", tc.tz, days, got.UTC(), lt)
			}
			if len(days) == 5 && got.UTC().Format(time.RFC3339) != tc.want {
				t.Errorf("%s: next %s, want %s", tc.tz, got.UTC().Format(time.RFC3339), tc.want)
			}
		}
		// A window from midnight on the switch day itself.
		s, _ := CustomerSchedule(v1.Schedule{TimeZone: tc.tz, BusinessHours: v1.BusinessHours{Days: []v1.Weekday{"Sun"}, From: "00:00", To: "06:00"}}, "")
		got := s.Next(at(tc.from))
		if lt := got.In(s.Location()); lt.Weekday() != time.Sunday || lt.Hour() >= 6 {
			t.Errorf("%s: midnight window: next %s local", tc.tz, lt)
		}
	}
}

// TestWholeCadenceInSantiago runs a cadence across the September switch: every touch
// lands in business hours there.
func TestWholeCadenceInSantiago(t *testing.T) {
	p := industrial()
	p.Schedule.Holidays = nil
	l := lead("America/Santiago", "standard", "2026-09-04T22:00:00Z") // Friday 18:00 there
	events := run(t, p, l, 10, callsAnswerTasks)
	loc, _ := time.LoadLocation("America/Santiago")
	n := 0
	for _, e := range events {
		if e.Touch == nil {
			continue
		}
		n++
		lt := e.At.In(loc)
		if wd := lt.Weekday(); wd == time.Saturday || wd == time.Sunday || lt.Hour() < 9 || lt.Hour() >= 18 {
			t.Errorf("touch %s at %s is outside business hours", e.Touch.Step, lt)
		}
	}
	if n != 4 {
		t.Errorf("%d touches, want 4: %s", n, touchLog(events))
	}
}
