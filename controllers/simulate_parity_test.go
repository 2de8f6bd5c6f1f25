package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
	"github.com/followup-io/followup-operator/internal/gather"
)

// scenario answers touches the same way wherever it runs: the first attempt of touch 1
// gets a 503; each task is answered by a recorded call an hour after it is assigned.
func scenario() cadence.Responder {
	attempts := map[string]int{}
	return func(t v1.TouchRecord, now time.Time) (cadence.Outcome, *v1.InteractionEntry) {
		attempts[t.Key]++
		switch {
		case t.Number == 1 && attempts[t.Key] == 1:
			return cadence.Transient, nil
		case t.PerformedBy == v1.PerformedByOwner:
			return cadence.TaskAssigned, &v1.InteractionEntry{At: metav1.NewTime(now.Add(time.Hour)), Kind: v1.InteractionCallNoAnswer,
				TouchKey: t.Key, ID: "call-" + t.Key}
		}
		return cadence.Sent, nil
	}
}

// TestSimulatorMatchesTheController runs one lead through the operator's reconciler on
// a fake clock and through the simulator, with the same answers from the channels, and
// compares the touch records: both run cadence.Transition and the Apply*Outcome pair,
// so a policy reviewed with `kubectl followup simulate` behaves as it will in the cluster.
func TestSimulatorMatchesTheController(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	h.fixtures()
	l := h.lead("parity", "high", start)

	// The controller, driven by its own requeues.
	respond := scenario()
	var pending []v1.InteractionEntry
	h.sent.Answer = func(d dispatch.Delivery) dispatch.Result {
		rec := v1.TouchRecord{Key: d.Key, Number: d.Number, Step: d.Step, PerformedBy: v1.PerformedByAutomation}
		if d.Task {
			rec.PerformedBy = v1.PerformedByOwner
		}
		o, in := respond(rec, h.clock.Now())
		if in != nil {
			pending = append(pending, *in)
		}
		return dispatch.Result{Outcome: o, Message: string(o)}
	}
	horizon := start.Add(10 * 7 * 24 * time.Hour)
	for i := 0; i < 100; i++ {
		var keep []v1.InteractionEntry
		for _, in := range pending {
			if in.At.Time.After(h.clock.Now()) {
				keep = append(keep, in)
			} else {
				h.record(l, in)
			}
		}
		pending = keep
		res := h.poke(l)
		var next time.Time
		if res.RequeueAfter > 0 {
			next = h.clock.Now().Add(res.RequeueAfter)
		}
		for _, in := range pending {
			if next.IsZero() || in.At.Time.Before(next) {
				next = in.At.Time
			}
		}
		if next.IsZero() || next.After(horizon) {
			break
		}
		h.clock.SetTime(next)
	}
	operator := h.get(l)

	// The simulator, on the same objects as the API server holds them.
	ctx := context.Background()
	var p v1.FollowUpPolicy
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: h.ns, Name: "industrial"}, &p); err != nil {
		t.Fatal(err)
	}
	chans, err := gather.Channels(ctx, k8s, h.ns)
	if err != nil {
		t.Fatal(err)
	}
	sim := h.get(l)
	sim.Status = v1.LeadStatus{}
	in := cadence.Input{Now: start, Lead: sim, PolicyName: p.Name, Policy: &p.Spec, Revision: p.Status.StepsRevision,
		Channels: chans, Reps: cadence.Reps{Campaign: "cnc", Count: 3, Chat: map[string]string{"anna": "anna-chat"},
			Pick: func(exclude string) (string, bool) {
				return map[string]string{"": "anna", "anna": "jonas"}[exclude], true
			}}}
	if _, err := cadence.Simulate(in, horizon, scenario()); err != nil {
		t.Fatal(err)
	}

	t.Logf("operator:\n%s", touchRows(operator))
	if a, b := touchRows(operator), touchRows(sim); a != b {
		t.Errorf("the operator and the simulator differ:\noperator:\n%s\nsimulator:\n%s", a, b)
	}
	if operator.Status.Phase != sim.Status.Phase || operator.Status.Stage != sim.Status.Stage ||
		operator.Status.FirstResponse.Summary != sim.Status.FirstResponse.Summary {
		t.Errorf("operator ends %s %q %q, simulator %s %q %q", operator.Status.Phase, operator.Status.Stage, operator.Status.FirstResponse.Summary,
			sim.Status.Phase, sim.Status.Stage, sim.Status.FirstResponse.Summary)
	}
	if n := len(operator.Status.Touches); n != 4 || operator.Status.Phase != v1.PhaseFinished {
		t.Errorf("the scenario did not run its course: %d touches, phase %s", n, operator.Status.Phase)
	}
}

func touchRows(l *v1.Lead) string {
	var b strings.Builder
	for _, t := range l.Status.Touches {
		performed := "-"
		if t.PerformedAt != nil {
			performed = t.PerformedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(&b, "#%d %s via %q by %s due %s performed %s %s attempts %d key %s\n", t.Number, t.Step, t.Channel, t.PerformedBy,
			t.Due.UTC().Format(time.RFC3339), performed, t.Result, t.Attempts, t.Key)
	}
	return b.String()
}
