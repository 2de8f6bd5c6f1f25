package controllers_test

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestStatusEqualOnceSerializedKeepsItsVersion: the API server takes a status write that
// differs from the stored one only below the second (metav1.Time is stored in seconds)
// without a new resourceVersion. The lead controller's writeStatus relies on it to tell
// such a write apart from one that replaced the cache's copy (TestNoOpWriteHoldsNothing),
// and the harness's no-op count (TestNoStatusWriteIsANoOp) can only see one through it.
func TestStatusEqualOnceSerializedKeepsItsVersion(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	l := h.lead("subsecond", "standard", h.clock.Now())
	l.Status.Conditions = []metav1.Condition{{Type: "Ready", Status: metav1.ConditionFalse, Reason: "Testing",
		Message: "a condition to rewrite", LastTransitionTime: metav1.NewTime(h.clock.Now())}}
	if err := k8s.Status().Update(ctx, l); err != nil {
		t.Fatal(err)
	}
	stored := h.get(l)
	again := stored.DeepCopy()
	again.Status.Conditions[0].LastTransitionTime = metav1.NewTime(h.clock.Now().Add(300 * time.Millisecond))
	if err := k8s.Status().Update(ctx, again); err != nil {
		t.Fatal(err)
	}
	if again.ResourceVersion != stored.ResourceVersion {
		t.Errorf("a write equal once serialized made version %s from %s", again.ResourceVersion, stored.ResourceVersion)
	}
	changed := h.get(l)
	changed.Status.Conditions[0].Message = "another message"
	if err := k8s.Status().Update(ctx, changed); err != nil {
		t.Fatal(err)
	}
	if changed.ResourceVersion == stored.ResourceVersion {
		t.Error("a real change kept the version")
	}
}

// TestNoStatusWriteIsANoOp follows a lead through its whole cadence on clocks that are
// not on the second (the operator's real clock never is; the other tests' are), from a
// Saturday-night arrival across the end of summer time and from a Monday morning: every
// status write must change the stored lead. A write equal once serialized would cost the
// API server a full status update for nothing.
func TestNoStatusWriteIsANoOp(t *testing.T) {
	for _, start := range []time.Time{
		time.Date(2026, 10, 24, 21, 59, 59, 700_000_000, time.UTC), // Saturday 23:59:59.7 in Berlin; summer time ends the next night
		time.Date(2026, 11, 16, 9, 0, 0, 300_000_000, time.UTC),    // Monday 10:00:00.3
	} {
		h := newHarness(t, start)
		h.fixtures()
		l := h.lead("subsecond", "high", start)
		for i := 0; i < 200; i++ {
			res := h.poke(l)
			wait := res.RequeueAfter
			if wait <= 0 || wait > 3*time.Hour {
				wait = 3 * time.Hour // also look in between, as a resync would
			}
			h.clock.Step(wait + 137*time.Millisecond)
		}
		got := h.get(l)
		if got.Status.Stage != "3/3 call-with-offer (task overdue)" || h.writes.Load() < 8 {
			t.Fatalf("from %s: the cadence did not run through (stage %q, %d writes)", start, got.Status.Stage, h.writes.Load())
		}
		if n := h.noops.Load(); n != 0 {
			t.Errorf("from %s: %d of %d status writes changed nothing as stored", start, n, h.writes.Load())
		}
	}
}
