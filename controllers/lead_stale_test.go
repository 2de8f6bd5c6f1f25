package controllers_test

import (
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestLeadWaitsForItsCacheToCatchUp: a reconcile that reads the very version of the
// lead its own last status write replaced (the cache behind that write) does nothing and
// looks again shortly: no transition, no write that could only conflict, no send.
func TestLeadWaitsForItsCacheToCatchUp(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	h.fixtures()
	l := h.lead("behind", "high", start)
	var replaced string
	h.failWrite = func(l *v1.Lead) bool { replaced = l.ResourceVersion; return false }
	h.poke(l) // the intent and the result of touch 1
	if n := len(h.sent.Deliveries()); n != 1 || replaced == "" {
		t.Fatalf("%d deliveries, replaced %q", n, replaced)
	}
	behind := h.get(l)
	behind.ResourceVersion = replaced
	behind.Status.Touches[0].Result = v1.TouchPending // as the intent write left it
	h.stale = behind
	writes := h.writes.Load()
	res := h.poke(l)
	h.stale = nil
	if res.RequeueAfter <= 0 || res.RequeueAfter > time.Second {
		t.Errorf("requeue %v, want a short look again", res.RequeueAfter)
	}
	if n := h.writes.Load() - writes; n != 0 {
		t.Errorf("%d status writes from a read behind the last write, want none", n)
	}
	if n := len(h.sent.Deliveries()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
	h.poke(l) // caught up: an ordinary reconcile again
	if got := h.get(l); len(got.Status.Touches) != 1 || got.Status.Touches[0].Result != v1.TouchSent {
		t.Errorf("touches: %+v", got.Status.Touches)
	}
}
