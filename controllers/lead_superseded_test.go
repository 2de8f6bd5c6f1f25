package controllers

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// TestSupersededVersions: the version a write replaced reads as behind until another
// version is read; entries older than supersededTTL are swept by later writes, so leads
// that are not reconciled again leave nothing behind.
func TestSupersededVersions(t *testing.T) {
	var s supersededVersions
	t0 := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	a, b := types.NamespacedName{Namespace: "sales", Name: "a"}, types.NamespacedName{Namespace: "sales", Name: "b"}
	s.replaced(a, "10", "11", t0)
	if !s.behind(a, "10", t0) || !s.behind(a, "10", t0) {
		t.Fatal("the replaced version does not read as behind")
	}
	if s.behind(a, "11", t0) || s.behind(a, "10", t0) {
		t.Fatal("after the newer version was read, the entry must be gone")
	}
	s.replaced(a, "12", "13", t0)
	s.replaced(b, "20", "21", t0.Add(supersededTTL+time.Second)) // sweeps a's old entry
	if s.behind(a, "12", t0.Add(supersededTTL+time.Second)) {
		t.Error("an entry older than the TTL survived a sweep")
	}
	if !s.behind(b, "20", t0.Add(supersededTTL+time.Second)) {
		t.Error("a fresh entry was swept")
	}
	s.forget(b)
	if s.behind(b, "20", t0.Add(supersededTTL+time.Second)) || len(s.by) != 0 {
		t.Errorf("entries left: %v", s.by)
	}
}

// TestSupersededVersionExpiresOnRead: a replaced version the cache keeps serving (the
// server took the write without a new version) reads as behind for supersededTTL at
// most, even with no later write to sweep it: the lead is never held for good.
func TestSupersededVersionExpiresOnRead(t *testing.T) {
	var s supersededVersions
	t0 := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	a := types.NamespacedName{Namespace: "sales", Name: "a"}
	s.replaced(a, "10", "11", t0)
	if !s.behind(a, "10", t0.Add(supersededTTL)) {
		t.Fatal("behind must hold up to the TTL")
	}
	if s.behind(a, "10", t0.Add(supersededTTL+time.Millisecond)) {
		t.Fatal("the replaced version still reads as behind past the TTL")
	}
	if len(s.by) != 0 {
		t.Errorf("an expired entry was kept: %v", s.by)
	}
}

// TestNoOpWriteHoldsNothing: a status write the server took without a new version (equal
// once serialized) leaves the cache's copy current; it must not hold the lead for
// supersededTTL, nor drop the hold an earlier write of the same lead left.
func TestNoOpWriteHoldsNothing(t *testing.T) {
	var s supersededVersions
	t0 := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	a := types.NamespacedName{Namespace: "sales", Name: "a"}
	s.replaced(a, "10", "10", t0)
	if s.behind(a, "10", t0) {
		t.Fatal("a write that made no new version holds the lead")
	}
	s.replaced(a, "10", "11", t0)
	s.replaced(a, "11", "11", t0) // a second pass, from the version the first one wrote
	if !s.behind(a, "10", t0) {
		t.Error("a no-op write dropped the hold on the version an earlier write replaced")
	}
	if s.behind(a, "11", t0) {
		t.Error("the current version reads as behind")
	}
}
