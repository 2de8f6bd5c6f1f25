// Package cadence decides, for one lead under one policy at one instant, what touch is
// due and when, through which channel, the first-response SLA state, whether the cadence
// stops, and when the lead goes dormant or is reactivated. It has no Kubernetes client
// and never reads the wall clock: the caller passes the time.
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

// Schedule is when touches may happen: business hours on business days in one time
// zone, minus holidays.
type Schedule struct {
	loc      *time.Location
	days     [7]bool // by time.Weekday
	from, to int     // minutes after midnight; to may be 24*60
	holidays map[string]bool
}

var weekdays = map[v1.Weekday]time.Weekday{"Sun": time.Sunday, "Mon": time.Monday, "Tue": time.Tuesday,
	"Wed": time.Wednesday, "Thu": time.Thursday, "Fri": time.Friday, "Sat": time.Saturday}

// NewSchedule builds the schedule for a lead: the lead's time zone when it has one,
// the policy's otherwise.
func NewSchedule(s v1.Schedule, leadTimeZone string) (*Schedule, error) {
	tz := leadTimeZone
	if tz == "" {
		tz = s.TimeZone
	}
	loc, err := loadLocation(tz)
	if err != nil || tz == "" {
		return nil, fmt.Errorf("time zone %q is not an IANA time zone", tz)
	}
	sc := &Schedule{loc: loc, holidays: map[string]bool{}}
	days := s.BusinessHours.Days
	if len(days) == 0 {
		days = []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri"}
	}
	for _, d := range days {
		sc.days[weekdays[d]] = true
	}
	if sc.from, err = minutes(s.BusinessHours.From, 9*60); err != nil {
		return nil, err
	}
	if sc.to, err = minutes(s.BusinessHours.To, 18*60); err != nil {
		return nil, err
	}
	if sc.from >= sc.to {
		return nil, fmt.Errorf("business hours %s-%s are empty", s.BusinessHours.From, s.BusinessHours.To)
	}
	for _, h := range s.Holidays {
		sc.holidays[h] = true
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

// Location is the time zone the schedule works in.
func (s *Schedule) Location() *time.Location { return s.loc }

// open says whether a calendar day (in the schedule's zone) has business hours.
func (s *Schedule) open(y int, m time.Month, d int) bool {
	day := time.Date(y, m, d, 12, 0, 0, 0, s.loc)
	return s.days[day.Weekday()] && !s.holidays[day.Format(time.DateOnly)]
}

// Next is the earliest instant at or after t inside business hours. Wall-clock times
// are built with time.Date in the zone, so a daylight-saving switch moves the window
// with local time rather than by a fixed offset.
func (s *Schedule) Next(t time.Time) time.Time {
	lt := t.In(s.loc)
	y, m, d := lt.Date()
	// A year and a bit of days is enough: at least one weekday is open and holidays are
	// at most 100 dates.
	for i := 0; i < 400; i++ {
		if s.open(y, m, d) {
			start := time.Date(y, m, d, s.from/60, s.from%60, 0, 0, s.loc)
			end := time.Date(y, m, d, s.to/60, s.to%60, 0, 0, s.loc)
			if lt.Before(start) {
				return start
			}
			if lt.Before(end) {
				return t
			}
		}
		y, m, d = time.Date(y, m, d+1, 0, 0, 0, 0, s.loc).Date()
		lt = time.Date(y, m, d, 0, 0, 0, 0, s.loc)
	}
	return t
}
