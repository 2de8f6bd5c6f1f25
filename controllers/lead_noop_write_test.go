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
// such a write apart from one that replaced the cache's copy (TestNoOpWriteHoldsNothing).
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
