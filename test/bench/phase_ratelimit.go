package main

import (
	"context"
	"fmt"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// rateLimited: a burst of leads on a channel limited to perMinute sends. The ideal drain
// takes leads/perMinute minutes; the figures are how long it really took and how many
// status writes each touch cost on the way (a touch that waits must not be rewritten
// on every attempt).
func (b *bench) rateLimited(ctx context.Context) error {
	const ns = "bench-rl"
	f := phaseFixtures{ns: ns, channels: []channelSpec{{name: "limited", perMinute: int32(b.cfg.rlPerMinute)}}}
	if err := b.install(ctx, f); err != nil {
		return err
	}
	n := b.cfg.rlLeads
	before, err := b.cp.apiCounts(ctx)
	if err != nil {
		return err
	}
	cr := burstCreate(ctx, b.cp.client, n, b.cfg.workers,
		func(i int) *v1.Lead { return lead(ns, leadName("rl", i), policyName("limited"), "", i) }, nil)

	// Drained: every lead's first touch has an outcome (sent, or given up on: failed, or
	// handed to the owner as a task). Polled with a LIST now and then; reads are not
	// among the figures.
	var st drainState
	deadline := cr.start.Add(b.cfg.rlMaxWait)
	poll := 5 * time.Second
	for {
		if st, err = b.drain(ctx, ns); err != nil {
			return err
		}
		if st.done >= len(cr.at) || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(poll)
	}
	took := time.Since(cr.start)
	time.Sleep(b.cfg.settle)
	after, err := b.cp.apiCounts(ctx)
	if err != nil {
		return err
	}
	cost := costOf(after.minus(before))

	// The channel's bucket starts full (a minute's worth, at most 10), then refills.
	ideal := time.Duration(float64(max(0, n-min(b.cfg.rlPerMinute, 10))) / float64(b.cfg.rlPerMinute) * float64(time.Minute))
	phase := fmt.Sprintf("rate limit (%d leads, %d/min)", n, b.cfg.rlPerMinute)
	drained := fmt.Sprintf("%s (ideal %s)", took.Round(time.Second), ideal.Round(time.Second))
	if st.done < len(cr.at) {
		drained = fmt.Sprintf("not drained: %d of %d after %s (ideal %s)", st.done, len(cr.at), took.Round(time.Second), ideal.Round(time.Second))
	}
	b.rep.add(phase, "time to drain", drained)
	b.rep.add(phase, "outcomes", fmt.Sprintf("%d sent, %d failed or turned into tasks, %d waiting", st.sent, st.done-st.sent, len(cr.at)-st.done))
	if st.done > 0 {
		per := cost.leadStatus / float64(st.done)
		b.rep.check(phase, "lead status writes per eventual touch", fmt.Sprintf("%.2f (%.0f conflicts)", per, cost.leadStatusConflicts),
			"<= 2", per <= 2.0001)
	}
	return clearLeads(ctx, b.cp.client, ns)
}

type drainState struct{ done, sent int }

func (b *bench) drain(ctx context.Context, ns string) (drainState, error) {
	var list v1.LeadList
	if err := b.cp.client.List(ctx, &list, client.InNamespace(ns)); err != nil {
		return drainState{}, err
	}
	var st drainState
	for _, l := range list.Items {
		if len(l.Status.Touches) == 0 {
			continue
		}
		switch l.Status.Touches[0].Result {
		case v1.TouchSent:
			st.sent++
			st.done++
		case v1.TouchFailed, v1.TouchTaskAssigned, v1.TouchDone, v1.TouchSkipped:
			st.done++
		}
	}
	return st, nil
}
