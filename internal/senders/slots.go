package senders

import (
	"context"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/types"
)

// slotStale is how long past its time a slot is kept. A touch late by less (a busy
// operator) keeps its place; one held back longer (business hours closed, the operator
// down) queues again, or a night's backlog would all go at once in the morning.
const slotStale = 10 * time.Minute

// slot is a rate-limit token reserved for one touch key ahead of its send.
type slot struct {
	ch types.NamespacedName
	// cl is the bucket the token came from: once the channel's bucket is rebuilt (its
	// rate edited), the slot is void and the touch queues at the new rate.
	cl  *channelLimiter
	res *rate.Reservation
	at  time.Time
}

// usable reports whether s is still a slot on channel ch, whose bucket is now cl.
func (s slot) usable(ch types.NamespacedName, cl *channelLimiter, now time.Time) bool {
	return s.ch == ch && s.cl == cl && now.Sub(s.at) <= slotStale
}

// Reserve takes the channel's next token for the key (dispatch.Slots). A wait up to
// maxWait is reported as zero: the send takes it on its lane. A channel that cannot be
// read reserves nothing: its send reports the problem.
func (r *Router) Reserve(ctx context.Context, ns, channel, key string) (time.Duration, bool) {
	now, name := r.clock.Now(), types.NamespacedName{Namespace: ns, Name: channel}
	ch, _, _, ok := r.channel(ctx, ns, channel)
	if !ok || !hasSpec(ch) {
		return 0, false
	}
	cl := r.limiterFor(name, ch, now) // read first: an edited channel voids its slots
	if s, ok := r.slotOf(key, name, cl, now, false); ok {
		return r.shortWaitIsNow(s.at.Sub(now)), false
	}
	s, ok := reserveSlot(name, cl, now)
	if !ok {
		return 0, false
	}
	r.mu.Lock()
	if old, ok := r.slots[key]; ok && old.usable(name, cl, now) { // reserved meanwhile by a concurrent reconcile
		r.mu.Unlock()
		s.res.CancelAt(now)
		return r.shortWaitIsNow(old.at.Sub(now)), false
	}
	r.keepSlot(key, s)
	r.mu.Unlock()
	return r.shortWaitIsNow(s.at.Sub(now)), true
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
		s.res.CancelAt(r.clock.Now()) // Cancel would read the wall clock, not the limiter's
	}
}

// reserveSlot takes the bucket's next token as a slot.
func reserveSlot(ch types.NamespacedName, cl *channelLimiter, now time.Time) (slot, bool) {
	res := cl.limiter.ReserveN(now, 1)
	if !res.OK() {
		return slot{}, false
	}
	return slot{ch: ch, cl: cl, res: res, at: now.Add(res.DelayFrom(now))}, true
}

// slotOf is the key's usable slot on the channel, whose bucket is cl; take removes it.
// A void slot (on another channel: the touch moved to a fallback; on a rebuilt bucket;
// stale) is given back.
func (r *Router) slotOf(key string, ch types.NamespacedName, cl *channelLimiter, now time.Time, take bool) (slot, bool) {
	if key == "" {
		return slot{}, false
	}
	r.mu.Lock()
	s, had := r.slots[key]
	ok := had && s.usable(ch, cl, now)
	if had && (take || !ok) {
		delete(r.slots, key)
	}
	r.mu.Unlock()
	if had && !ok {
		s.res.CancelAt(now)
		return slot{}, false
	}
	return s, ok
}

// putSlot keeps a slot the send could not wait for, for the key's next try.
func (r *Router) putSlot(key string, s slot) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keepSlot(key, s)
}

// keepSlot stores the key's slot and keeps its bucket from being pruned before the slot
// is due (a rebuilt bucket would hand out a fresh burst on top of it). Callers hold mu.
func (r *Router) keepSlot(key string, s slot) {
	r.slots[key] = s
	if s.at.After(s.cl.used) {
		s.cl.used = s.at
	}
}

// pruneSlots drops stale slots whose touch was never sent (the lead replied or was
// deleted while it waited). Callers hold mu.
func (r *Router) pruneSlots(now time.Time) {
	for k, s := range r.slots {
		if now.Sub(s.at) > slotStale {
			delete(r.slots, k)
		}
	}
}
