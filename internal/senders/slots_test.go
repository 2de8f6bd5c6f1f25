package senders_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/senders"
)

// TestSlotsQueueTouchesAtTheChannelsRate: at 60 a minute (a burst of 10), the first ten
// keys go now and each further key gets the next second; asking again for a key gives
// its slot, not a new one; a released slot is the next key's; a send takes its key's
// slot instead of a token of its own; a slot too far off defers the send and stays the
// key's; a touch moved to a fallback channel gives its slot back.
func TestSlotsQueueTouchesAtTheChannelsRate(t *testing.T) {
	srv := newServer(t, nil)
	var cs channels
	ch := webhook("limited", srv.URL, "JSON")
	ch.Spec.RateLimit.PerMinute = 60
	cs.add(ch, nil)
	other := webhook("other", srv.URL, "JSON")
	cs.add(other, nil)
	r := senders.NewRouter(&cs, nil, senders.WithMaxRateWait(50*time.Millisecond))
	ctx := context.Background()
	reserve := func(channel, key string) (time.Duration, bool) { return r.Reserve(ctx, "sales", channel, key) }

	for i := range 10 {
		if wait, fresh := reserve("limited", fmt.Sprint("k", i)); wait != 0 || !fresh {
			t.Fatalf("key %d of the burst: wait %s fresh %v, want now", i, wait, fresh)
		}
	}
	near := func(got, want time.Duration) bool { return got > want-300*time.Millisecond && got <= want }
	if wait, fresh := reserve("limited", "k10"); !near(wait, time.Second) || !fresh {
		t.Fatalf("k10: wait %s fresh %v, want about 1s", wait, fresh)
	}
	if wait, fresh := reserve("limited", "k10"); !near(wait, time.Second) || fresh {
		t.Fatalf("k10 again: wait %s fresh %v, want its own slot", wait, fresh)
	}
	if wait, _ := reserve("limited", "k11"); !near(wait, 2*time.Second) {
		t.Fatalf("k11: wait %s, want about 2s", wait)
	}
	r.Release("k11")
	if wait, _ := reserve("limited", "k12"); !near(wait, 2*time.Second) {
		t.Fatalf("k12 after k11's release: wait %s, want k11's 2s", wait)
	}

	d := delivery("limited")
	d.Key = "k0"
	if res := r.Dispatch(ctx, d); res.Outcome != cadence.Sent {
		t.Fatalf("k0 with its slot: %+v", res)
	}
	d.Key = "k10" // its slot is about a second off, past the 50ms a send waits
	res := r.Dispatch(ctx, d)
	if res.Outcome != cadence.Deferred || !near(time.Until(res.RetryAt), time.Second) {
		t.Fatalf("k10 before its slot: %+v, want deferred to it", res)
	}
	if _, fresh := reserve("limited", "k10"); fresh {
		t.Fatal("a deferred send lost its slot")
	}
	if wait, _ := reserve("limited", "k13"); !near(wait, 3*time.Second) {
		t.Fatalf("k13: wait %s, want about 3s: the sends took their own slots, no further token", wait)
	}
	if n := len(srv.requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	time.Sleep(time.Until(res.RetryAt))
	if res := r.Dispatch(ctx, d); res.Outcome != cadence.Sent {
		t.Fatalf("k10 at its slot: %+v", res)
	}
	if wait, fresh := reserve("other", "k12"); wait != 0 || !fresh {
		t.Fatalf("k12 moved to another channel: wait %s fresh %v", wait, fresh)
	}
	if _, fresh := reserve("limited", "k12"); !fresh {
		t.Fatal("k12 kept its slot on the channel it left")
	}
}
