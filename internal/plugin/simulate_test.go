package plugin_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

type simOut struct {
	Leads []struct {
		Name     string
		TimeZone string
		Touches  []struct {
			Number int32
			Step   string
			Due    time.Time
			Result string
		}
		SLA     string
		Replied bool
		Final   string
	}
	Summary struct {
		Leads          int
		SLAMet         int
		SLABreached    int
		TouchesPerLead float64
		DormantShare   float64
	}
}

func simulateJSON(t *testing.T, extra ...string) simOut {
	t.Helper()
	args := append([]string{"simulate", "--policy", "testdata/policy.yaml", "--leads", "testdata/leads.yaml",
		"--channels", "testdata/channels.yaml", "-o", "json"}, extra...)
	code, out, errs := run(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s simOut
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return s
}

// TestSimulateKeepsBusinessHoursInEachLeadsZone: with no replies every lead gets all
// three touches, each inside 09:00-18:00 Mon-Fri of its own zone.
func TestSimulateKeepsBusinessHoursInEachLeadsZone(t *testing.T) {
	s := simulateJSON(t, "--reply-rate", "0")
	if s.Summary.Leads != 3 || s.Summary.TouchesPerLead < 3 {
		t.Fatalf("summary %+v", s.Summary)
	}
	for _, l := range s.Leads {
		loc, err := time.LoadLocation(l.TimeZone)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Touches) < 3 || l.Replied || !strings.HasPrefix(l.Final, "dormant") {
			t.Errorf("%s: %d touches, replied %v, final %q", l.Name, len(l.Touches), l.Replied, l.Final)
		}
		for _, tc := range l.Touches {
			local := tc.Due.In(loc)
			if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday || local.Hour() < 9 || local.Hour() >= 18 {
				t.Errorf("%s touch %d (%s) due %s local: outside business hours", l.Name, tc.Number, tc.Step, local)
			}
		}
	}
	// Submitted Friday 18:30 Warsaw, high tier (1h): the first touch waits for Monday
	// 09:00, and so does the deadline, counted in the team's hours (Monday 10:00).
	if w := s.Leads[0]; w.Name != "warsaw" || w.SLA != "Met (2d14h)" {
		t.Errorf("warsaw: SLA %q", w.SLA)
	}
}

func TestSimulateIsDeterministicPerSeed(t *testing.T) {
	a := simulateJSON(t, "--reply-rate", "0.5", "--seed", "7")
	b := simulateJSON(t, "--reply-rate", "0.5", "--seed", "7")
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Fatal("same seed, different projections")
	}
	replied := 0
	for seed := 1; seed <= 5; seed++ {
		for _, l := range simulateJSON(t, "--reply-rate", "0.9", "--seed", string(rune('0'+seed))).Leads {
			if l.Replied {
				replied++
			}
		}
	}
	if replied == 0 {
		t.Error("a 90% reply rate produced no replies over 15 leads")
	}
}

func TestSimulateTableAndBadInput(t *testing.T) {
	code, out, errs := run("simulate", "--policy", "testdata/policy.yaml", "--leads", "testdata/leads.yaml", "--reply-rate", "0")
	if code != 0 || !strings.Contains(out, "LEAD auckland") || !strings.Contains(out, "SUMMARY leads 3") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"simulate", "--leads", "testdata/leads.yaml"}, "needs -f DIR|FILE, or --policy FILE and --leads FILE"},
		{[]string{"simulate", "--policy", "testdata/policy.yaml", "--leads", "testdata/leads.yaml", "--quality-mix", "0.5,0.5"}, "want 3 shares"},
		{[]string{"simulate", "--policy", "testdata/policy.yaml", "--leads", "testdata/leads.yaml", "--quality-mix", "0.5,0.5,0.5"}, "add up to 1"},
		{[]string{"simulate", "--policy", "testdata/policy.yaml", "--leads", "testdata/leads.yaml", "--horizon", "soon"}, "--horizon"},
		{[]string{"simulate", "--policy", "testdata/leads.yaml", "--leads", "testdata/leads.yaml"}, "want one FollowUpPolicy"},
		{[]string{"simulate", "--policy", "testdata/channels.yaml", "--leads", "testdata/leads.yaml"}, "want one FollowUpPolicy"},
		{[]string{"simulate", "--policy", "testdata/policy.yaml", "--leads", "testdata/policy.yaml"}, `want a Lead, got kind "FollowUpPolicy"`},
	}
	for _, c := range cases {
		if code, _, errs := run(c.args...); code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want %q", c.args, code, errs, c.want)
		}
	}
}
