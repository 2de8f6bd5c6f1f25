package controllers_test

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestLeadOutOfOffice runs an out-of-office through the real API: the automatic reply
// is recorded as an Interaction, folded into the lead, pauses it (phase, until when,
// stage) with nothing sent, and the cadence resumes at the return in business hours.
func TestLeadOutOfOffice(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z") // Monday, 10:00 in Warsaw
	h := newHarness(t, start)
	h.fixtures()
	l := h.lead("away", "high", start)
	h.poke(l)
	if n := len(h.sent.Deliveries()); n != 1 {
		t.Fatalf("%d deliveries, want the first touch", n)
	}

	// The CRD refuses a return date on anything but an automatic reply.
	bad := &v1.Interaction{ObjectMeta: metav1.ObjectMeta{Name: "bad", Namespace: h.ns}, Spec: v1.InteractionSpec{Lead: l.Name,
		InteractionEntry: v1.InteractionEntry{At: metav1.NewTime(start), Kind: v1.InteractionReply, ReturnDate: "2026-11-23", ID: "bad"}}}
	if err := k8s.Create(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "returnDate is only set on an AutoReply") {
		t.Fatalf("returnDate on a reply: %v", err)
	}

	h.clock.SetTime(mustTime("2026-11-16T12:00:00Z"))
	h.record(l, v1.InteractionEntry{At: metav1.NewTime(h.clock.Now()), Kind: v1.InteractionAutoReply, Medium: "Email", ReturnDate: "2026-11-23"})
	res := h.poke(l)
	got := h.get(l)
	back := mustTime("2026-11-23T08:00:00Z") // Monday 09:00 in Warsaw
	if got.Status.Phase != v1.PhaseOutOfOffice || got.Status.OutOfOffice == nil || !got.Status.OutOfOffice.Until.Time.Equal(back) ||
		got.Status.OutOfOffice.ReturnDate != "2026-11-23" {
		t.Fatalf("phase %s, outOfOffice %+v", got.Status.Phase, got.Status.OutOfOffice)
	}
	if want := "out of office until 2026-11-23, then 2/3 send-catalog"; got.Status.Stage != want {
		t.Errorf("stage %q, want %q", got.Status.Stage, want)
	}
	if res.RequeueAfter != back.Sub(h.clock.Now()) {
		t.Errorf("requeue after %s, want until the return", res.RequeueAfter)
	}
	if len(got.Status.Interactions) != 1 || got.Status.Engagement.Replies != 0 || got.Status.FirstResponse.State != v1.SLAMet {
		t.Errorf("interactions %d, replies %d, SLA %s", len(got.Status.Interactions), got.Status.Engagement.Replies, got.Status.FirstResponse.State)
	}
	if ready := conditionText(got, v1.ConditionReady); !strings.HasPrefix(ready, "True/OutOfOffice") {
		t.Errorf("Ready = %s", ready)
	}

	// When send-catalog would have been due, nothing goes out.
	h.clock.SetTime(mustTime("2026-11-18T08:00:00Z"))
	h.poke(l)
	if n := len(h.sent.Deliveries()); n != 1 {
		t.Fatalf("%d deliveries while the contact is away", n)
	}

	// At the return the cadence goes on where it was.
	h.clock.SetTime(back)
	h.poke(l)
	got = h.get(l)
	if n := len(h.sent.Deliveries()); n != 2 || got.Status.Touches[1].Step != "send-catalog" {
		t.Fatalf("%d deliveries after the return, touches %+v", n, got.Status.Touches)
	}
	if got.Status.Phase != v1.PhaseInCadence || got.Status.Stage != "3/3 call-with-offer" {
		t.Errorf("after the return: phase %s stage %q", got.Status.Phase, got.Status.Stage)
	}
}
