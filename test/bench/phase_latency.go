package main

import (
	"context"
	"fmt"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

const latencyTarget = time.Second

// latency: leads created at a steady rate; for each, the time from its create to the
// receiver's first request. A backlog shows as a p99 that grows with the run's length.
func (b *bench) latency(ctx context.Context) error {
	const ns = "bench-lat"
	c := b.cp.client
	if err := b.install(ctx, phaseFixtures{ns: ns, channels: []channelSpec{{name: "hook"}}}); err != nil {
		return err
	}
	statsBefore := b.opStats(ctx)
	cr := steadyCreate(ctx, c, b.cfg.steadyRate, b.cfg.steadyFor,
		func(i int) *v1.Lead { return lead(ns, leadName("lat", i), policyName("hook"), "", i) })
	b.rc.waitFirstTouched(ns, len(cr.at), b.cfg.phaseTimeout)
	statsAfter := b.opStats(ctx)
	l, missing := reachLatencies(cr, b.rc, ns)
	phase := fmt.Sprintf("latency (%d/s for %s)", b.cfg.steadyRate, b.cfg.steadyFor)
	b.latencyRows(phase, "create -> first request", l, missing, cr.errs)
	b.opStatsRows(phase, statsBefore, statsAfter, len(l))
	return clearLeads(ctx, c, ns)
}

func (b *bench) latencyRows(phase, what string, l latencies, missing, createErrs int) {
	b.rep.add(phase, what+" p50 / p95", fmt.Sprintf("%s / %s", ms(l.pct(50)), ms(l.pct(95))))
	p99 := l.pct(99)
	b.rep.check(phase, what+" p99", ms(p99), "<= 1 s", p99 <= latencyTarget && missing == 0 && len(l) > 0)
	extra := fmt.Sprintf("%s (%d leads)", ms(l.pct(100)), len(l))
	if missing > 0 {
		extra += fmt.Sprintf(", %d never reached within %s", missing, b.cfg.phaseTimeout)
	}
	if createErrs > 0 {
		extra += fmt.Sprintf(", %d creates failed", createErrs)
	}
	b.rep.add(phase, what+" max", extra)
}

// slowReceiver: one channel whose receiver takes slowDelay per request, another that
// answers at once, loaded together (the slow one at a tenth of the steady rate, the
// healthy one at half). A send that waits on the slow receiver must not hold up the
// healthy channel's leads: their latency is judged by the same target.
func (b *bench) slowReceiver(ctx context.Context) error {
	const ns = "bench-slow"
	c := b.cp.client
	f := phaseFixtures{ns: ns, channels: []channelSpec{{name: "healthy"}, {name: "slow", slow: true}}}
	if err := b.install(ctx, f); err != nil {
		return err
	}
	healthyRate, slowRate := max(1, b.cfg.steadyRate/2), max(1, b.cfg.steadyRate/10)
	done := make(chan *created, 1)
	go func() {
		done <- steadyCreate(ctx, c, slowRate, b.cfg.slowFor,
			func(i int) *v1.Lead { return lead(ns, leadName("slow", i), policyName("slow"), "", i) })
	}()
	healthy := steadyCreate(ctx, c, healthyRate, b.cfg.slowFor,
		func(i int) *v1.Lead { return lead(ns, leadName("healthy", i), policyName("healthy"), "", i) })
	slow := <-done

	// Wait for the healthy leads only; the slow channel's backlog is reported, not awaited.
	deadline := time.Now().Add(b.cfg.phaseTimeout)
	for {
		l, missing := reachLatencies(healthy, b.rc, ns)
		if missing == 0 || time.Now().After(deadline) {
			phase := fmt.Sprintf("slow receiver (%s/request; healthy %d/s, slow %d/s, %s)", b.cfg.slowDelay, healthyRate, slowRate, b.cfg.slowFor)
			b.latencyRows(phase, "healthy channel", l, missing, healthy.errs)
			sl, smissing := reachLatencies(slow, b.rc, ns)
			b.rep.add(phase, "slow channel reached / p50", fmt.Sprintf("%d of %d / %s", len(sl), len(sl)+smissing, ms(sl.pct(50))))
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	return clearLeads(ctx, c, ns)
}
