package dispatch

import (
	"context"
	"sync"

	"github.com/go-logr/logr"

	"github.com/followup-io/followup-operator/internal/cadence"
)

// Recording is a Dispatcher that performs nothing outside the process: it records each
// delivery and notice, and answers Sent (TaskAssigned for tasks) unless told otherwise.
// Tests use it, and `make dev` until the real senders are configured; it logs the
// touch's key, step and channel, never the contact or the text.
type Recording struct {
	Log logr.Logger

	mu         sync.Mutex
	deliveries []Delivery
	notices    []Notice
	byKey      map[string]int
	// Answer, when set, decides the outcome of a delivery.
	Answer func(Delivery) Result
	// NoticeAnswer, when set, decides the outcome of a notice.
	NoticeAnswer func(Notice) Result
}

// Dispatch records d.
func (r *Recording) Dispatch(_ context.Context, d Delivery) Result {
	r.mu.Lock()
	if r.byKey == nil {
		r.byKey = map[string]int{}
	}
	r.deliveries = append(r.deliveries, d)
	r.byKey[d.Key]++
	answer := r.Answer
	r.mu.Unlock()

	res := Result{Outcome: cadence.Sent}
	if d.Task {
		res = Result{Outcome: cadence.TaskAssigned, Message: "task for " + d.Owner}
	}
	if answer != nil {
		res = answer(d)
	}
	if r.Log.GetSink() != nil {
		r.Log.Info("touch dispatched", "lead", d.Lead, "step", d.Step, "touch", d.Number, "channel", d.Channel,
			"task", d.Task, "key", d.Key, "outcome", res.Outcome)
	}
	return res
}

// Notify records n.
func (r *Recording) Notify(_ context.Context, n Notice) Result {
	r.mu.Lock()
	r.notices = append(r.notices, n)
	answer := r.NoticeAnswer
	r.mu.Unlock()
	res := Result{Outcome: cadence.Sent}
	if answer != nil {
		res = answer(n)
	}
	if r.Log.GetSink() != nil {
		r.Log.Info("notice", "lead", n.Lead, "reason", n.Reason, "channel", n.Channel, "owner", n.Owner, "outcome", res.Outcome)
	}
	return res
}

// Deliveries returns a copy of what was dispatched, in order.
func (r *Recording) Deliveries() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Delivery(nil), r.deliveries...)
}

// Notices returns a copy of the notices, in order.
func (r *Recording) Notices() []Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Notice(nil), r.notices...)
}

// Count is how often a key was dispatched.
func (r *Recording) Count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byKey[key]
}
