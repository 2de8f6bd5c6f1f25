package measures

import (
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestRecommendRules(t *testing.T) {
	slowKeyword := Group{Key: "cheap shoes", Measures: Measures{Leads: 8, Contacted: 6, MeanFirstResponse: 30 * time.Hour}}
	slowButFew := Group{Key: "rare", Measures: Measures{Leads: 1, Contacted: 1, MeanFirstResponse: 90 * time.Hour}}
	other := Group{Key: OtherKey, Measures: Measures{Leads: 50, Contacted: 50, MeanFirstResponse: 90 * time.Hour}}
	badAdGroup := Group{Key: "broad", Measures: Measures{CompletedCadence: 20, CloseRateAfterCadence: 0.02}}
	okAdGroup := Group{Key: "exact", Measures: Measures{CompletedCadence: 20, CloseRateAfterCadence: 0.2}}
	slowRegion := Group{Key: "eu", Measures: Measures{Leads: 40, Contacted: 30, MeanFirstResponse: 26 * time.Hour}}
	overall := Measures{Leads: 100, ThreeTouchLeads: 25, CloseRateAfterThreeTouches: 0.08, ROAS: 1.5, ROASKnown: true, Currency: "EUR", SLAAttainment: 0.6, MeanFirstResponse: 26 * time.Hour}
	groups := map[Dimension][]Group{
		ByKeyword: {slowKeyword, slowButFew, other},
		ByAdGroup: {badAdGroup, okAdGroup},
		ByRegion:  {slowRegion},
	}
	o := Options{Now: now, Spend: &v1.Spend{Money: v1.Money{Amount: "100", Currency: "EUR"}}}
	recs := Recommend(overall, groups, o)
	want := []struct{ kind, subject, number string }{
		{KindLowerBidOrPauseKeyword, "cheap shoes", "30h"},
		{KindFixAdGroupTargeting, "broad", "2.0%"},
		{KindImproveScripts, "", "8.0%"},
		{KindPauseRegion, "eu", "26h"},
		{KindReviewFollowUpBeforeAds, "", "1.50"},
	}
	if len(recs) != len(want) {
		t.Fatalf("got %d recommendations: %+v", len(recs), recs)
	}
	for i, w := range want {
		r := recs[i]
		if r.Kind != w.kind || r.Subject != w.subject || !strings.Contains(r.Message, w.number) {
			t.Errorf("rec %d = %+v, want kind %s subject %q with %q in message", i, r, w.kind, w.subject, w.number)
		}
	}

	// Targets from spec override the defaults: 48h mean response target silences the keyword and region.
	o.Targets = v1.CampaignTargets{MeanFirstResponse: &metav1.Duration{Duration: 48 * time.Hour}, CloseRateAfterThreeTouches: "0.05", ROAS: "1", CloseRateAfterCadence: "0.01"}
	if recs := Recommend(overall, groups, o); len(recs) != 0 {
		t.Fatalf("relaxed targets still recommend: %+v", recs)
	}
}

func TestRecommendNeedsSamples(t *testing.T) {
	overall := Measures{Leads: 3, ThreeTouchLeads: 3, CloseRateAfterThreeTouches: 0, Currency: "EUR"}
	groups := map[Dimension][]Group{
		ByKeyword: {{Key: "k", Measures: Measures{Leads: 1, Contacted: 1, MeanFirstResponse: 100 * time.Hour}}},
		ByAdGroup: {{Key: "a", Measures: Measures{CompletedCadence: 3}}},
		ByRegion:  {{Key: "r", Measures: Measures{Leads: 3, Contacted: 3, MeanFirstResponse: 100 * time.Hour}}},
	}
	o := Options{Now: now, Spend: &v1.Spend{Money: v1.Money{Amount: "100", Currency: "EUR"}}}
	if recs := Recommend(overall, groups, o); len(recs) != 0 {
		t.Fatalf("small samples must not recommend: %+v", recs)
	}
}

// TestZeroRevenueTriggersTheROASRule: a campaign that spent and sold nothing is the case
// the ROAS rule exists for; a revenue in another currency than the spend is not judged.
func TestZeroRevenueTriggersTheROASRule(t *testing.T) {
	var leads []v1.Lead
	for i := 0; i < MinLeadsForROAS; i++ {
		leads = append(leads, lead(fmt.Sprint("z", i), time.Hour, -1))
	}
	o := Options{Now: now, Spend: &v1.Spend{Money: v1.Money{Amount: "4200", Currency: "EUR"}}}
	m := Compute(leads, o)
	if !m.ROASKnown || m.ROAS != 0 {
		t.Fatalf("zero revenue with a spend: ROAS %v known %v", m.ROAS, m.ROASKnown)
	}
	recs := Recommend(m, nil, o)
	if len(recs) != 1 || recs[0].Kind != KindReviewFollowUpBeforeAds || !strings.Contains(recs[0].Message, "ROAS 0.00") {
		t.Errorf("recommendations %+v, want the ROAS rule", recs)
	}
	o.Spend.Currency = "USD"
	won := lead("won", time.Hour, -1)
	won.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon, Value: &v1.Money{Amount: "10", Currency: "EUR"}, At: metav1.NewTime(now)}
	if m := Compute(append(leads, won), o); m.ROASKnown {
		t.Errorf("EUR revenue against a USD spend gave a ROAS %v", m.ROAS)
	}
}
