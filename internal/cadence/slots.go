package cadence

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Why a message touch with its intent written waits (TouchRecord.Message).
const (
	// SlotMessage: waiting for the channel's rate-limit slot; shown as being sent.
	SlotMessage = "queued for the channel's rate limit"
	// SlotAfterHoursMessage: the slot fell outside the customer's business hours; the
	// touch asks for a slot again when they open.
	SlotAfterHoursMessage = "queued for the channel's rate limit: its slot fell outside the customer's business hours, asks again when they open"
	// AfterHoursMessage: due again (a retry, a late reconcile, a restart) while the
	// customer's business hours are closed.
	AfterHoursMessage = "waits for the customer's business hours"
)

// awaitSendTime decides whether a message touch whose intent is recorded (or just made)
// goes now. It waits for the customer's hours when now falls outside them (a retry's
// backoff, a reconcile or a restart that comes late), and for its channel's rate-limit
// slot when that is later than now: the intent is written with the wait as its next
// attempt, so a backlog costs no write of its own, and the touch is not in flight
// meanwhile (a reply skips it; nothing is sent after it). A slot outside the hours is
// given back and the touch asks again when they open: the rate limit must never send
// at night what the schedule would not. hours is nil for an Anytime step. next is the
// lead's (or after-sales') next touch time. Tasks are neither held nor rate limited.
func (t *transition) awaitSendTime(rec *v1.TouchRecord, touch *Touch, next **metav1.Time, hours *Schedule) *Touch {
	if touch.Record.PerformedBy == v1.PerformedByOwner || touch.Record.Channel == "" {
		return touch
	}
	if open := hours.Next(t.now); open.After(t.now) {
		return t.holdTouch(rec, next, open, AfterHoursMessage)
	}
	if t.in.Slot == nil {
		return touch
	}
	at := t.in.Slot(touch.Record.Channel, touch.Record.Key)
	if !at.After(t.now) {
		return touch
	}
	if open := hours.Next(at); open.After(at) {
		if t.in.ReleaseSlot != nil {
			t.in.ReleaseSlot(touch.Record.Key)
		}
		return t.holdTouch(rec, next, open, SlotAfterHoursMessage)
	}
	t.queued = true // shown as being sent: the send at the slot changes only the result
	return t.holdTouch(rec, next, at, SlotMessage)
}

// holdTouch keeps a touch's intent until a later attempt. A failure's message (the
// Delivering condition quotes it) stays; a wait's own message is replaced.
func (t *transition) holdTouch(rec *v1.TouchRecord, next **metav1.Time, until time.Time, msg string) *Touch {
	failed := (rec.Attempts > 0 || len(rec.FailedChannels) > 0) && rec.Message != SlotMessage
	if !failed || msg == SlotMessage {
		rec.Message = msg
	}
	rec.NextAttemptAt = metaTime(until)
	*next = metaTime(until)
	t.at(until)
	return nil
}

// sendHours is when a step's touch may land: the customer's hours, or always (nil) for
// an Anytime step.
func sendHours(step v1.Step, customer *Schedule) *Schedule {
	if step.SendWindow == v1.SendAnytime {
		return nil
	}
	return customer
}
