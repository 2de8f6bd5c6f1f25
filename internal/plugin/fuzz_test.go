package plugin

import (
	"testing"
	"time"
)

// The command line is typed by people and pasted from CRMs; its parsers must answer
// with a value or a usage error, never panic or return something out of range.

var fuzzNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"", "-2h", "2026-11-20T14:30:00+01:00", "1h", "-9999999h", "2026-13-40T99:00:00Z", "now", "-1.5h", "+0s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTime(s, fuzzNow)
		if err != nil {
			if _, ok := err.(*usageError); !ok {
				t.Fatalf("%q: %T is not a usage error", s, err)
			}
			return
		}
		if got.After(fuzzNow.Add(time.Minute)) || got.Location() != time.UTC || got.Nanosecond() != 0 {
			t.Fatalf("%q: %v", s, got)
		}
	})
}

func FuzzParseMix(f *testing.F) {
	for _, s := range []string{"0.5,0.3,0.2", "1,0,0", "0.5,0.5", "NaN,0,1", "Inf,-Inf,1", " 0.2 , 0.3 , 0.5 ", "1e-400,1,0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseMix(s)
		if err != nil {
			return
		}
		total := 0.0
		for _, x := range m {
			if !(x >= 0 && x <= 1.001) {
				t.Fatalf("%q: share %v", s, x)
			}
			total += x
		}
		if total < 0.999 || total > 1.001 {
			t.Fatalf("%q: shares add up to %v", s, total)
		}
	})
}

func FuzzParseDays(f *testing.F) {
	for _, s := range []string{"90d", "720h", "0d", "-1d", "d", "99999999999d", "1h30m", "7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseDays(s); err == nil && d <= 0 {
			t.Fatalf("%q: %v", s, d)
		}
	})
}
