package metrics

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestFormInputCannotGrowSeries: a thousand leads whose region and tier a hostile form
// chose, over one campaign and policy ops declared, make the series of the declared
// values and one "other" each, not a thousand.
func TestFormInputCannotGrowSeries(t *testing.T) {
	c := &v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "cnc-eu", Namespace: "labels"}, Spec: v1.CampaignSpec{Region: "eu", Policy: "b2b"}}
	p := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "b2b", Namespace: "labels"}, Spec: v1.FollowUpPolicySpec{
		FirstResponse: []v1.FirstResponseTarget{{Tier: "high"}, {Tier: "standard"}}}}
	before := testutil.CollectAndCount(firstResponse)
	for i := range 1000 {
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint("l", i), Namespace: "labels"}, Spec: v1.LeadSpec{
			Tier: fmt.Sprintf("tier-%d", i), Source: v1.LeadSource{Campaign: "cnc-eu", Region: fmt.Sprintf("region-%d", i)}}}
		if i%3 == 0 {
			l.Spec.Tier = "high"
		}
		FirstContact(LabelsFor(l, c, p), time.Minute, true)
		// A lead naming a campaign that does not exist, with no policy found.
		l.Spec.Source.Campaign = fmt.Sprintf("campaign-%d", i)
		FirstContact(LabelsFor(l, nil, nil), time.Minute, false)
	}
	// cnc-eu/b2b/high/eu, cnc-eu/b2b/other/eu, other/other/other/other.
	if n := testutil.CollectAndCount(firstResponse) - before; n != 3 {
		t.Errorf("%d new series for 2000 observations, want 3", n)
	}
	if got := testutil.ToFloat64(sla.WithLabelValues("labels", "cnc-eu", "b2b", "high", "eu", "met")); got != 334 {
		t.Errorf("declared tier counted %v times, want 334", got)
	}
	if got := testutil.ToFloat64(sla.WithLabelValues("labels", Other, Other, Other, Other, "breached")); got != 1000 {
		t.Errorf("undeclared counted %v times, want 1000", got)
	}
}

func TestLabelsForLeadsWithoutCampaignOrRegion(t *testing.T) {
	p := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "b2b"}, Spec: v1.FollowUpPolicySpec{
		FirstResponse: []v1.FirstResponseTarget{{Tier: "standard"}}}}
	lb := LabelsFor(&v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: "n"}, Spec: v1.LeadSpec{Policy: "b2b", Tier: "standard"}}, nil, p)
	if lb != (LeadLabels{namespace: "n", campaign: "", policy: "b2b", tier: "standard", region: ""}) {
		t.Errorf("%+v", lb)
	}
}
