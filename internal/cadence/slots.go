package cadence

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// SlotMessage is what a touch waiting for its channel's rate limit says in status.
const SlotMessage = "queued for the channel's rate limit"

// SlotAfterHoursMessage is what a touch says whose rate-limit slot fell outside the
// customer's business hours: it waits for them to open and asks for a slot then.
const SlotAfterHoursMessage = "queued for the channel's rate limit: its slot fell outside the customer's business hours, asks again when they open"

// awaitSlot holds a message touch until its channel's rate-limit slot when that slot is
// later than now: the intent is written with the slot as its next attempt, so a backlog
// costs no write of its own, and the touch is not in flight while it waits (a reply
// meanwhile skips it; nothing is sent after it). next is the lead's (or after-sales')
// next touch time. Tasks are not rate limited.
//
// A slot outside the customer's hours (a backlog draining into the evening) is given
// back and the touch waits for the hours to open, unless its step is Anytime: the
// rate limit must never send at night what the schedule would not.
func (t *transition) awaitSlot(rec *v1.TouchRecord, touch *Touch, next **metav1.Time) *Touch {
	if t.in.Slot == nil || touch.Record.PerformedBy == v1.PerformedByOwner || touch.Record.Channel == "" {
		return touch
	}
	at := t.in.Slot(touch.Record.Channel, touch.Record.Key)
	if !at.After(t.now) {
		return touch
	}
	msg, wake := SlotMessage, at
	if open := t.slotHours(touch.Step).Next(at); open.After(at) {
		if t.in.ReleaseSlot != nil {
			t.in.ReleaseSlot(touch.Record.Key)
		}
		msg, wake = SlotAfterHoursMessage, open
	}
	rec.NextAttemptAt, rec.Message = metaTime(wake), msg
	*next = metaTime(wake)
	t.queued = msg == SlotMessage // shown as being sent only while the slot holds it
	t.at(wake)
	return nil
}

// slotHours is when a step's touch may land: the customer's hours, or always for an
// Anytime step.
func (t *transition) slotHours(step v1.Step) *Schedule {
	if step.SendWindow == v1.SendAnytime || t.customer == nil {
		return nil
	}
	return t.customer
}
