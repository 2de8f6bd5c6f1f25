package controllers

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/measures"
)

// TestStatusBreakdownsAndRepLoads: the top entries per dimension with their measures,
// empty keys left out; open leads counted per rep, closed and finally dormant ones not.
func TestStatusBreakdownsAndRepLoads(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	sub := metav1.NewTime(now.Add(-time.Hour))
	contacted := metav1.NewTime(now.Add(-30 * time.Minute))
	n := 0
	lead := func(kw, owner string, phase v1.LeadPhase, closed bool) v1.Lead {
		n++
		l := v1.Lead{Spec: v1.LeadSpec{Source: v1.LeadSource{Campaign: "c", Keyword: kw, Region: "eu", SubmittedAt: &sub}},
			Status: v1.LeadStatus{Owner: owner, Phase: phase, FirstResponse: v1.FirstResponseStatus{State: v1.SLAMet, ContactedAt: &contacted}}}
		l.Namespace, l.Name = "ns", fmt.Sprint("l", n)
		if closed {
			l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeLost, At: sub}
			l.Status.Phase = v1.PhaseLost
		}
		return l
	}
	leads := []v1.Lead{lead("cnc", "ana", v1.PhaseInCadence, false), lead("cnc", "ana", v1.PhaseFinished, false),
		lead("fiber", "ben", v1.PhaseInCadence, true), lead("", "ben", v1.PhaseAwaitingTask, false)}
	o := measures.Options{Now: now}
	groups := map[measures.Dimension][]measures.Group{}
	for _, d := range []measures.Dimension{measures.ByKeyword, measures.ByRegion} {
		groups[d] = measures.Breakdown(leads, d, o)
	}
	var got []string
	for _, b := range statusBreakdowns(groups) {
		got = append(got, fmt.Sprintf("%s/%s:%d:%s:%s", b.Dimension, b.Key, b.Leads, b.MeanFirstResponse, b.SLAAttainment))
	}
	want := "[keyword/cnc:2:30m:1.00 keyword/fiber:1:30m:1.00 region/eu:4:30m:1.00]"
	if fmt.Sprint(got) != want {
		t.Errorf("breakdowns %v\nwant %s", got, want)
	}
	c := &v1.Campaign{Spec: v1.CampaignSpec{Reps: []v1.Rep{{Name: "ana"}, {Name: "ben"}, {Name: "cy"}}}}
	c.Namespace, c.Name = "ns", "c"
	view := NewRepLoads()
	for i := range leads {
		view.Handler().OnAdd(&leads[i], true)
	}
	if loads := fmt.Sprint(repLoads(c, view)); loads != "[{ana 1} {ben 1} {cy 0}]" {
		t.Errorf("loads %s", loads)
	}
	// A lead that closes frees its rep; a deleted one too.
	won := leads[0].DeepCopy()
	won.Status.Phase = v1.PhaseWon
	view.Handler().OnUpdate(&leads[0], won)
	view.Handler().OnDelete(&leads[3])
	if loads := fmt.Sprint(repLoads(c, view)); loads != "[{ana 0} {ben 0} {cy 0}]" {
		t.Errorf("loads after a win and a delete %s", loads)
	}
}
