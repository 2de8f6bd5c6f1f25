package controllers_test

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestSlotSend: a touch sent at its rate-limit slot has no status write before it (its
// intent was written when it was queued), so no optimistic lock stands behind the
// send. A reconcile whose cache is behind the stored lead must send nothing then:
// neither to a lead closed just before its slot, nor a touch whose Sent is already
// written (a new leader, or this process once its memory of the replaced version is
// gone). Each case reads the lead from a stale cache (harness.stale) at the slot.
func TestSlotSend(t *testing.T) {
	t.Run("closed before its slot", func(t *testing.T) {
		h, rcv, leads := limitedLeads(t, 11)
		eleventh := leads[10]
		queued := h.get(eleventh)
		closed := queued.DeepCopy()
		closed.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeLost, At: metav1.NewTime(limitedStart)}
		if err := k8s.Update(context.Background(), closed); err != nil {
			t.Fatal(err)
		}
		atSlot(h, queued)
		h.stale = queued // the cache has not seen the close yet
		if res := h.poke(eleventh); res.RequeueAfter <= 0 || res.RequeueAfter > time.Second {
			t.Errorf("requeue %v from a cache behind the close, want a short look again", res.RequeueAfter)
		}
		if n := len(rcv.of(eleventh.Name)); n != 0 {
			t.Fatalf("%d touches sent to a lead closed before its slot", n)
		}
		h.stale = nil
		h.poke(eleventh)
		if got := h.get(eleventh).Status.Touches; len(got) != 1 || got[0].Result != v1.TouchSkipped || len(rcv.of(eleventh.Name)) != 0 {
			t.Errorf("after the cache caught up: %+v, %d received; want skipped, nothing sent", got, len(rcv.of(eleventh.Name)))
		}
	})
	t.Run("a new leader behind the recorded send", func(t *testing.T) {
		h, rcv, leads := limitedLeads(t, 11)
		eleventh := leads[10]
		queued := sentAtSlot(t, h, rcv, eleventh)
		h.restart() // a new leader: no memory of the versions its predecessor replaced
		h.r.Dispatcher = limitedRouter(h)
		h.stale = queued
		h.poke(eleventh)
		h.stale = nil
		if n := len(rcv.of(eleventh.Name)); n != 1 {
			t.Errorf("%d deliveries of the touch, want 1: the new leader sent it again from a stale cache", n)
		}
	})
	t.Run("the replaced version forgotten", func(t *testing.T) {
		h, rcv, leads := limitedLeads(t, 11)
		eleventh := leads[10]
		queued := sentAtSlot(t, h, rcv, eleventh)
		time.Sleep(3200 * time.Millisecond) // the channel has a token again
		h.clock.Step(31 * time.Second)      // past the memory of the replaced version
		h.stale = queued
		h.poke(eleventh)
		h.stale = nil
		if n := len(rcv.of(eleventh.Name)); n != 1 {
			t.Errorf("%d deliveries of the touch, want 1: sent again from a stale cache", n)
		}
	})
}

// atSlot waits for the queued touch's slot on the real limiter and sets the fake
// clock to it.
func atSlot(h *harness, queued *v1.Lead) {
	h.t.Helper()
	rec := queued.Status.Touches[0]
	if rec.Result != v1.TouchPending || rec.NextAttemptAt == nil {
		h.t.Fatalf("not queued: %+v", rec)
	}
	time.Sleep(3200 * time.Millisecond) // the limiter runs on real time
	h.clock.SetTime(rec.NextAttemptAt.Time.Add(time.Second))
}

// sentAtSlot lets the queued lead's touch go at its slot and returns the lead as it was
// while queued.
func sentAtSlot(t *testing.T, h *harness, rcv *bodies, l *v1.Lead) *v1.Lead {
	t.Helper()
	queued := h.get(l)
	atSlot(h, queued)
	h.poke(l)
	if got := h.get(l).Status.Touches; len(got) != 1 || got[0].Result != v1.TouchSent || len(rcv.of(l.Name)) != 1 {
		t.Fatalf("at its slot: %+v, %d received", got, len(rcv.of(l.Name)))
	}
	return queued
}
