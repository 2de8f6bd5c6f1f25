package controllers

import (
	"context"
	"testing"
	"time"

	testingclock "k8s.io/utils/clock/testing"

	"github.com/followup-io/followup-operator/internal/cadence"
)

// TestSendQueueForgetsOutcomes: an outcome is forgotten once its lead's write holds it;
// one whose lead went away is swept after resultTTL, by a write at most resultSweep
// later (not by every write, which walked every held outcome).
func TestSendQueueForgetsOutcomes(t *testing.T) {
	clk := testingclock.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	q := NewSendQueue(clk, true)
	run := func(context.Context) sendResult { return sendResult{outcome: cadence.Sent} }
	q.submit(context.Background(), sendJob{key: "kept", run: run})
	q.submit(context.Background(), sendJob{key: "gone", run: run})
	q.written(nil) // the first write sweeps (nothing is old yet) and starts the minute
	if _, ok := q.outcome("gone"); !ok {
		t.Fatal("a fresh outcome was swept")
	}
	q.written([]string{"kept"})
	if _, ok := q.outcome("kept"); ok || q.inFlight("kept") {
		t.Error("a written outcome is still held")
	}
	clk.Step(resultTTL - 30*time.Second)
	q.written(nil)
	clk.Step(45 * time.Second) // past the TTL, but within a minute of the last sweep
	q.written(nil)
	if _, ok := q.outcome("gone"); !ok {
		t.Fatal("swept again within resultSweep of the last sweep")
	}
	clk.Step(resultSweep)
	q.written(nil)
	if _, ok := q.outcome("gone"); ok || q.inFlight("gone") {
		t.Error("an outcome past resultTTL was not swept")
	}
}
