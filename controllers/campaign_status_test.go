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
	lead := func(kw, owner, stage string, closed bool) v1.Lead {
		l := v1.Lead{Spec: v1.LeadSpec{Source: v1.LeadSource{Keyword: kw, Region: "eu", SubmittedAt: &sub}},
			Status: v1.LeadStatus{Owner: owner, Stage: stage, FirstResponse: v1.FirstResponseStatus{State: v1.SLAMet, ContactedAt: &contacted}}}
		if closed {
			l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeLost, At: sub}
		}
		return l
	}
	leads := []v1.Lead{lead("cnc", "ana", "1/3 introduce", false), lead("cnc", "ana", "dormant (final)", false),
		lead("fiber", "ben", "2/3 send-catalog", true), lead("", "ben", "1/3 introduce", false)}
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
	if loads := fmt.Sprint(repLoads(c, leads)); loads != "[{ana 1} {ben 1} {cy 0}]" {
		t.Errorf("loads %s", loads)
	}
}
