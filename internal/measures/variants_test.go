package measures

import (
	"fmt"
	"math"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Reference values: Fisher's tea-tasting style table from the literature (1 9 / 11 3:
// two-sided p = 0.002759) and a textbook z-test (60/200 against 40/200: z = 2.309,
// p = 0.0209).
func TestCompareRates(t *testing.T) {
	if p := fisherExact(1, 9, 11, 3); math.Abs(p-0.002759) > 1e-5 {
		t.Errorf("fisher: %.6f", p)
	}
	// 1/6 against 4/5: a cell expects fewer than 5, so Fisher; p = 0.0801 (the tables
	// with margins 6,5 / 5,6 no likelier than the observed one).
	if test, p := CompareRates(1, 6, 4, 5); test != "Fisher exact" || math.Abs(p-0.0801) > 5e-4 {
		t.Errorf("small counts: %s %.5f", test, p)
	}
	if test, p := CompareRates(60, 200, 40, 200); test != "two-proportion z-test" || math.Abs(p-0.0209) > 2e-4 {
		t.Errorf("z: %s %.5f", test, p)
	}
	if _, p := CompareRates(3, 10, 3, 10); p < 0.99 {
		t.Errorf("equal rates: p %.3f", p)
	}
	if test, _ := CompareRates(0, 0, 3, 10); test != "" {
		t.Errorf("an empty group is tested: %s", test)
	}
}

func abLead(i int, variant string, replied bool, won bool) v1.Lead {
	sub := metav1.NewTime(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC))
	l := v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("l%d", i), CreationTimestamp: sub},
		Spec: v1.LeadSpec{Source: v1.LeadSource{SubmittedAt: &sub}}}
	l.Status.Touches = []v1.TouchRecord{
		{Number: 1, Step: "introduce", Result: v1.TouchSent, PerformedAt: &sub, Key: "k1"},
		{Number: 2, Step: "send-catalog", Variant: variant, Result: v1.TouchSent, PerformedAt: &sub, Key: "k2"}}
	if replied {
		l.Status.Engagement.Replies, l.Status.Engagement.BestQuality = 1, 2
		l.Status.Interactions = []v1.InteractionEntry{{At: sub, Kind: v1.InteractionMeetingBooked}}
	}
	if won {
		l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon, At: sub}
	}
	return l
}

func TestVariantsMeasuresAndVerdict(t *testing.T) {
	var leads []v1.Lead
	for i := range 200 {
		leads = append(leads, abLead(i, "long", i%10 < 2, i == 0))      // 40/200 replied
		leads = append(leads, abLead(1000+i, "short", i%10 < 3, false)) // 60/200 replied
	}
	o := Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), Window: 30 * 24 * time.Hour}
	got := Variants(leads, map[string][]string{"send-catalog": {"long", "short"}}, o)
	if len(got) != 2 || got[0].Variant != "long" || !got[0].Control || got[1].Variant != "short" {
		t.Fatalf("%+v", got)
	}
	l, s := got[0], got[1]
	if l.Sends != 200 || l.Leads != 200 || l.Replied != 40 || l.Meetings != 40 || l.Won != 1 || l.QualityMix != [3]int{0, 40, 0} {
		t.Errorf("long: %+v", l)
	}
	if s.Replied != 60 || s.Test != "two-proportion z-test" || !s.Significant || math.Abs(s.P-0.0209) > 2e-4 {
		t.Errorf("short: %+v", s)
	}
	if v := s.Verdict(); v != "two-proportion z-test p=0.0209 (significant at 0.05)" {
		t.Errorf("verdict %q", v)
	}
	small := Variants(leads[:20], nil, o) // 10 and 10: Fisher, not significant
	if len(small) != 2 || small[1].Test != "Fisher exact" || small[1].Significant {
		t.Errorf("small: %+v", small)
	}
}
