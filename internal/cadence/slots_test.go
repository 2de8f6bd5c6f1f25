package cadence

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestTouchWaitsForItsRateLimitSlotInStatus: a touch whose channel's next slot is ten
// minutes away is written as an intent with that slot as its next attempt, and nothing
// is sent; at the slot it goes with the same key. The wait is one write, not a send
// tried and deferred.
func TestTouchWaitsForItsRateLimitSlotInStatus(t *testing.T) {
	now := at("2026-11-16T09:00:00Z")
	slot := now.Add(10 * time.Minute)
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	in := input(l, industrial(), now)
	var asked []string
	in.Slot = func(channel, key string) time.Time {
		asked = append(asked, channel)
		if in.Now.Before(slot) {
			return slot
		}
		return time.Time{}
	}
	res := decide(t, in)
	if res.Touch != nil {
		t.Fatalf("sent before its slot: %+v", res.Touch.Record)
	}
	rec := l.Status.Touches[0]
	if rec.Result != v1.TouchPending || rec.Channel != "email" || rec.NextAttemptAt == nil || !rec.NextAttemptAt.Time.Equal(slot) ||
		rec.Message != SlotMessage {
		t.Fatalf("intent %+v, want Pending on email with its next attempt at the slot", rec)
	}
	if !res.NextAt.Equal(slot) || l.Status.NextTouchAt == nil || !l.Status.NextTouchAt.Time.Equal(slot) {
		t.Errorf("next %s nextTouchAt %v, want the slot %s", res.NextAt, l.Status.NextTouchAt, slot)
	}
	if c := cond(res.Status, v1.ConditionReconciling); c != "True/TouchInFlight" {
		t.Errorf("Reconciling = %s while queued, want True/TouchInFlight (the send at the slot then changes only the result)", c)
	}
	if len(asked) != 1 || asked[0] != "email" {
		t.Errorf("slots asked for %q, want one for email", asked)
	}

	in.Now = now.Add(5 * time.Minute) // woken early (an interaction, a restart): still waits, still shown queued
	if res = decide(t, in); res.Touch != nil {
		t.Fatalf("sent at %s, before its slot", in.Now)
	}
	if c := cond(res.Status, v1.ConditionReconciling); c != "True/TouchInFlight" {
		t.Errorf("Reconciling = %s while still queued, want True/TouchInFlight (no write until the slot)", c)
	}
	in.Now = slot
	res = decide(t, in)
	if res.Touch == nil || res.Touch.Record.Key != rec.Key || res.Touch.Record.Channel != "email" {
		t.Fatalf("at the slot: %+v, want the touch with key %s", res.Touch, rec.Key)
	}
	res = send(t, in, res, Sent, "")
	if got := l.Status.Touches[0]; got.Result != v1.TouchSent || got.NextAttemptAt != nil || got.Message == SlotMessage {
		t.Errorf("after the send: %+v", got)
	}
}

// TestReplyWhileQueuedSkipsTheTouch: a touch waiting for its slot is not in flight, so a
// reply meanwhile stops it and nothing goes out at the slot.
func TestReplyWhileQueuedSkipsTheTouch(t *testing.T) {
	now := at("2026-11-16T09:00:00Z")
	slot := now.Add(10 * time.Minute)
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	in := input(l, industrial(), now)
	in.Slot = func(string, string) time.Time {
		if in.Now.Before(slot) {
			return slot
		}
		return time.Time{}
	}
	decide(t, in)
	l.Spec.Interactions = append(l.Spec.Interactions, v1.InteractionEntry{At: metav1.NewTime(now.Add(3 * time.Minute)),
		Kind: v1.InteractionReply, Direction: v1.Inbound, ID: "r1"})
	in.Now = now.Add(3 * time.Minute)
	decide(t, in)
	in.Now = slot
	if res := decide(t, in); res.Touch != nil {
		t.Fatalf("sent after the reply: %+v", res.Touch.Record)
	}
	if got := l.Status.Touches[0]; got.Result != v1.TouchSkipped {
		t.Errorf("the queued touch is %s, want Skipped", got.Result)
	}
}

// TestTasksTakeNoSlot: a task for the owner is not rate limited.
func TestTasksTakeNoSlot(t *testing.T) {
	now := at("2026-11-16T09:00:00Z")
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	p := industrial()
	p.Steps = p.Steps[2:] // the call task first
	p.Steps[0].After = nil
	in := input(l, p, now)
	in.Slot = func(string, string) time.Time { return now.Add(time.Hour) }
	if res := decide(t, in); res.Touch == nil || res.Touch.Record.PerformedBy != v1.PerformedByOwner {
		t.Fatalf("the task waited for a slot: %+v", res.Touch)
	}
}
