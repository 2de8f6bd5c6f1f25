package cliparse

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// day is 24 hours: the durations here are spans people plan in (SLA windows, review
// weeks), not calendar days across a DST change.
const day = 24 * time.Hour

// Duration reads a span as people type it: a Go duration ("90m", "3h44m"), a number of
// days ("2d"), or days and the rest ("1d12h"), optionally signed ("-2d"). At most MaxDays.
func Duration(s string) (time.Duration, error) {
	sign, body := time.Duration(1), s
	if rest, ok := strings.CutPrefix(body, "-"); ok {
		sign, body = -1, rest
	} else if rest, ok := strings.CutPrefix(body, "+"); ok {
		body = rest
	}
	var d time.Duration
	if i := strings.IndexByte(body, 'd'); i >= 0 {
		n, err := strconv.Atoi(body[:i])
		if err != nil || n < 0 || n > MaxDays || (i == 0) {
			return 0, fmt.Errorf("%q: want a duration such as 90m, 3h44m, 2d or 1d12h (at most %d days)", s, MaxDays)
		}
		d, body = time.Duration(n)*day, body[i+1:]
		if body == "" {
			return sign * d, nil
		}
	}
	rest, err := time.ParseDuration(body)
	if err != nil || rest < 0 || strings.ContainsAny(body, "+-") {
		return 0, fmt.Errorf("%q: want a duration such as 90m, 3h44m, 2d or 1d12h", s)
	}
	if d+rest > MaxDays*day {
		return 0, fmt.Errorf("%q: at most %d days", s, MaxDays)
	}
	return sign * (d + rest), nil
}

// Human writes a span the way people read it: 45s, 14m, 3h44m, 26h, 2d, 3d4h. Minutes
// are dropped past two days and seconds past a minute, where they are noise.
func Human(d time.Duration) string {
	if d < 0 {
		return "-" + Human(-d)
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute)/time.Minute))
	case d < 2*day:
		d = d.Round(time.Minute)
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	}
	d = d.Round(time.Hour)
	days, h := int(d/day), int(d%day/time.Hour)
	if h == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%dh", days, h)
}
