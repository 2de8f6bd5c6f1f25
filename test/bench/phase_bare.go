package main

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// bareCeiling is what the control plane takes without any operator: N leads created
// and one status write each (the size of write a touch makes), by 16 client workers.
// The operator's throughput is judged against it, on the same machine in the same run.
func (b *bench) bareCeiling(ctx context.Context) error {
	const ns = "bench-bare"
	c := b.cp.client
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return err
	}
	share := b.cp.cpuShare(ctx)
	cr := burstCreate(ctx, c, b.cfg.bareLeads, b.cfg.workers,
		func(i int) *v1.Lead { return lead(ns, leadName("bare", i), "via-hook", "", i) },
		func(ctx context.Context, l *v1.Lead) error {
			l.Status = touchedStatus(l.Generation, time.Now())
			return c.Status().Update(ctx, l)
		})
	if cr.errs > 0 {
		b.rep.note("bare ceiling: %d of %d leads failed: %v", cr.errs, b.cfg.bareLeads, cr.firstErr)
	}
	b.bare = perSec(len(cr.at), cr.end.Sub(cr.start))
	b.rep.add("bare ceiling", fmt.Sprintf("%d leads created + 1 status write each, %d workers, no operator", len(cr.at), b.cfg.workers),
		fmt.Sprintf("%.0f leads/s", b.bare))
	b.cpuShareRow("bare ceiling", share, b.cp.cpuShare(ctx), 0, time.Since(cr.start))
	return clearLeads(ctx, c, ns)
}
