package plugin_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/followup-io/followup-operator/internal/cadence"
)

type rolloutOut struct {
	Percent           int32
	StableRevision    string
	CandidateRevision string
	Leads             []struct {
		Name              string
		Arm               string
		Bucket            int32
		Stable, Candidate struct {
			Touches []struct{ Step string }
		}
	}
}

func simulateRollout(t *testing.T, extra ...string) rolloutOut {
	t.Helper()
	args := append([]string{"simulate", "--policy", "testdata/policy-candidate.yaml", "--stable", "testdata/policy.yaml",
		"--leads", "testdata/leads.yaml", "--channels", "testdata/channels.yaml", "--reply-rate", "0", "-o", "json"}, extra...)
	code, out, errs := run(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r rolloutOut
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return r
}

// TestSimulateRolloutShowsEachLeadsArmAndBothSchedules: with the applied policy as
// --stable and the edited one as the candidate, every lead is shown in the arm the
// operator's hash puts it in at the candidate's percent, with the stable schedule
// (three steps) beside the candidate's (two).
func TestSimulateRolloutShowsEachLeadsArmAndBothSchedules(t *testing.T) {
	r := simulateRollout(t)
	if r.Percent != 50 || r.StableRevision == r.CandidateRevision || len(r.Leads) != 3 {
		t.Fatalf("rollout %d%% %s -> %s, %d leads", r.Percent, r.StableRevision, r.CandidateRevision, len(r.Leads))
	}
	for _, l := range r.Leads {
		want := "Stable"
		if cadence.RolloutBucket(l.Name, r.StableRevision) < 50 {
			want = "Candidate"
		}
		if l.Arm != want || l.Bucket != cadence.RolloutBucket(l.Name, r.StableRevision) {
			t.Errorf("%s: arm %s bucket %d, want %s", l.Name, l.Arm, l.Bucket, want)
		}
		if len(l.Stable.Touches) < 3 || l.Stable.Touches[2].Step != "call-with-offer" {
			t.Errorf("%s: stable touches %+v", l.Name, l.Stable.Touches)
		}
		for _, tr := range l.Candidate.Touches {
			if tr.Step == "call-with-offer" {
				t.Errorf("%s: the candidate made the call it dropped", l.Name)
			}
		}
	}
	for pct, want := range map[string]string{"0": "Stable", "100": "Candidate"} {
		for _, l := range simulateRollout(t, "--percent", pct).Leads {
			if l.Arm != want {
				t.Errorf("--percent %s: %s in %s", pct, l.Name, l.Arm)
			}
		}
	}
}

// TestSimulateRolloutArmFlagAndTable: --arm stable simulates the applied policy alone;
// the table puts both arms side by side; --percent needs --stable.
func TestSimulateRolloutArmFlagAndTable(t *testing.T) {
	base := []string{"simulate", "--policy", "testdata/policy-candidate.yaml", "--stable", "testdata/policy.yaml",
		"--leads", "testdata/leads.yaml", "--channels", "testdata/channels.yaml", "--reply-rate", "0"}
	code, out, errs := run(append(base, "--arm", "stable", "-o", "json")...)
	if code != 0 || !strings.Contains(out, "call-with-offer") {
		t.Fatalf("--arm stable: exit %d %s\n%s", code, errs, out)
	}
	code, out, errs = run(append(base, "--arm", "candidate", "-o", "json")...)
	if code != 0 || strings.Contains(out, "call-with-offer") {
		t.Fatalf("--arm candidate: exit %d %s\n%s", code, errs, out)
	}
	code, out, errs = run(base...)
	if code != 0 || !strings.Contains(out, "STABLE ") || !strings.Contains(out, "CANDIDATE ") ||
		!strings.Contains(out, "arm: ") || !strings.Contains(out, "SUMMARY candidate:") {
		t.Fatalf("table: exit %d %s\n%s", code, errs, out)
	}
	t.Logf("\n%s", out)
	if code, _, errs := run("simulate", "--policy", "testdata/policy.yaml", "--leads", "testdata/leads.yaml", "--percent", "10"); code == 0 ||
		!strings.Contains(errs, "--stable") {
		t.Fatalf("--percent without --stable: exit %d %s", code, errs)
	}
}
