package main

import (
	"context"
	"fmt"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// The operator's RSS budgets: at 10k leads, and at 100k (make bench-100k).
const (
	rssTarget     = 150 << 20
	rssTarget100k = 1 << 30
)

func (b *bench) memoryRows(phase string, m memory) {
	b.rep.add(phase, fmt.Sprintf("operator memory at %d leads", m.leads),
		fmt.Sprintf("RSS %s (peak %s; %s of it the binary's pages), live heap %s", mib(m.rss), mib(m.peakRSS), mib(m.rssFile), mib(m.heapAlloc)))
}

// memorySlope is the cost of one more lead, from the smallest and the largest memory
// points of the run; the RSS at 10k leads is read off that line when no point is at 10k.
func (b *bench) memorySlope() {
	if len(b.memory) < 2 {
		return
	}
	lo, hi := b.memory[0], b.memory[0]
	for _, m := range b.memory {
		if m.leads < lo.leads {
			lo = m
		}
		if m.leads > hi.leads {
			hi = m
		}
	}
	if hi.leads == lo.leads {
		return
	}
	dn := float64(hi.leads - lo.leads)
	heapSlope, rssSlope := (hi.heapAlloc-lo.heapAlloc)/dn, (hi.rss-lo.rss)/dn
	b.rep.add("memory", fmt.Sprintf("slope per lead (%d -> %d leads)", lo.leads, hi.leads),
		fmt.Sprintf("live heap %s, RSS %s", kib(heapSlope), kib(rssSlope)))
	if hi.leads < 10000 {
		// Only an estimate: RSS keeps what earlier phases needed. Judged only when measured.
		b.rep.add("memory", "RSS at 10k leads, extrapolated", mib(lo.rss+rssSlope*float64(10000-lo.leads)))
	}
	if hi.leads < 100000 {
		b.rep.add("memory", "RSS at 100k leads, extrapolated (not judged)", mib(hi.rss+rssSlope*float64(100000-hi.leads)))
	}
}

// memoryPhase (make bench-100k) grows one namespace to cfg.memoryLeads leads in steps;
// at each step it waits until the operator touched them all, then reads its memory.
func (b *bench) memoryPhase(ctx context.Context) error {
	const ns = "bench-mem"
	if err := b.install(ctx, phaseFixtures{ns: ns, channels: []channelSpec{{name: "hook"}}}); err != nil {
		return err
	}
	have := 0
	for _, target := range []int{2000, 10000, 25000, 50000, 100000, b.cfg.memoryLeads} {
		if target > b.cfg.memoryLeads || target <= have {
			continue
		}
		base := have
		cr := burstCreate(ctx, b.cp.client, target-have, b.cfg.workers,
			func(i int) *v1.Lead { return lead(ns, leadName("mem", base+i), policyName("hook"), "", base+i) }, nil)
		have += len(cr.at)
		if !b.rc.waitFirstTouched(ns, have, b.cfg.phaseTimeout) {
			b.rep.note("memory: %d of %d leads touched within %s", b.rc.firstTouched(ns), have, b.cfg.phaseTimeout)
		}
		time.Sleep(b.cfg.settle)
		m, err := b.op.memory(ctx, have)
		if err != nil {
			return err
		}
		b.memory = append(b.memory, m)
		b.memoryRows("memory", m)
		switch have {
		case 10000:
			b.rep.check("memory", "RSS at 10k leads", mib(m.rss), "<= 150 MiB", m.rss <= rssTarget)
		case 100000:
			b.rep.check("memory", "RSS at 100k leads", mib(m.rss), "<= 1 GiB", m.rss <= rssTarget100k)
		}
		step(fmt.Sprintf("  %d leads: RSS %s, live heap %s", have, mib(m.rss), mib(m.heapAlloc)))
	}
	return nil
}
