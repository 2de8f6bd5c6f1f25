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
		released := slotted(&in, slot, monday)
		res := decide(t, in)
		if res.Touch != nil {
			t.Fatalf("anytime=%v: sent at once, before its slot: %+v", anytime, res.Touch.Record)
		}
		rec := l.Status.Touches[0]
		if anytime {
			if !rec.NextAttemptAt.Time.Equal(slot) || rec.Message != SlotMessage || len(*released) != 0 {
				t.Errorf("Anytime step: next attempt %v %q, released %q; want the evening slot %s", rec.NextAttemptAt, rec.Message, *released, slot)
			}
			continue
		}
		if rec.NextAttemptAt == nil || !rec.NextAttemptAt.Time.Equal(monday) || rec.Message != SlotAfterHoursMessage {
			t.Fatalf("next attempt %v %q, want Monday 09:00 Berlin (%s) waiting for the hours", rec.NextAttemptAt, rec.Message, monday)
		}
		if len(*released) != 1 || (*released)[0] != rec.Key {
			t.Errorf("slots given back %q, want the touch's own %s", *released, rec.Key)
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

// TestTouchDueAgainAtNightWaitsForTheHours: a message touch whose intent is written and
// which is due again after the customer's hours closed goes when they open, not at
// night: a reconcile that reaches its slot late, a transient failure's retry, and a
// restart at 23:00 with the touch still pending (Friday 2026-10-23 in Berlin; Monday
// 09:00 is 08:00 UTC after the end of summer time). The retry keeps its failure's
// message, which the Delivering condition quotes.
func TestTouchDueAgainAtNightWaitsForTheHours(t *testing.T) {
	monday := at("2026-10-26T08:00:00Z")
	queuedUntil := func(l *v1.Lead, now time.Time) Input { // a touch queued for a slot at 17:59:59
		in := input(l, industrial(), now)
		slotted(&in, at("2026-10-23T15:59:59Z"), at("2026-10-23T15:59:59Z"))
		return in
	}
	cases := map[string]struct {
		lead   func(t *testing.T) (Input, string)
		wantIn string // the message the held touch says
	}{
		"a reconcile that reaches its slot late": {func(t *testing.T) (Input, string) {
			l := lead("Europe/Berlin", "high", "2026-10-23T15:50:00Z")
			in := queuedUntil(l, at("2026-10-23T15:50:00Z"))
			decide(t, in)
			in.Now = at("2026-10-23T16:00:30Z") // 18:00:30, the operator was busy
			return in, ""
		}, AfterHoursMessage},
		"a transient failure's retry": {func(t *testing.T) (Input, string) {
			l := lead("Europe/Berlin", "high", "2026-10-23T15:59:00Z")
			in := input(l, industrial(), at("2026-10-23T15:59:00Z"))
			res := decide(t, in)
			if res.Touch == nil {
				t.Fatal("nothing sent at 17:59")
			}
			ApplyTouchOutcome(&l.Status, TouchOutcome{Key: res.Touch.Record.Key, Outcome: Transient, Message: "HTTP 503",
				Retry: Retry{}}, in.Now)
			in.Now = l.Status.Touches[0].NextAttemptAt.Time // 30 s later: 17:59:30 plus, or after close
			if !in.Now.Before(at("2026-10-23T16:00:00Z")) {
				t.Fatalf("backoff to %s, want it before the close for this case", in.Now)
			}
			in.Now = at("2026-10-23T16:00:30Z")
			return in, l.Status.Touches[0].Message
		}, ""},
		"a restart at 23:00 with the touch pending": {func(t *testing.T) (Input, string) {
			l := lead("Europe/Berlin", "high", "2026-10-23T15:59:00Z")
			in := input(l, industrial(), at("2026-10-23T15:59:00Z"))
			if res := decide(t, in); res.Touch == nil {
				t.Fatal("nothing sent at 17:59")
			}
			in.Now = at("2026-10-23T21:00:00Z") // the intent was written, the send never reported
			return in, ""
		}, AfterHoursMessage},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			in, failure := c.lead(t)
			res := decide(t, in)
			if res.Touch != nil {
				t.Fatalf("sent at %s, after the customer's hours closed", in.Now)
			}
			rec := in.Lead.Status.Touches[0]
			want := c.wantIn
			if want == "" {
				want = failure
			}
			if rec.Result != v1.TouchPending || rec.NextAttemptAt == nil || !rec.NextAttemptAt.Time.Equal(monday) || rec.Message != want {
				t.Fatalf("touch %s %v %q, want pending until Monday 09:00 (%s) saying %q", rec.Result, rec.NextAttemptAt, rec.Message, monday, want)
			}
			if !res.NextAt.Equal(monday) {
				t.Errorf("wakes at %s, want %s", res.NextAt, monday)
			}
			in.Now = monday
			if res = decide(t, in); res.Touch == nil || res.Touch.Record.Key != rec.Key {
				t.Fatalf("Monday 09:00: %+v, want the touch with its key %s", res.Touch, rec.Key)
			}
		})
	}
}

// TestAfterSalesSlotKeepsItsOwnHours: an after-sales touch is held to the after-sales
// policy's hours, not the sales policy's: a slot at 17:30 Berlin is past an after-sales
// close of 17:00 though inside the sales hours (to 18:00).
func TestAfterSalesSlotKeepsItsOwnHours(t *testing.T) {
	won := at("2026-11-17T15:50:00Z") // Tuesday 16:50 CET: the order confirmation is due
	l := wonLead(won)
	in := afterSalesInput(l, won)
	in.AfterSales.Policy.Schedule.BusinessHours.To = "17:00"
	slot := at("2026-11-17T16:30:00Z") // 17:30 CET
	released := slotted(&in, slot, slot)
	if res := decide(t, in); res.Touch != nil {
		t.Fatalf("sent at once: %+v", res.Touch.Record)
	}
	as := l.Status.AfterSales
	if as == nil || len(as.Touches) != 1 {
		t.Fatalf("after-sales %+v, want the order confirmation's intent", as)
	}
	wednesday := at("2026-11-18T08:00:00Z")
	if rec := as.Touches[0]; rec.NextAttemptAt == nil || !rec.NextAttemptAt.Time.Equal(wednesday) || len(*released) != 1 {
		t.Fatalf("intent %+v, released %q; want it held to Wednesday 09:00 CET, its 17:30 slot given back", rec, *released)
	}
	in.Now = slot
	if res := decide(t, in); res.Touch != nil {
		t.Fatalf("sent at 17:30 CET, after the after-sales close")
	}
}

// slotted gives the input a channel whose slot is at slot while the transition's time is
// before until, and free after; it returns the keys whose slots were given back.
func slotted(in *Input, slot, until time.Time) *[]string {
	in.Slot = func(string, string) time.Time {
		if in.Now.Before(until) {
			return slot
		}
		return time.Time{}
	}
	released := &[]string{}
	in.ReleaseSlot = func(key string) { *released = append(*released, key) }
	return released
}
