// Package cliparse reads the values people type on the `kubectl followup` command line:
// times, day counts, reply media and share lists. It is pure so its parsers can be fuzzed
// without a cluster; the plugin turns its errors into usage errors.
package cliparse

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// MaxDays bounds a day count (ten years), and keeps it from overflowing a Duration.
const MaxDays = 3650

// futureSlack lets a clock a little ahead of the cluster's still record "now".
const futureSlack = time.Minute

// Time reads RFC 3339 or a span relative to now ("-2h", "-1d"), in UTC to the second.
// Empty is now; the future is refused, since a record says what already happened.
func Time(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return now.UTC().Truncate(time.Second), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		d, derr := Duration(s)
		if derr != nil {
			return t, fmt.Errorf("%q: want a time such as 2026-11-20T14:30:00+01:00 or a relative time such as -2h or -1d", s)
		}
		t = now.Add(d)
	}
	if t.After(now.Add(futureSlack)) {
		return t, fmt.Errorf("%s is in the future", t.UTC().Format(time.RFC3339))
	}
	return t.UTC().Truncate(time.Second), nil
}

// Days reads a positive span: a number of days ("7d", "90d"), days and the rest
// ("1d12h") or a Go duration ("720h").
func Days(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok && !strings.ContainsAny(n, "dhms") {
		d, err := strconv.Atoi(n)
		if err != nil || d <= 0 || d > MaxDays {
			return 0, fmt.Errorf("%q: want a number of days from 1 to %d", s, MaxDays)
		}
		return time.Duration(d) * day, nil
	}
	d, err := Duration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q: want a positive duration such as 7d, 1d12h or 720h", s)
	}
	return d, nil
}

var media = map[string]v1.Medium{"email": "Email", "phone": "Phone", "whatsapp": "WhatsApp", "linkedin": "LinkedIn",
	"chat": "Chat", "meeting": "Meeting", "web": "Web", "other": "Other"}

// Medium reads a reply's medium, case-insensitively; empty is email, the usual one.
func Medium(s string) (v1.Medium, error) {
	if s == "" {
		return "Email", nil
	}
	m, ok := media[strings.ToLower(s)]
	if !ok {
		return "", fmt.Errorf("%q: want one of email, phone, whatsapp, linkedin, chat, meeting, web, other", s)
	}
	return m, nil
}

// Shares reads n comma-separated fractions that add up to 1 (within rounding), such as
// a reply quality mix "0.5,0.3,0.2".
func Shares(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("%q: want %d shares such as 0.5,0.3,0.2", s, n)
	}
	out := make([]float64, n)
	total := 0.0
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(f >= 0 && f <= 1) { // the negated form also refuses NaN
			return nil, fmt.Errorf("%q: %q is not a share between 0 and 1", s, p)
		}
		out[i], total = f, total+f
	}
	if total < 0.999 || total > 1.001 {
		return nil, fmt.Errorf("%q: shares must add up to 1", s)
	}
	return out, nil
}
