package measures

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// afterSale makes l a won lead with an after-sales cadence: its latest NPS score
// (<0: none) and its confirmed orders.
func afterSale(l v1.Lead, nps int32, orders ...string) v1.Lead {
	l = won(l, time.Hour, "", "")
	l.Status.AfterSales = &v1.AfterSalesStatus{Policy: "after-sales", Phase: v1.AfterSalesActive, Orders: orders}
	if nps >= 0 {
		l.Status.AfterSales.NPS = ptr.To(nps)
	}
	return l
}

// entry records an interaction `after` the lead was won.
func entry(l *v1.Lead, kind v1.InteractionKind, after time.Duration) {
	l.Status.Interactions = append(l.Status.Interactions, v1.InteractionEntry{Kind: kind,
		At: metav1.NewTime(l.Spec.Outcome.At.Add(after))})
}

func TestAfterSalesMeasuresByHand(t *testing.T) {
	// a: a promoter who ordered twice; asked at +1h, answered by a rep at +3h (2h);
	// wrote at +5h and +6h, answered by an after-sales touch at +9h (4h from +5h).
	a := afterSale(lead("a", 48*time.Hour, time.Hour), 10, "SO-1", "SO-2")
	entry(&a, v1.InteractionReply, time.Hour)
	entry(&a, v1.InteractionMessageSent, 3*time.Hour)
	entry(&a, v1.InteractionReply, 5*time.Hour)
	entry(&a, v1.InteractionReply, 6*time.Hour)
	a.Status.AfterSales.Touches = []v1.TouchRecord{{Step: "feedback", Result: v1.TouchSent,
		PerformedAt: ptr.To(metav1.NewTime(a.Spec.Outcome.At.Add(9 * time.Hour)))}}
	// b: a detractor (6), one order, answered by a call after 1h, handed off.
	b := afterSale(lead("b", 48*time.Hour, time.Hour), 6, "SO-3")
	entry(&b, v1.InteractionReply, 2*time.Hour)
	entry(&b, v1.InteractionCallConnected, 3*time.Hour)
	b.Status.AfterSales.HandedOffAt = ptr.To(metav1.NewTime(b.Spec.Outcome.At.Add(2 * time.Hour)))
	// c: a passive (8), no order, a message nobody answered yet.
	c := afterSale(lead("c", 48*time.Hour, time.Hour), 8)
	entry(&c, v1.InteractionReply, time.Hour)
	// d: won, no after-sales policy: not counted.
	d := won(lead("d", 48*time.Hour, time.Hour), time.Hour, "", "")
	// f: a detractor (0), one order; its reply came before the sale, and our message
	// after it answers no after-sales question.
	f := afterSale(lead("f", 48*time.Hour, time.Hour), 0, "SO-4")
	entry(&f, v1.InteractionReply, -30*time.Minute)
	entry(&f, v1.InteractionMessageSent, time.Hour)
	// g: no NPS answer at all.
	g := afterSale(lead("g", 400*time.Hour, time.Hour), -1)

	m := ComputeAfterSales([]v1.Lead{a, b, c, d, f, g})
	// NPS: responses 10, 6, 8, 0: one promoter, two detractors -> (1-2)/4 = -25.
	if m.Leads != 5 || m.NPSResponses != 4 || m.Promoters != 1 || m.Detract != 2 || m.NPS != -25 || m.NPSRounded() != -25 {
		t.Fatalf("NPS: %+v", m)
	}
	// Repeat purchases: a of a, b, f (those with an order) -> 1/3.
	if m.WithOrder != 3 || m.RepeatPurchases != 1 || m.RepeatPurchaseRate != 1.0/3 {
		t.Fatalf("repeat purchases: %+v", m)
	}
	// Waits 2h, 4h, 1h -> median 2h.
	if m.Answered != 3 || m.MedianTimeToAnswer != 2*time.Hour || m.HandedOff != 1 {
		t.Fatalf("time to answer: %+v", m)
	}
}

func TestMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo(t *testing.T) {
	if got := median([]time.Duration{3 * time.Hour, time.Hour, 10 * time.Hour, 2 * time.Hour}); got != 150*time.Minute {
		t.Fatalf("median %v, want 2h30m", got)
	}
	if m := ComputeAfterSales(nil); m.Leads != 0 || m.NPS != 0 || m.MedianTimeToAnswer != 0 {
		t.Fatalf("empty: %+v", m)
	}
}
