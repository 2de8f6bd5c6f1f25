package senders

import (
	"context"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/types"
)

// slot is a rate-limit token reserved for one touch key ahead of its send.
type slot struct {
	ch  types.NamespacedName
	res *rate.Reservation
	at  time.Time
}

// Reserve takes the channel's next token for the key (dispatch.Slots). A wait up to
// maxWait is reported as zero: the send takes it on its lane. A channel that cannot be
// read reserves nothing: its send reports the problem.
func (r *Router) Reserve(ctx context.Context, ns, channel, key string) (time.Duration, bool) {
	now, name := time.Now(), types.NamespacedName{Namespace: ns, Name: channel}
	if s, ok := r.slotOf(key, name); ok {
		return r.shortWaitIsNow(s.at.Sub(now)), false
	}
	ch, _, _, ok := r.channel(ctx, ns, channel)
	if !ok || !hasSpec(ch) {
		return 0, false
	}
	cl := r.limiterFor(name, ch, now)
	res := cl.limiter.ReserveN(now, 1)
	if !res.OK() {
		return 0, false
	}
	at := now.Add(res.DelayFrom(now))
	r.mu.Lock()
	if s, ok := r.slots[key]; ok { // reserved meanwhile by a concurrent reconcile
		r.mu.Unlock()
		res.CancelAt(now)
		return r.shortWaitIsNow(s.at.Sub(now)), false
	}
	r.slots[key] = slot{ch: name, res: res, at: at}
	r.mu.Unlock()
	return r.shortWaitIsNow(at.Sub(now)), true
}

func (r *Router) shortWaitIsNow(wait time.Duration) time.Duration {
	if wait <= r.maxWait {
		return 0
	}
	return wait
}

// Release gives the key's slot back (dispatch.Slots).
func (r *Router) Release(key string) {
	r.mu.Lock()
	s, ok := r.slots[key]
	delete(r.slots, key)
	r.mu.Unlock()
	if ok {
		s.res.Cancel()
	}
}

// slotOf is the key's slot on the channel. A slot on another channel (the touch moved
// to a fallback) is given back.
func (r *Router) slotOf(key string, ch types.NamespacedName) (slot, bool) {
	r.mu.Lock()
	s, ok := r.slots[key]
	if ok && s.ch != ch {
		delete(r.slots, key)
	}
	r.mu.Unlock()
	if ok && s.ch != ch {
		s.res.Cancel()
		return slot{}, false
	}
	return s, ok
}

// takeSlot removes and returns the key's reserved slot on the channel, if it has one.
func (r *Router) takeSlot(key string, ch types.NamespacedName) (slot, bool) {
	if key == "" {
		return slot{}, false
	}
	s, ok := r.slotOf(key, ch)
	if ok {
		r.mu.Lock()
		delete(r.slots, key)
		r.mu.Unlock()
	}
	return s, ok
}

// putSlot keeps a slot the send could not wait for, for the key's next try.
func (r *Router) putSlot(key string, s slot) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.slots[key] = s
}

// pruneSlots drops slots long past whose touch was never sent (the lead replied or was
// deleted while it waited). Callers hold mu.
func (r *Router) pruneSlots(now time.Time) {
	for k, s := range r.slots {
		if now.Sub(s.at) > limiterIdle {
			delete(r.slots, k)
		}
	}
}
