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
	f := phaseFixtures{ns: ns, channels: []channelSpec{{name: "hook"}},
		campaign: campaign(ns, camp, policyName("hook"), b.cfg.reps, b.cfg.burst)}
	if err := b.install(ctx, f); err != nil {
		return err
	}
	n := b.cfg.burst
	r, err := b.toFirstTouch(ctx, "burst", ns, n, nil,
		func(i int) *v1.Lead { return lead(ns, leadName("burst", i), "", camp, i) })
	if err != nil {
		return err
	}
	// The campaign controller recomputes after a debounce; let it finish before counting.
	time.Sleep(b.cfg.settle + 5*time.Second)
	after, err := b.cp.apiCounts(ctx)
	if err != nil {
		return err
	}
	cost := costOf(after.minus(r.apiBefore))

	phase := fmt.Sprintf("burst (%d leads, 1 campaign, %d reps)", n, b.cfg.reps)
	b.rep.add(phase, "time until every lead was reached", fmt.Sprintf("%s (%.1f leads/s)", r.took.Round(time.Second), perSec(r.touched, r.took)))
	b.rep.check(phase, "campaign status writes", fmt.Sprintf("%.0f (%.0f conflicts)", cost.campaignStatus, cost.campaignConf),
		fmt.Sprintf("<= %d", campaignWritesTarget), cost.campaignStatus <= campaignWritesTarget)
	b.apiCostRows(phase, cost, r.touched)
	if m, ok := b.operatorRows(ctx, phase, r); ok && m.leads >= 10000 {
		b.rep.check(phase, "RSS at 10k leads", mib(m.rss), "<= 150 MiB", m.rss <= rssTarget)
	}
	names := make([]string, 0, len(r.cr.at))
	for name := range r.cr.at {
		names = append(names, name)
	}
	if med, largest, err := b.typicalSize(ctx, ns, names); err == nil {
		b.rep.check("size", "typical lead after its first touch (median of a sample)", kib(float64(med)), "<= 16 KiB", med <= typicalTarget)
		b.rep.add("size", "largest of that sample", kib(float64(largest)))
	}
	return clearLeads(ctx, b.cp.client, ns)
}
