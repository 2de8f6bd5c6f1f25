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
	c := b.cp.client
	f := phaseFixtures{ns: ns, channels: []channelSpec{{name: "hook"}}}
	if err := install(ctx, c, f.objects(b.rc), time.Minute); err != nil {
		return err
	}
	n := b.cfg.leads
	before, err := b.cp.apiCounts(ctx)
	if err != nil {
		return err
	}
	errsBefore, droppedBefore, statsBefore := b.reconcileErrors(ctx), b.eventsDropped(ctx), b.opStats(ctx)
	prof := b.profile("throughput")
	api := b.profileAPIServer(ctx, "throughput", 15*time.Second)

	cr := burstCreate(ctx, c, n, b.cfg.workers,
		func(i int) *v1.Lead { return lead(ns, leadName("tp", i), policyName("hook"), "", i) }, nil)
	all := b.rc.waitFirstTouched(ns, len(cr.at), b.cfg.phaseTimeout)
	touched := b.rc.firstTouched(ns)
	took := b.rc.lastFirst(ns).Sub(cr.start)
	statsAfter := b.opStats(ctx)
	if prof != nil {
		prof.finish()
	}
	time.Sleep(b.cfg.settle) // trailing result writes and events
	after, err := b.cp.apiCounts(ctx)
	if err != nil {
		return err
	}

	rate := perSec(touched, took)
	phase := fmt.Sprintf("throughput (%d leads)", n)
	if !all {
		b.rep.note("throughput: only %d of %d leads were touched within %s", touched, len(cr.at), b.cfg.phaseTimeout)
	}
	b.rep.add(phase, "leads first-touched per second", fmt.Sprintf("%.1f /s (%d in %s)", rate, touched, took.Round(time.Millisecond)))
	if b.bare > 0 {
		r := rate / b.bare
		b.rep.check(phase, "ratio to the bare ceiling", fmt.Sprintf("%.2fx", r), ">= 0.7x", r >= 0.7)
	}
	b.apiCostRows(phase, costOf(after.minus(before)), touched)
	b.rep.add(phase, "reconcile errors (operator metrics)", fmt.Sprintf("%.0f", b.reconcileErrors(ctx)-errsBefore))
	b.rep.add(phase, "events dropped (operator metrics)", fmt.Sprintf("%.0f", b.eventsDropped(ctx)-droppedBefore))
	b.opStatsRows(phase, statsBefore, statsAfter, touched)
	b.apiProfiles = append(b.apiProfiles, api)

	if m, err := b.op.memory(ctx, len(cr.at)); err == nil {
		b.memory = append(b.memory, m)
		b.memoryRows(phase, m)
	}
	return clearLeads(ctx, c, ns)
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
