package cadence

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Step of a simulation: what the engine did at one instant.
type SimEvent struct {
	At    time.Time
	Touch *v1.TouchRecord // the touch performed, if any
	Stage string
	SLA   v1.SLAState
}

// Responder answers a dispatched touch in a simulation: the outcome, and optionally an
// interaction the customer (or rep) records at some later time.
type Responder func(t v1.TouchRecord, now time.Time) (Outcome, *v1.InteractionEntry)

// Simulate runs the engine over one lead with a simulated clock from start until the
// horizon or until nothing more is scheduled. Interactions the responder returns are
// appended to the lead's spec when their time comes. It returns the events in order and
// leaves the lead in its final state.
func Simulate(p *v1.FollowUpPolicySpec, revision string, lead *v1.Lead, channels map[string]v1.ChannelType,
	start, horizon time.Time, respond Responder) ([]SimEvent, error) {
	var events []SimEvent
	var pending []v1.InteractionEntry
	now := start
	// A bound on iterations guards against a planning bug turning into a spin.
	for i := 0; i < 10000 && !now.After(horizon); i++ {
		lead.Spec.Interactions, pending = releaseDue(lead.Spec.Interactions, pending, now)
		d, err := Evaluate(Input{Now: now, Policy: p, Revision: revision, Lead: lead, Channels: channels})
		if err != nil {
			return events, err
		}
		Apply(&lead.Status, d, revision)
		if d.Escalate {
			lead.Status.FirstResponse.Escalated = true
		}
		if d.Warn {
			lead.Status.FirstResponse.Warned = true
		}
		if d.Due != nil {
			rec := d.Due.Record
			o, reply := Sent, (*v1.InteractionEntry)(nil)
			if rec.PerformedBy == v1.PerformedByOwner {
				o = TaskAssigned
			}
			if respond != nil {
				o, reply = respond(rec, now)
			}
			Record(&rec, o, "", now)
			UpsertTouch(&lead.Status, rec)
			if reply != nil {
				pending = append(pending, *reply)
			}
			events = append(events, SimEvent{At: now, Touch: &rec, Stage: d.Stage, SLA: d.SLA.State})
			continue // re-plan at the same instant
		}
		events = append(events, SimEvent{At: now, Stage: d.Stage, SLA: d.SLA.State})
		next := d.NextAt
		for _, in := range pending {
			if next.IsZero() || in.At.Time.Before(next) {
				next = in.At.Time
			}
		}
		if next.IsZero() {
			break
		}
		if !next.After(now) {
			next = now.Add(time.Second)
		}
		now = next
	}
	return events, nil
}

func releaseDue(have, pending []v1.InteractionEntry, now time.Time) ([]v1.InteractionEntry, []v1.InteractionEntry) {
	var keep []v1.InteractionEntry
	for _, in := range pending {
		if !in.At.Time.After(now) {
			have = append(have, in)
		} else {
			keep = append(keep, in)
		}
	}
	return have, keep
}

// ReplyAt is a convenience for responders: a reply of the given quality at t.
func ReplyAt(t time.Time, quality int32) *v1.InteractionEntry {
	q := quality
	return &v1.InteractionEntry{At: metav1.NewTime(t), Kind: v1.InteractionReply, Direction: v1.Inbound, Quality: &q}
}
