package cadence

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// SimEvent is what the engine did at one instant of a simulation.
type SimEvent struct {
	At     time.Time
	Touch  *v1.TouchRecord  // the touch performed, if any
	Notice *v1.NoticeRecord // the notice sent, if any
	Stage  string
	SLA    v1.SLAState
}

// Responder answers a dispatched touch in a simulation: the outcome, and optionally an
// interaction the customer (or rep) records at some later time.
type Responder func(t v1.TouchRecord, now time.Time) (Outcome, *v1.InteractionEntry)

// Simulate runs a lead through the same steps the operator takes, with a simulated
// clock from in.Now until the horizon or until nothing more is scheduled: interactions
// are folded in as the operator folds Interaction objects, Transition decides, the
// responder stands in for the channels, and ApplyTouchOutcome/ApplyNoticeOutcome record
// what came back. It returns the events in order and leaves in.Lead in its final state.
func Simulate(in Input, horizon time.Time, respond Responder) ([]SimEvent, error) {
	lead := in.Lead
	var events []SimEvent
	var pending []v1.InteractionEntry
	now := in.Now
	// A bound on iterations guards against a planning bug turning into a spin.
	for i := 0; i < 10000 && !now.After(horizon); i++ {
		var inbox []v1.Interaction
		inbox, pending = releaseDue(pending, now, len(events))
		Fold(lead, inbox, in.Policy)
		in.Now = now
		res, err := Transition(in)
		if err != nil {
			return events, err
		}
		lead.Status = res.Status
		if res.Touch != nil || len(res.Notices) > 0 {
			if t := res.Touch; t != nil {
				o, reply := Sent, (*v1.InteractionEntry)(nil)
				if t.Record.PerformedBy == v1.PerformedByOwner {
					o = TaskAssigned
				}
				if respond != nil {
					o, reply = respond(t.Record, now)
				}
				ApplyTouchOutcome(&lead.Status, TouchOutcome{Key: t.Record.Key, Outcome: o}, now)
				if reply != nil {
					pending = append(pending, *reply)
				}
				rec := touchByKey(&lead.Status, t.Record.Key)
				events = append(events, SimEvent{At: now, Touch: rec, Stage: res.Status.Stage, SLA: res.Status.FirstResponse.State})
			}
			for _, n := range res.Notices {
				ApplyNoticeOutcome(&lead.Status, n.Key, Sent, "", now)
				sent := n
				events = append(events, SimEvent{At: now, Notice: &sent, Stage: res.Status.Stage, SLA: res.Status.FirstResponse.State})
			}
			continue // decide again at the same instant, as the operator does after a send
		}
		events = append(events, SimEvent{At: now, Stage: res.Status.Stage, SLA: res.Status.FirstResponse.State})
		next := res.NextAt
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

// releaseDue turns the pending interactions whose time has come into Interaction
// objects, as a recorder would create them.
func releaseDue(pending []v1.InteractionEntry, now time.Time, seq int) ([]v1.Interaction, []v1.InteractionEntry) {
	var due []v1.Interaction
	var keep []v1.InteractionEntry
	for i, in := range pending {
		if in.At.Time.After(now) {
			keep = append(keep, in)
			continue
		}
		if in.ID == "" {
			in.ID = fmt.Sprintf("sim-%d-%d", seq, i)
		}
		due = append(due, v1.Interaction{ObjectMeta: metav1.ObjectMeta{Name: in.ID}, Spec: v1.InteractionSpec{InteractionEntry: in}})
	}
	return due, keep
}

func touchByKey(st *v1.LeadStatus, key string) *v1.TouchRecord {
	for i := range st.Touches {
		if st.Touches[i].Key == key {
			rec := st.Touches[i]
			return &rec
		}
	}
	return nil
}

// ReplyAt is a convenience for responders: a reply of the given quality at t.
func ReplyAt(t time.Time, quality int32) *v1.InteractionEntry {
	q := quality
	return &v1.InteractionEntry{At: metav1.NewTime(t), Kind: v1.InteractionReply, Direction: v1.Inbound, Quality: &q}
}
