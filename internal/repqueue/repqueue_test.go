package repqueue

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

var now = time.Date(2026, 11, 16, 12, 0, 0, 0, time.UTC)

func ts(d time.Duration) *metav1.Time { t := metav1.NewTime(now.Add(d)); return &t }

func lead(name, owner string, st v1.LeadStatus) v1.Lead {
	st.Owner = owner
	return v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: "sales", Name: name}, Status: st}
}

func task(key string, due time.Duration, deadline *metav1.Time, overdue int32) v1.TouchRecord {
	return v1.TouchRecord{Key: key, Result: v1.TouchTaskAssigned, Due: *ts(due), TaskDeadline: deadline, OverdueActions: overdue}
}

func TestQueueSectionsForOneRep(t *testing.T) {
	leads := []v1.Lead{
		lead("due", "anna", v1.LeadStatus{Touches: []v1.TouchRecord{task("k-due", -10*time.Minute, ts(3*time.Hour), 0)}}),
		lead("later", "anna", v1.LeadStatus{Touches: []v1.TouchRecord{task("k-later", time.Hour, nil, 0)}}),
		lead("late", "anna", v1.LeadStatus{Touches: []v1.TouchRecord{task("k-late", -5*time.Hour, ts(-time.Hour), 0)}}),
		lead("reminded", "anna", v1.LeadStatus{Touches: []v1.TouchRecord{task("k-rem", -9*time.Hour, ts(2*time.Hour), 1)}}),
		lead("sla", "anna", v1.LeadStatus{FirstResponse: v1.FirstResponseStatus{State: v1.SLAPending, Deadline: ts(30 * time.Minute)}}),
		lead("sla-far", "anna", v1.LeadStatus{FirstResponse: v1.FirstResponseStatus{State: v1.SLAPending, Deadline: ts(5 * time.Hour)}}),
		lead("sla-met", "anna", v1.LeadStatus{FirstResponse: v1.FirstResponseStatus{State: v1.SLAMet, Deadline: ts(10 * time.Minute)}}),
		lead("hot", "anna", v1.LeadStatus{Phase: v1.PhaseHandedOff, HandedOffAt: ts(-time.Hour)}),
		lead("jonas-due", "jonas", v1.LeadStatus{Touches: []v1.TouchRecord{task("k-j", -time.Hour, nil, 0)}}),
		lead("done", "anna", v1.LeadStatus{Touches: []v1.TouchRecord{{Key: "k-d", Result: v1.TouchDone, Due: *ts(-time.Hour)}}}),
	}
	closed := lead("closed", "anna", v1.LeadStatus{Phase: v1.PhaseHandedOff})
	closed.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon}
	leads = append(leads, closed)
	specOwned := lead("spec-owned", "", v1.LeadStatus{Phase: v1.PhaseHandedOff})
	specOwned.Spec.Owner = "anna"
	leads = append(leads, specOwned)

	q := Build(leads, "anna", now, 0)
	names := func(s Section) []string {
		var out []string
		for _, it := range q[s] {
			out = append(out, it.Name)
		}
		return out
	}
	want := map[Section][]string{
		Overdue:   {"late", "reminded"},
		SLAAtRisk: {"sla"},
		DueNow:    {"due"},
		HandedOff: {"spec-owned", "hot"},
	}
	for _, s := range Sections {
		if got := names(s); len(got) != len(want[s]) || (len(got) > 0 && got[0] != want[s][0]) {
			t.Errorf("%s: %v, want %v", s, got, want[s])
		}
	}
	if q.Total() != 6 {
		t.Errorf("total %d", q.Total())
	}
	if q[DueNow][0].TouchKey != "k-due" || q[Overdue][0].TouchKey != "k-late" {
		t.Errorf("touch keys %+v %+v", q[DueNow], q[Overdue])
	}
	if wide := Build(leads, "anna", now, 6*time.Hour); len(wide[SLAAtRisk]) != 2 {
		t.Errorf("a 6h window: %v", wide[SLAAtRisk])
	}
}
