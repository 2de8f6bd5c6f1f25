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

// TestSlotOutsideTheCustomersHours: a backlog draining into the evening must not send
// at night. Friday 2026-10-23 17:50 in Berlin, the channel's slot at 18:10 is past the
// customer's 18:00 close: the slot is given back and the touch waits, with its key, for
// Monday 09:00, which after the end of summer time on Sunday is 08:00 UTC. A step
// marked Anytime takes the evening slot.
func TestSlotOutsideTheCustomersHours(t *testing.T) {
	now := at("2026-10-23T15:50:00Z") // Friday 17:50 CEST
	slot := at("2026-10-23T16:10:00Z")
	monday := at("2026-10-26T08:00:00Z") // Monday 09:00 CET
	for _, anytime := range []bool{false, true} {
		l := lead("Europe/Berlin", "high", "2026-10-23T15:50:00Z")
		p := industrial()
		if anytime {
			p.Steps[0].SendWindow = v1.SendAnytime
		}
		in := input(l, p, now)
		in.Slot = func(string, string) time.Time {
			if in.Now.Before(monday) {
				return slot
			}
			return time.Time{}
		}
		var released []string
		in.ReleaseSlot = func(key string) { released = append(released, key) }
		res := decide(t, in)
		if res.Touch != nil {
			t.Fatalf("anytime=%v: sent at once, before its slot: %+v", anytime, res.Touch.Record)
		}
		rec := l.Status.Touches[0]
		if anytime {
			if !rec.NextAttemptAt.Time.Equal(slot) || rec.Message != SlotMessage || len(released) != 0 {
				t.Errorf("Anytime step: next attempt %v %q, released %q; want the evening slot %s", rec.NextAttemptAt, rec.Message, released, slot)
			}
			continue
		}
		if rec.NextAttemptAt == nil || !rec.NextAttemptAt.Time.Equal(monday) || rec.Message != SlotAfterHoursMessage {
			t.Fatalf("next attempt %v %q, want Monday 09:00 Berlin (%s) waiting for the hours", rec.NextAttemptAt, rec.Message, monday)
		}
		if len(released) != 1 || released[0] != rec.Key {
			t.Errorf("slots given back %q, want the touch's own %s", released, rec.Key)
		}
		if !res.NextAt.Equal(monday) {
			t.Errorf("wakes at %s, want %s", res.NextAt, monday)
		}
		if c := cond(res.Status, v1.ConditionReconciling); c == "True/TouchInFlight" {
			t.Errorf("Reconciling = %s for a weekend's wait: it is not being sent", c)
		}
		for _, night := range []string{"2026-10-23T16:10:00Z", "2026-10-24T10:00:00Z", "2026-10-26T07:59:00Z"} {
			in.Now = at(night)
			if res = decide(t, in); res.Touch != nil {
				t.Fatalf("sent at %s, outside the customer's hours", night)
			}
		}
		in.Now = monday
		res = decide(t, in)
		if res.Touch == nil || res.Touch.Record.Key != rec.Key {
			t.Fatalf("Monday 09:00: %+v, want the touch with its key %s", res.Touch, rec.Key)
		}
	}
}
