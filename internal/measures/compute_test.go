package measures

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestP90NearestRank(t *testing.T) {
	cases := []struct {
		name      string
		minutes   []int
		mean, p90 time.Duration
	}{
		{"none", nil, 0, 0},
		{"one", []int{7}, 7 * time.Minute, 7 * time.Minute},
		// n=10: rank ceil(9)=9 -> 9th smallest.
		{"ten", []int{10, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 55 * time.Minute / 10, 9 * time.Minute},
		// n=11: rank ceil(9.9)=10 -> 10th smallest.
		{"eleven", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100}, 155 * time.Minute / 11, 10 * time.Minute},
		// n=3: rank ceil(2.7)=3 -> max.
		{"three", []int{1, 2, 30}, 11 * time.Minute, 30 * time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var leads []v1.Lead
			for _, m := range c.minutes {
				leads = append(leads, lead("l", time.Hour, time.Duration(m)*time.Minute))
			}
			got := Compute(leads, Options{Now: now})
			if got.MeanFirstResponse != c.mean || got.P90FirstResponse != c.p90 {
				t.Fatalf("mean,p90 = %v,%v; want %v,%v", got.MeanFirstResponse, got.P90FirstResponse, c.mean, c.p90)
			}
		})
	}
}

func TestWindowBounds(t *testing.T) {
	leads := []v1.Lead{
		lead("inside", 24*time.Hour, -1),
		lead("at-start-excluded", 48*time.Hour, -1),
		lead("just-inside", 48*time.Hour-time.Second, -1),
		lead("at-now-included", 0, -1),
		lead("future-excluded", -time.Minute, -1),
	}
	// No submittedAt: creationTimestamp counts.
	created := v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "created", CreationTimestamp: metav1.NewTime(now.Add(-time.Hour))}}
	leads = append(leads, created)
	if got := Compute(leads, Options{Now: now, Window: 48 * time.Hour}).Leads; got != 4 {
		t.Fatalf("leads in 48h window = %d, want 4", got)
	}
	// Default window is 7 days.
	old := lead("eight-days", 8*24*time.Hour, -1)
	if got := Compute(append(leads, old), Options{Now: now}).Leads; got != 5 {
		t.Fatalf("leads in default window = %d, want 5", got)
	}
}

func TestZeroDivision(t *testing.T) {
	m := Compute(nil, Options{Now: now, Spend: &v1.Spend{Money: v1.Money{Amount: "100", Currency: "EUR"}}})
	if m != (Measures{ROASKnown: true}) {
		t.Fatalf("empty input gave %+v, want zero measures (a spend with no revenue is a ROAS of 0)", m)
	}
	// Leads but no touches, no SLA decisions, no outcomes: rates are 0, not NaN.
	m = Compute([]v1.Lead{lead("a", time.Hour, -1)}, Options{Now: now})
	if m.SLAAttainment != 0 || m.DeliveryRate != 0 || m.ReplyRate != 0 || m.CloseRateAfterCadence != 0 || m.ROAS != 0 {
		t.Fatalf("want zero rates, got %+v", m)
	}
}

func TestRatesAndOutcomes(t *testing.T) {
	a := withTouches(lead("a", 10*time.Hour, 10*time.Minute), 3)
	a.Status.FirstResponse.State = v1.SLAMet
	a.Status.Engagement = v1.Engagement{Delivered: 3, Read: 2, Replies: 1, BestQuality: 3}
	a = won(dormant(a), 48*time.Hour, "1000", "EUR")
	b := withTouches(lead("b", 10*time.Hour, 30*time.Minute), 1)
	b.Status.FirstResponse.State = v1.SLABreached
	b.Status.Engagement = v1.Engagement{Delivered: 1, BestQuality: 1}
	c := lead("c", 10*time.Hour, -1)
	c.Status.FirstResponse.State = v1.SLAPending
	d := withTouches(lead("d", 10*time.Hour, 20*time.Minute), 3)
	d.Status.FirstResponse.State = v1.SLAMet
	d = dormant(d)
	d.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeLost, At: metav1.NewTime(now)}
	spend := &v1.Spend{Money: v1.Money{Amount: "700", Currency: "EUR"}, Period: &metav1.Duration{Duration: 7 * 24 * time.Hour}}

	m := Compute([]v1.Lead{a, b, c, d}, Options{Now: now, Window: 24 * time.Hour, Spend: spend})
	want := Measures{
		Leads: 4, Contacted: 3,
		MeanFirstResponse: 20 * time.Minute, P90FirstResponse: 30 * time.Minute,
		SLAMet: 2, SLABreached: 1, SLAPending: 1, SLAAttainment: 2.0 / 3,
		Touches: 7, TouchesPerLead: 7.0 / 4,
		DeliveryRate: 4.0 / 7, ReadRate: 2.0 / 7, ReplyRate: 1.0 / 3,
		QualityMix:       [3]int{1, 0, 1},
		CompletedCadence: 2, ThreeTouchLeads: 2,
		CloseRateAfterCadence: 0.5, CloseRateAfterThreeTouches: 0.5,
		Won: 1, Lost: 1, MeanSalesCycle: 48 * time.Hour,
		Revenue: 1000, Currency: "EUR",
		// Spend 700/week scaled to a 1-day window = 100 -> ROAS 10.
		ROAS: 10, ROASKnown: true,
	}
	if m != want {
		t.Fatalf("got  %+v\nwant %+v", m, want)
	}
}

func TestMixedCurrenciesNotSummed(t *testing.T) {
	leads := []v1.Lead{
		won(lead("a", time.Hour, -1), time.Minute, "100", "EUR"),
		won(lead("b", time.Hour, -1), time.Minute, "50", "USD"),
		won(lead("c", time.Hour, -1), time.Minute, "25.5", "EUR"),
	}
	spend := &v1.Spend{Money: v1.Money{Amount: "10", Currency: "EUR"}}
	m := Compute(leads, Options{Now: now, Spend: spend})
	if m.Revenue != 0 || m.Currency != "EUR,USD" || m.ROAS != 0 || m.Won != 3 {
		t.Fatalf("mixed: revenue %v currency %q roas %v won %d", m.Revenue, m.Currency, m.ROAS, m.Won)
	}
	m = Compute(leads[:1:1], Options{Now: now, Spend: &v1.Spend{Money: v1.Money{Amount: "10", Currency: "USD"}}})
	if m.Revenue != 100 || m.ROAS != 0 {
		t.Fatalf("spend in another currency must not give a ROAS: %+v", m)
	}
}
