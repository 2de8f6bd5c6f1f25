package senders_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	testingclock "k8s.io/utils/clock/testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/senders"
)

// roughly reports whether got is want, give or take a second.
func roughly(got, want time.Duration) bool { return got > want-time.Second && got < want+time.Second }

// TestSlotsFollowAChannelEdit: slots reserved on a bucket the channel's edit rebuilt are
// void; their keys queue again at the new rate, in Reserve and at send time, so a lowered
// rate holds at once instead of after the old backlog. A bucket with slots still ahead is
// not pruned as idle (rebuilt, it would hand out a fresh burst on top of them).
func TestSlotsFollowAChannelEdit(t *testing.T) {
	srv := newServer(t, nil)
	r, ch := limitedRouter(srv, "limited", 60, senders.WithMaxRateWait(50*time.Millisecond))
	ch.Generation = 1
	ctx := context.Background()
	reserve := func(key string) (time.Duration, bool) { return r.Reserve(ctx, "sales", "limited", key) }
	for i := range 20 { // ten now, then one a second
		reserve(fmt.Sprint("k", i))
	}

	ch.Spec.RateLimit.PerMinute, ch.Generation = 6, 2 // a burst of six, then one each 10s
	soon := 0                                         // sends booked within 10s of the edit
	for i := range 6 {
		if wait, _ := reserve(fmt.Sprint("n", i)); wait <= 10*time.Second {
			soon++
		}
	}
	d := delivery("limited")
	d.Key = "k0" // its old slot is now; the new bucket's burst is spent
	if res := r.Dispatch(ctx, d); res.Outcome != cadence.Deferred || !roughly(time.Until(res.RetryAt), 10*time.Second) {
		t.Errorf("k0 at send time: %+v, want deferred 10s, to the new bucket's next slot", res)
	}
	kept := 0
	for i := range 20 {
		wait, fresh := reserve(fmt.Sprint("k", i))
		if wait <= 10*time.Second {
			soon++
		}
		if !fresh {
			kept++
		}
	}
	if kept > 0 || soon > 7 {
		t.Errorf("%d keys kept their old slots; %d sends booked within 10s at 6 a minute, want at most 7", kept, soon)
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}

	t.Run("a bucket with slots ahead is kept", func(t *testing.T) {
		clk := testingclock.NewFakeClock(due)
		r, _ := limitedRouter(srv, "slow", 1, senders.WithClock(clk))
		for i := range 20 { // one a minute, the last at 19m
			r.Reserve(ctx, "sales", "slow", fmt.Sprint("k", i))
		}
		clk.Step(11 * time.Minute) // nothing reserved or sent meanwhile
		if wait, _ := r.Reserve(ctx, "sales", "slow", "late"); !roughly(wait, 9*time.Minute) {
			t.Errorf("a key after the backlog: wait %s, want 9m (after k19)", wait)
		}
	})
}

// TestStaleSlotIsReservedAgain: a touch that could not use its slot for more than ten
// minutes (business hours closed, the operator down) queues again at the channel's rate,
// in Reserve and at send time, instead of a night's backlog going at once; a touch late
// by less (a busy operator) keeps its place.
func TestStaleSlotIsReservedAgain(t *testing.T) {
	srv := newServer(t, nil)
	clk := testingclock.NewFakeClock(due)
	r, _ := limitedRouter(srv, "slow", 6, senders.WithClock(clk))
	ctx := context.Background()
	reserve := func(key string) (time.Duration, bool) { return r.Reserve(ctx, "sales", "slow", key) }
	slotOf := func(i int) time.Duration { return time.Duration(max(i-5, 0)) * 10 * time.Second }
	for i := range 120 { // six now, then one each 10s: k119 at 19m
		reserve(fmt.Sprint("k", i))
	}

	clk.Step(15 * time.Minute) // none went; this send prunes the slots stale by now (k0..k34)
	d := delivery("slow")
	d.Key = "k60" // 5m50s late
	if res := r.Dispatch(ctx, d); res.Outcome != cadence.Sent {
		t.Errorf("k60 at send time: %+v, want sent on its slot", res)
	}
	clk.Step(40 * time.Second) // k35..k38 go stale before the next pruning
	d.Key = "k35"
	if res := r.Dispatch(ctx, d); res.Outcome != cadence.Deferred || !roughly(res.RetryAt.Sub(clk.Now()), 19*time.Minute+10*time.Second-clk.Since(due)) {
		t.Errorf("k35, %s late, at send time: %+v, want deferred after k119", clk.Since(due.Add(slotOf(35))), res)
	}
	for i := 36; i <= 38; i++ {
		if wait, fresh := reserve(fmt.Sprint("k", i)); !fresh || wait < 3*time.Minute {
			t.Errorf("k%d, %s late: wait %s fresh %v, want a new slot after k119", i, clk.Since(due.Add(slotOf(i))), wait, fresh)
		}
	}
	if wait, fresh := reserve("k39"); wait != 0 || fresh {
		t.Errorf("k39, 9m50s late: wait %s fresh %v, want its own slot, now", wait, fresh)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestSlotsPerTenant: a backlog on a channel in one namespace does not delay a channel of
// the same name in another.
func TestSlotsPerTenant(t *testing.T) {
	srv := newServer(t, nil)
	r, _ := limitedRouter(srv, "limited", 2, senders.WithMaxRateWait(50*time.Millisecond))
	ctx := context.Background()
	for i := range 16 {
		r.Reserve(ctx, "tenant-a", "limited", fmt.Sprint("a", i))
	}
	if wait, _ := r.Reserve(ctx, "tenant-a", "limited", "a16"); wait < 7*time.Minute {
		t.Fatalf("tenant-a's backlog: the 17th waits %s, want about 7m", wait)
	}
	if wait, fresh := r.Reserve(ctx, "tenant-b", "limited", "b0"); wait != 0 || !fresh {
		t.Fatalf("tenant-b's first slot: wait %s fresh %v, want now", wait, fresh)
	}
	d := delivery("limited")
	d.Lead.Namespace, d.Key = "tenant-b", "b0"
	if res := r.Dispatch(ctx, d); res.Outcome != cadence.Sent {
		t.Fatalf("tenant-b's send: %+v", res)
	}
}

// TestSlotsSurviveOtherReads: only a newer generation with another rate rebuilds a
// channel's bucket. A reconcile still holding the older read (concurrent readers of an
// edit) does not rebuild it back, each flip a fresh burst; an edit of anything but the
// rate keeps the bucket and the slots reserved on it.
func TestSlotsSurviveOtherReads(t *testing.T) {
	clk := testingclock.NewFakeClock(due)
	srv := newServer(t, nil)
	r, ch := limitedRouter(srv, "limited", 60, senders.WithClock(clk), senders.WithMaxRateWait(50*time.Millisecond))
	ch.Generation = 2
	ctx := context.Background()
	reserve := func(key string) time.Duration { w, _ := r.Reserve(ctx, "sales", "limited", key); return w }
	for i := range 10 { // the burst
		reserve(fmt.Sprint("b", i))
	}
	queued := reserve("queued") // one second on
	if !roughly(queued, time.Second) {
		t.Fatalf("the eleventh key waits %s, want 1s", queued)
	}

	ch.Spec.RateLimit.PerMinute, ch.Generation = 600, 1 // an older read, as a lagging reconcile holds it
	now := 0
	for i := range 10 {
		if reserve(fmt.Sprint("stale", i)) == 0 {
			now++
		}
	}
	if now > 0 {
		t.Errorf("%d keys sent at once after a read of the older generation: the bucket was rebuilt with a fresh burst", now)
	}

	ch.Spec.RateLimit.PerMinute, ch.Generation = 60, 3 // a new URL, say: the same rate
	ch.Spec.Webhook.URL += "/v2"
	if w := reserve("queued"); !roughly(w, queued) {
		t.Errorf("after an edit that kept the rate, the queued key waits %s, want its slot %s", w, queued)
	}
}

// limitedRouter is a router over one JSON webhook channel to srv limited to perMinute;
// the channel is edited in place (the lookup hands out the same object).
func limitedRouter(srv *server, name string, perMinute int32, opts ...senders.Option) (*senders.Router, *v1.Channel) {
	var cs channels
	ch := webhook(name, srv.URL, "JSON")
	ch.Spec.RateLimit.PerMinute = perMinute
	cs.add(ch, nil)
	return senders.NewRouter(&cs, nil, opts...), ch
}
