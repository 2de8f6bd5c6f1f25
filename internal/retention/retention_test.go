package retention

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := t0.Add(d); return &t }

func TestDecide(t *testing.T) {
	def := RuleOf(nil)
	day := 24 * time.Hour
	cases := []struct {
		name    string
		in      Input
		due     bool
		wantAt  time.Time
		comment string
	}{
		{"won 29 days ago waits", Input{Now: t0, Phase: v1.PhaseWon, OutcomeAt: at(-29 * day), Rule: def}, false, t0.Add(day), ""},
		{"won exactly 30 days ago is due", Input{Now: t0, Phase: v1.PhaseWon, OutcomeAt: at(-30 * day), Rule: def}, true, t0, ""},
		{"lost 31 days ago is due", Input{Now: t0, Phase: v1.PhaseLost, OutcomeAt: at(-31 * day), Rule: def}, true, t0.Add(-day), ""},
		{"finished 59 days ago waits", Input{Now: t0, Phase: v1.PhaseFinished, DormantSince: at(-59 * day), Rule: def}, false, t0.Add(day), ""},
		{"finished 60 days ago is due", Input{Now: t0, Phase: v1.PhaseFinished, DormantSince: at(-60 * day), Rule: def}, true, t0, ""},
		{"dormant (reactivation ahead) never", Input{Now: t0, Phase: v1.PhaseDormant, DormantSince: at(-400 * day), Rule: def}, false, time.Time{}, ""},
		{"stopped by a reply waits for a person", Input{Now: t0, Phase: v1.PhaseStopped, Rule: def}, false, time.Time{}, ""},
		{"handed off", Input{Now: t0, Phase: v1.PhaseHandedOff, OutcomeAt: at(-90 * day), Rule: def}, false, time.Time{}, ""},
		{"no phase yet", Input{Now: t0, OutcomeAt: at(-90 * day), Rule: def}, false, time.Time{}, ""},
		{"won without outcome time", Input{Now: t0, Phase: v1.PhaseWon, Rule: def}, false, time.Time{}, ""},
		{"kept by policy", Input{Now: t0, Phase: v1.PhaseWon, OutcomeAt: at(-900 * day), Rule: Rule{ClosedFor: day, Keep: true}}, false, time.Time{}, ""},
		{"being deleted", Input{Now: t0, Phase: v1.PhaseWon, OutcomeAt: at(-90 * day), Rule: def, Deleting: true}, false, time.Time{}, ""},
		{"won 40 days ago, after-sales delivery 10 days ago waits", Input{Now: t0, Phase: v1.PhaseWon, OutcomeAt: at(-40 * day), Rule: def,
			AfterSalesLast: *at(-10 * day)}, false, t0.Add(20 * day), ""},
		{"after-sales step still ahead waits for it", Input{Now: t0, Phase: v1.PhaseWon, OutcomeAt: at(-100 * day), Rule: def,
			AfterSalesLast: *at(-40 * day), AfterSalesNext: *at(5 * day)}, false, t0.Add(5 * day), ""},
		{"after-sales step due now (being sent) is never archived from under it", Input{Now: t0, Phase: v1.PhaseWon, OutcomeAt: at(-100 * day), Rule: def,
			AfterSalesLast: *at(-40 * day), AfterSalesNext: *at(-time.Second)}, false, t0.Add(time.Minute), ""},
		{"after-sales step due at this instant", Input{Now: t0, Phase: v1.PhaseWon, OutcomeAt: at(-100 * day), Rule: def,
			AfterSalesLast: *at(-40 * day), AfterSalesNext: t0}, false, t0.Add(time.Minute), ""},
		{"after-sales quiet for closedFor is due", Input{Now: t0, Phase: v1.PhaseWon, OutcomeAt: at(-100 * day), Rule: def,
			AfterSalesLast: *at(-30 * day)}, true, t0, ""},
		{"policy's shorter rule", Input{Now: t0, Phase: v1.PhaseWon, OutcomeAt: at(-2 * day), Rule: RuleOf(&v1.Retention{ClosedFor: &metav1.Duration{Duration: day}})}, true, t0.Add(-day), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Decide(tc.in)
			if d.Due != tc.due || !d.At.Equal(tc.wantAt) {
				t.Fatalf("got due=%v at=%v (%s), want due=%v at=%v", d.Due, d.At, d.Reason, tc.due, tc.wantAt)
			}
			if d.Reason == "" {
				t.Error("a decision always says why")
			}
		})
	}
}

func TestRuleOfKeepsDefaultsForUnsetFields(t *testing.T) {
	r := RuleOf(&v1.Retention{FinishedFor: &metav1.Duration{Duration: time.Hour}})
	if r.ClosedFor != DefaultClosedFor || r.FinishedFor != time.Hour {
		t.Fatalf("got %+v", r)
	}
}

func TestInputOfReadsTheLead(t *testing.T) {
	now := metav1.NewTime(t0)
	l := &v1.Lead{Spec: v1.LeadSpec{Outcome: &v1.Outcome{Result: v1.OutcomeLost, At: now}},
		Status: v1.LeadStatus{Phase: v1.PhaseLost}}
	in := InputOf(l, RuleOf(nil), t0.Add(DefaultClosedFor))
	if !Decide(in).Due {
		t.Fatalf("lost %s ago should be due: %+v", DefaultClosedFor, Decide(in))
	}
	l.DeletionTimestamp = &now
	if Decide(InputOf(l, RuleOf(nil), t0.Add(DefaultClosedFor))).Due {
		t.Fatal("a lead being deleted is not archived by the rule")
	}
}
