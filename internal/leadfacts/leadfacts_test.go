package leadfacts

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestTimes(t *testing.T) {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	mt := func(d time.Duration) metav1.Time { return metav1.NewTime(t0.Add(d)) }
	pt := func(d time.Duration) *metav1.Time { x := mt(d); return &x }
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{CreationTimestamp: mt(time.Hour)}}
	if !SubmittedAt(l).Equal(t0.Add(time.Hour)) || !LastActivity(l).Equal(t0.Add(time.Hour)) {
		t.Fatal("without a form time the creation counts")
	}
	l.Spec.Source.SubmittedAt = pt(0)
	l.Spec.Interactions = []v1.InteractionEntry{{At: mt(2 * time.Hour), Kind: v1.InteractionReply}}
	l.Status.Touches = []v1.TouchRecord{{Due: mt(5 * time.Hour)}, {Due: mt(3 * time.Hour), PerformedAt: pt(3 * time.Hour)}}
	if got := LastActivity(l); !got.Equal(t0.Add(3 * time.Hour)) {
		t.Fatalf("a touch only due is not activity; got %v", got)
	}
	l.Status.Earlier = &v1.EarlierInteractions{Through: mt(4 * time.Hour)}
	if got := LastActivity(l); !got.Equal(t0.Add(4 * time.Hour)) {
		t.Fatalf("compacted interactions count; got %v", got)
	}
	l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon, At: mt(10 * time.Hour)}
	if !LastActivity(l).Equal(t0.Add(10 * time.Hour)) {
		t.Fatal("the outcome is the latest activity")
	}
	if !ClosedAt(l).IsZero() {
		t.Fatal("closed is read from the phase: none yet")
	}
	l.Status.Phase = v1.PhaseWon
	if !ClosedAt(l).Equal(t0.Add(10 * time.Hour)) {
		t.Fatal("a won lead closed at its outcome")
	}
	l.Status.Phase, l.Status.DormantSince = v1.PhaseFinished, pt(6*time.Hour)
	if !ClosedAt(l).Equal(t0.Add(6 * time.Hour)) {
		t.Fatal("a finished lead closed when it went dormant")
	}
}
