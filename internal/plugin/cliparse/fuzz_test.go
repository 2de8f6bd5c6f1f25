package cliparse

import (
	"math"
	"strings"
	"testing"
	"time"
)

// The command line is typed by people and pasted from CRMs: each parser answers with a
// value in range or an error, and never panics.

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func FuzzTime(f *testing.F) {
	for _, s := range []string{"", "-2h", "2026-11-20T14:30:00+01:00", "1h", "-9999999h", "2026-13-40T99:00:00Z", "now", "-1.5h", "+0s", "30s", "-2d", "-1d12h", "--1d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Time(s, now)
		if err != nil {
			return
		}
		if got.After(now.Add(futureSlack)) || got.Location() != time.UTC || got.Nanosecond() != 0 {
			t.Fatalf("%q: %v", s, got)
		}
	})
}

func FuzzDays(f *testing.F) {
	for _, s := range []string{"90d", "720h", "0d", "-1d", "d", "99999999999d", "1h30m", "7", "3650d", "3651d", "1d12h", "3650d1h", "1d-2h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := Days(s); err == nil && d <= 0 {
			t.Fatalf("%q: %v", s, d)
		}
	})
}

func FuzzShares(f *testing.F) {
	for _, s := range []string{"0.5,0.3,0.2", "1,0,0", "0.5,0.5", "NaN,0,1", "Inf,-Inf,1", " 0.2 , 0.3 , 0.5 ", "1e-400,1,0", "0x1p-1,0.5,0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Shares(s, 3)
		if err != nil {
			return
		}
		total := 0.0
		for _, x := range m {
			if math.IsNaN(x) || x < 0 || x > 1 {
				t.Fatalf("%q: share %v", s, x)
			}
			total += x
		}
		if len(m) != 3 || total < 0.999 || total > 1.001 {
			t.Fatalf("%q: %v", s, m)
		}
	})
}

func TestValuesAndMessages(t *testing.T) {
	if got, _ := Time("-2h", now); !got.Equal(now.Add(-2 * time.Hour)) {
		t.Errorf("-2h: %v", got)
	}
	if got, _ := Time("2026-11-20T14:30:00+01:00", now); !got.Equal(time.Date(2026, 11, 20, 13, 30, 0, 0, time.UTC)) {
		t.Errorf("RFC 3339: %v", got)
	}
	if got, _ := Time("", now.Add(500*time.Millisecond)); !got.Equal(now) {
		t.Errorf("empty: %v", got)
	}
	if got, _ := Days("7d"); got != 7*24*time.Hour {
		t.Errorf("7d: %v", got)
	}
	if m, _ := Medium("WhatsApp"); m != "WhatsApp" {
		t.Errorf("medium %q", m)
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{second(Time("2h", now)), "is in the future"},
		{second(Time("tomorrow", now)), `"tomorrow": want a time`},
		{second(Days("0d")), "from 1 to 3650"},
		{second(Days("soon")), "positive duration"},
		{second(Medium("fax")), `"fax": want one of`},
		{second(Shares("0.5,0.5", 3)), "want 3 shares"},
		{second(Shares("0.5,0.5,0.5", 3)), "add up to 1"},
		{second(Shares("NaN,0.5,0.5", 3)), "not a share"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// FuzzDuration: Duration reads what Human writes, back to the precision Human keeps.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"2d", "1d12h", "-2d", "3h44m", "90m", "d", "1dd", "-", "1d-1h", "3651d", "+5m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Duration(s)
		if err != nil {
			return
		}
		if d > MaxDays*day || d < -MaxDays*day {
			t.Fatalf("%q: %v beyond %d days", s, d, MaxDays)
		}
		back, err := Duration(Human(d))
		if err != nil {
			t.Fatalf("%q: Human(%v) = %q does not read back: %v", s, d, Human(d), err)
		}
		if diff := (back - d).Abs(); diff > time.Hour {
			t.Fatalf("%q: %v reads back as %v", s, d, back)
		}
	})
}

func TestHumanDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 45 * time.Second: "45s", 14*time.Minute + 20*time.Second: "14m", 3*time.Hour + 44*time.Minute: "3h44m",
		26 * time.Hour: "26h", 50 * time.Hour: "2d2h", 48 * time.Hour: "2d", -(3*time.Hour + 44*time.Minute): "-3h44m",
	} {
		if got := Human(d); got != want {
			t.Errorf("Human(%v) = %q, want %q", d, got, want)
		}
	}
	for s, want := range map[string]time.Duration{"2d": 48 * time.Hour, "1d12h": 36 * time.Hour, "-1d": -day, "3h44m": 224 * time.Minute} {
		if got, err := Duration(s); err != nil || got != want {
			t.Errorf("Duration(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, _ := Time("-1d", now); !got.Equal(now.Add(-day)) {
		t.Errorf("Time(-1d) = %v", got)
	}
	if got, _ := Days("1d12h"); got != 36*time.Hour {
		t.Errorf("Days(1d12h) = %v", got)
	}
}
