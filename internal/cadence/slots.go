package cadence

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// SlotMessage is what a touch waiting for its channel's rate limit says in status.
const SlotMessage = "queued for the channel's rate limit"

// awaitSlot holds a message touch until its channel's rate-limit slot when that slot is
// later than now: the intent is written with the slot as its next attempt, so a backlog
// costs no write of its own, and the touch is not in flight while it waits (a reply
// meanwhile skips it; nothing is sent after it). next is the lead's (or after-sales')
// next touch time. Tasks are not rate limited.
func (t *transition) awaitSlot(rec *v1.TouchRecord, touch *Touch, next **metav1.Time) *Touch {
	if t.in.Slot == nil || touch.Record.PerformedBy == v1.PerformedByOwner || touch.Record.Channel == "" {
		return touch
	}
	at := t.in.Slot(touch.Record.Channel, touch.Record.Key)
	if !at.After(t.now) {
		return touch
	}
	rec.NextAttemptAt, rec.Message = metaTime(at), SlotMessage
	*next = metaTime(at)
	t.queued = true
	t.at(at)
	return nil
}
