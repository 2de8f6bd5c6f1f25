package main

import (
	"context"
	"fmt"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// campaignWritesTarget bounds the campaign's status writes during a burst.
const campaignWritesTarget = 20

// burstPhase: a burst of leads into one campaign whose reps take them (the owner is
// assigned by the operator), first step immediate. Figures: how long until every lead
// was reached, the campaign's status writes (the contended object), errors, memory, and
// a typical lead's stored size after its first touch.
func (b *bench) burstPhase(ctx context.Context) error {
	const ns, camp = "bench-burst", "cnc-eu"
	c := b.cp.client
	f := phaseFixtures{ns: ns, channels: []channelSpec{{name: "hook"}},
		campaign: campaign(ns, camp, policyName("hook"), b.cfg.reps, b.cfg.burst)}
	if err := install(ctx, c, f.objects(b.rc), time.Minute); err != nil {
		return err
	}
	n := b.cfg.burst
	before, err := b.cp.apiCounts(ctx)
	if err != nil {
		return err
	}
	errsBefore, droppedBefore, statsBefore := b.reconcileErrors(ctx), b.eventsDropped(ctx), b.opStats(ctx)
	prof := b.profile("burst")

	cr := burstCreate(ctx, c, n, b.cfg.workers,
		func(i int) *v1.Lead { return lead(ns, leadName("burst", i), "", camp, i) }, nil)
	all := b.rc.waitFirstTouched(ns, len(cr.at), b.cfg.phaseTimeout)
	touched := b.rc.firstTouched(ns)
	took := b.rc.lastFirst(ns).Sub(cr.start)
	statsAfter := b.opStats(ctx)
	if prof != nil {
		prof.finish()
	}
	// The campaign controller recomputes after a debounce; let it finish before counting.
	time.Sleep(b.cfg.settle + 5*time.Second)
	after, err := b.cp.apiCounts(ctx)
	if err != nil {
		return err
	}
	cost := costOf(after.minus(before))

	phase := fmt.Sprintf("burst (%d leads, 1 campaign, %d reps)", n, b.cfg.reps)
	if !all {
		b.rep.note("burst: only %d of %d leads were touched within %s", touched, len(cr.at), b.cfg.phaseTimeout)
	}
	b.rep.add(phase, "time until every lead was reached", fmt.Sprintf("%s (%.1f leads/s)", took.Round(time.Second), perSec(touched, took)))
	b.rep.check(phase, "campaign status writes", fmt.Sprintf("%.0f (%.0f conflicts)", cost.campaignStatus, cost.campaignConf),
		fmt.Sprintf("<= %d", campaignWritesTarget), cost.campaignStatus <= campaignWritesTarget)
	b.apiCostRows(phase, cost, touched)
	b.rep.add(phase, "reconcile errors (operator metrics)", fmt.Sprintf("%.0f", b.reconcileErrors(ctx)-errsBefore))
	b.rep.add(phase, "events dropped (operator metrics)", fmt.Sprintf("%.0f", b.eventsDropped(ctx)-droppedBefore))
	b.opStatsRows(phase, statsBefore, statsAfter, touched)
	if m, err := b.op.memory(ctx, len(cr.at)); err == nil {
		b.memory = append(b.memory, m)
		b.memoryRows(phase, m)
		if m.leads >= 10000 {
			b.rep.check(phase, "RSS at 10k leads", mib(m.rss), "<= 150 MiB", m.rss <= rssTarget)
		}
	}
	names := make([]string, 0, len(cr.at))
	for name := range cr.at {
		names = append(names, name)
	}
	if med, largest, err := b.typicalSize(ctx, ns, names); err == nil {
		b.rep.check("size", "typical lead after its first touch (median of a sample)", kib(float64(med)), "<= 16 KiB", med <= typicalTarget)
		b.rep.add("size", "largest of that sample", kib(float64(largest)))
	}
	return clearLeads(ctx, c, ns)
}
