package main

import (
	"context"
	"fmt"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/metrics"
)

// throughput: N leads at once to a policy whose first step is immediate, through a
// webhook channel to the loopback receiver. Figures: leads first-touched per second
// (from the first create to the receiver's request for the last lead), its ratio to the
// bare ceiling, and the API writes per touch from kube-apiserver's own counters.
func (b *bench) throughput(ctx context.Context) error {
	const ns = "bench-tp"
	if err := b.install(ctx, phaseFixtures{ns: ns, channels: []channelSpec{{name: "hook"}}}); err != nil {
		return err
	}
	n := b.cfg.leads
	var api *apiProfile
	r, err := b.toFirstTouch(ctx, "throughput", ns, n,
		func() { api = b.profileAPIServer(ctx, "throughput", 15*time.Second) },
		func(i int) *v1.Lead { return lead(ns, leadName("tp", i), policyName("hook"), "", i) })
	if err != nil {
		return err
	}
	time.Sleep(b.cfg.settle) // trailing result writes and events
	after, err := b.cp.apiCounts(ctx)
	if err != nil {
		return err
	}

	rate := perSec(r.touched, r.took)
	phase := fmt.Sprintf("throughput (%d leads)", n)
	b.rep.add(phase, "leads first-touched per second", fmt.Sprintf("%.1f /s (%d in %s)", rate, r.touched, r.took.Round(time.Millisecond)))
	if b.bare > 0 {
		ratio := rate / b.bare
		b.rep.check(phase, "ratio to the bare ceiling", fmt.Sprintf("%.2fx", ratio), ">= 0.7x", ratio >= 0.7)
	}
	b.apiCostRows(phase, costOf(after.minus(r.apiBefore)), r.touched)
	b.apiProfiles = append(b.apiProfiles, api)
	b.operatorRows(ctx, phase, r)
	return clearLeads(ctx, b.cp.client, ns)
}

// firstTouchRun is a burst of leads measured until each one's first touch: the API
// server's counters and the operator's own before it, the operator's after it.
type firstTouchRun struct {
	cr                        *created
	touched                   int
	took                      time.Duration // from the first create to the last first touch
	apiBefore                 apiCounts
	errsBefore, droppedBefore float64
	statsBefore, statsAfter   opStats
}

// toFirstTouch creates n leads made by mk as fast as the API server takes them, with the
// operator profiled, and waits until each was first touched. started, if given, runs
// just after the operator's profiler starts (throughput starts kube-apiserver's there).
func (b *bench) toFirstTouch(ctx context.Context, name, ns string, n int, started func(), mk func(i int) *v1.Lead) (firstTouchRun, error) {
	var r firstTouchRun
	var err error
	if r.apiBefore, err = b.cp.apiCounts(ctx); err != nil {
		return r, err
	}
	r.errsBefore, r.droppedBefore, r.statsBefore = b.reconcileErrors(ctx), b.eventsDropped(ctx), b.opStats(ctx)
	prof := b.profile(name)
	if started != nil {
		started()
	}
	r.cr = burstCreate(ctx, b.cp.client, n, b.cfg.workers, mk, nil)
	if !b.rc.waitFirstTouched(ns, len(r.cr.at), b.cfg.phaseTimeout) {
		b.rep.note("%s: only %d of %d leads were touched within %s", name, b.rc.firstTouched(ns), len(r.cr.at), b.cfg.phaseTimeout)
	}
	r.touched = b.rc.firstTouched(ns)
	r.took = b.rc.lastFirst(ns).Sub(r.cr.start)
	r.statsAfter = b.opStats(ctx)
	if prof != nil {
		prof.finish()
	}
	return r, nil
}

// operatorRows are what the operator's own metrics say of a run, and its memory after
// it (ok when read).
func (b *bench) operatorRows(ctx context.Context, phase string, r firstTouchRun) (m memory, ok bool) {
	b.rep.add(phase, "reconcile errors (operator metrics)", fmt.Sprintf("%.0f", b.reconcileErrors(ctx)-r.errsBefore))
	b.rep.add(phase, "events dropped (operator metrics)", fmt.Sprintf("%.0f", b.eventsDropped(ctx)-r.droppedBefore))
	b.opStatsRows(phase, r.statsBefore, r.statsAfter, r.touched)
	m, err := b.op.memory(ctx, len(r.cr.at))
	if err != nil {
		return m, false
	}
	b.memory = append(b.memory, m)
	b.memoryRows(phase, m)
	return m, true
}

// apiCostRows are the per-touch write figures.
func (b *bench) apiCostRows(phase string, cost apiCost, touches int) {
	if touches == 0 {
		return
	}
	per := func(x float64) float64 { return x / float64(touches) }
	b.rep.check(phase, "lead status writes per touch", fmt.Sprintf("%.2f (%.0f conflicts)", per(cost.leadStatus), cost.leadStatusConflicts),
		"<= 2", per(cost.leadStatus) <= 2.0001)
	b.rep.check(phase, "events per touch", fmt.Sprintf("%.2f", per(cost.events)), "<= 1", per(cost.events) <= 1.0001)
	if cost.campaignStatus > 0 {
		b.rep.add(phase, "campaign status writes per touch", fmt.Sprintf("%.2f", per(cost.campaignStatus)))
	}
	other := fmt.Sprintf("%.2f", per(cost.other))
	if cost.otherDetail != "" {
		other += " (" + cost.otherDetail + ")"
	}
	b.rep.add(phase, "other writes per touch (leases left out)", other)
	b.rep.add(phase, "Secret reads per touch", fmt.Sprintf("%.2f", per(cost.secretReads)))
}

// reconcileErrors sums controller-runtime's error counter over the operator's controllers.
func (b *bench) reconcileErrors(ctx context.Context) float64 {
	ss, err := b.op.metrics(ctx, "controller_runtime_reconcile_errors_total")
	if err != nil {
		return 0
	}
	return ss.sum("controller_runtime_reconcile_errors_total", nil)
}

// eventsDropped is how many Events the operator's recorder dropped (its queue full or
// the write refused).
func (b *bench) eventsDropped(ctx context.Context) float64 {
	ss, err := b.op.metrics(ctx, metrics.NameEventsDropped)
	if err != nil {
		return 0
	}
	return ss.sum(metrics.NameEventsDropped, nil)
}

// profile starts the operator's profiler for a phase when profiling is on.
func (b *bench) profile(name string) *profiler {
	if !b.cfg.profile {
		return nil
	}
	p := startProfiler(b.op, b.out, name, b.cfg.profileSlice)
	b.profs = append(b.profs, p)
	return p
}
