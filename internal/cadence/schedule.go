// Package cadence decides, for one lead under one policy at one instant, the lead's whole
// transition: its phase, the touch that is due and through which channel, the
// first-response SLA, notices to people, task deadlines, dormancy and reactivation. It
// has no Kubernetes client and never reads the wall clock: the caller passes the time.
package cadence

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	// Embedded zone data: a minimal image has no /usr/share/zoneinfo.
	_ "time/tzdata"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Schedule is a weekly window in one time zone, minus holidays: the customer's business
// hours (when touches land) or the team's working hours (what the SLA clock counts). A
// nil *Schedule is always open.
type Schedule struct {
	loc      *time.Location
	days     [7]bool // by time.Weekday
	from, to int     // minutes after midnight; to may be 24*60
	holidays map[string]bool
}

var weekdays = map[v1.Weekday]time.Weekday{"Sun": time.Sunday, "Mon": time.Monday, "Tue": time.Tuesday,
	"Wed": time.Wednesday, "Thu": time.Thursday, "Fri": time.Friday, "Sat": time.Saturday}

// CustomerSchedule is when touches land for a lead: the policy's business hours in the
// lead's own time zone, or the policy's when the lead has none.
func CustomerSchedule(s v1.Schedule, leadTimeZone string) (*Schedule, error) {
	tz := leadTimeZone
	if tz == "" {
		tz = s.TimeZone
	}
	return newSchedule(s.BusinessHours, s.Holidays, tz)
}

// TeamSchedule is when the team works: teamHours (else businessHours) in the policy's
// time zone.
func TeamSchedule(s v1.Schedule) (*Schedule, error) {
	hours := s.BusinessHours
	if s.TeamHours != nil {
		hours = *s.TeamHours
	}
	return newSchedule(hours, s.Holidays, s.TimeZone)
}

func newSchedule(h v1.BusinessHours, holidays []string, tz string) (*Schedule, error) {
	loc, err := loadLocation(tz)
	if err != nil || tz == "" || tz == "Local" {
		return nil, fmt.Errorf("time zone %q is not an IANA time zone", tz)
	}
	sc := &Schedule{loc: loc, holidays: map[string]bool{}}
	days := h.Days
	if len(days) == 0 {
		days = []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri"}
	}
	for _, d := range days {
		sc.days[weekdays[d]] = true
	}
	if sc.from, err = minutes(h.From, 9*60); err != nil {
		return nil, err
	}
	if sc.to, err = minutes(h.To, 18*60); err != nil {
		return nil, err
	}
	if sc.from >= sc.to {
		return nil, fmt.Errorf("business hours %s-%s are empty", h.From, h.To)
	}
	for _, d := range holidays {
		sc.holidays[d] = true
	}
	return sc, nil
}

// locations caches parsed zones: time.LoadLocation parses zone data on every call,
// which was most of the cost of a decision.
var locations sync.Map // string -> *time.Location

func loadLocation(tz string) (*time.Location, error) {
	if l, ok := locations.Load(tz); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(tz)
	if err != nil {
		return nil, err
	}
	locations.Store(tz, l)
	return l, nil
}

func minutes(hhmm string, def int) (int, error) {
	if hhmm == "" {
		return def, nil
	}
	if len(hhmm) != 5 || hhmm[2] != ':' {
		return 0, fmt.Errorf("time of day %q is not HH:MM", hhmm)
	}
	h, err1 := strconv.Atoi(hhmm[:2])
	m, err2 := strconv.Atoi(hhmm[3:])
	if err1 != nil || err2 != nil || h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("time of day %q is not HH:MM", hhmm)
	}
	return h*60 + m, nil
}

// Location is the time zone the schedule works in (UTC for an always-open schedule).
func (s *Schedule) Location() *time.Location {
	if s == nil {
		return time.UTC
	}
	return s.loc
}

// open says whether a calendar day (in the schedule's zone) has hours.
func (s *Schedule) open(y int, m time.Month, d int) bool {
	day := time.Date(y, m, d, 12, 0, 0, 0, s.loc)
	return s.days[day.Weekday()] && !s.holidays[day.Format(time.DateOnly)]
}

// window is the day's open interval. Wall-clock times are built in the zone, so a
// daylight-saving switch moves the window with local time.
func (s *Schedule) window(y int, m time.Month, d int) (start, end time.Time) {
	return s.wall(y, m, d, s.from), s.wall(y, m, d, s.to)
}

// wall is the instant a local wall-clock time begins. A time that does not exist (the
// hour a daylight-saving switch skips) begins when the switch ends it: time.Date would
// resolve it an hour early, on the day before when the switch skips midnight.
func (s *Schedule) wall(y int, m time.Month, d, minute int) time.Time {
	t := time.Date(y, m, d, minute/60, minute%60, 0, 0, s.loc)
	want := time.Date(y, m, d, minute/60, minute%60, 0, 0, time.UTC) // the wall time as a plain value
	for i := 0; i < 16 && wallOf(t, s.loc).Before(want); i++ {
		t = t.Add(15 * time.Minute)
	}
	return t
}

// wallOf is t's local wall-clock time in loc as a plain (UTC-labelled) value.
func wallOf(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	return time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), 0, time.UTC)
}

// nextDay steps to the following calendar day through noon: in zones whose
// daylight-saving switch skips midnight (America/Santiago, America/Havana), midnight
// of that day does not exist and would normalise back into the day before.
func (s *Schedule) nextDay(y int, m time.Month, d int) (int, time.Month, int) {
	return time.Date(y, m, d+1, 12, 0, 0, 0, s.loc).Date()
}

// Next is the earliest instant at or after t inside the schedule.
func (s *Schedule) Next(t time.Time) time.Time {
	if s == nil {
		return t
	}
	y, m, d := t.In(s.loc).Date()
	// A year and a bit of days is enough: at least one weekday is open and holidays are
	// at most 100 dates.
	for i := 0; i < 400; i++ {
		if s.open(y, m, d) {
			start, end := s.window(y, m, d)
			if t.Before(start) {
				return start
			}
			if t.Before(end) {
				return t
			}
		}
		y, m, d = s.nextDay(y, m, d)
	}
	return t
}

// Add is t plus d counted only inside the schedule: Friday 22:00 + 1h on a Mon-Fri
// 09:00-18:00 schedule is Monday 10:00. A nil schedule adds calendar time.
func (s *Schedule) Add(t time.Time, d time.Duration) time.Time {
	if s == nil {
		return t.Add(d)
	}
	cur := s.Next(t)
	for i := 0; i < 5000; i++ {
		y, m, day := cur.In(s.loc).Date()
		_, end := s.window(y, m, day)
		if !end.After(cur) {
			// cur sits in a window that began the day before (a 24:00 end): step on.
			y, m, day = s.nextDay(y, m, day)
			cur = s.Next(time.Date(y, m, day, 0, 0, 0, 0, s.loc))
			continue
		}
		if left := end.Sub(cur); d <= left {
			return cur.Add(d)
		} else {
			d -= left
		}
		cur = s.Next(end)
	}
	return cur.Add(d)
}
