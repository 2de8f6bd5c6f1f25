package main

import (
	"context"
	"fmt"
	"time"
)

// opStats are the operator's own counters at one instant; the difference over a phase
// says what limited it: CPU used (is it CPU-bound?), reconciles per touch, time inside
// a reconcile and time waiting in the work queue (are the workers the bottleneck?).
type opStats struct {
	at                  time.Time
	cpu                 float64
	reconciles          float64 // lead controller
	reconcileSecs       float64
	queueSecs, queueObs float64
	clientRequests      float64
	reconcileCount      float64
	workers             float64 // max concurrent lead reconciles
	gcCycles            float64
	cpuShare            cpuShare // the control plane's and the machine's
}

func (b *bench) opStats(ctx context.Context) opStats {
	ss, err := b.op.metrics(ctx, "process_cpu_seconds_total", "controller_runtime_reconcile_total",
		"controller_runtime_reconcile_time_seconds_sum", "controller_runtime_reconcile_time_seconds_count",
		"workqueue_queue_duration_seconds_sum", "workqueue_queue_duration_seconds_count", "rest_client_requests_total",
		"controller_runtime_max_concurrent_reconciles", "go_gc_duration_seconds_count")
	share := b.cp.cpuShare(ctx)
	if err != nil {
		return opStats{at: time.Now(), cpuShare: share}
	}
	lead := map[string]string{"controller": "lead"}
	return opStats{at: time.Now(),
		cpu:            ss.sum("process_cpu_seconds_total", nil),
		reconciles:     ss.sum("controller_runtime_reconcile_total", lead),
		reconcileSecs:  ss.sum("controller_runtime_reconcile_time_seconds_sum", lead),
		reconcileCount: ss.sum("controller_runtime_reconcile_time_seconds_count", lead),
		queueSecs:      ss.sum("workqueue_queue_duration_seconds_sum", map[string]string{"name": "lead"}),
		queueObs:       ss.sum("workqueue_queue_duration_seconds_count", map[string]string{"name": "lead"}),
		clientRequests: ss.sum("rest_client_requests_total", nil),
		workers:        ss.sum("controller_runtime_max_concurrent_reconciles", lead),
		gcCycles:       ss.sum("go_gc_duration_seconds_count", nil),
		cpuShare:       share,
	}
}

// opStatsRows adds what the operator did between two snapshots.
func (b *bench) opStatsRows(phase string, from, to opStats, touches int) {
	wall := to.at.Sub(from.at).Seconds()
	if wall <= 0 {
		return
	}
	cpu := to.cpu - from.cpu
	b.rep.add(phase, "operator CPU", fmt.Sprintf("%.1f s in %.0f s (%.0f%% of one core; %.0f garbage collections)",
		cpu, wall, 100*cpu/wall, to.gcCycles-from.gcCycles))
	b.cpuShareRow(phase, from.cpuShare, to.cpuShare, cpu, to.at.Sub(from.at))
	n := to.reconcileCount - from.reconcileCount
	if n > 0 {
		avg := time.Duration((to.reconcileSecs - from.reconcileSecs) / n * float64(time.Second))
		q := to.queueObs - from.queueObs
		wait := time.Duration(0)
		if q > 0 {
			wait = time.Duration((to.queueSecs - from.queueSecs) / q * float64(time.Second))
		}
		per := ""
		if touches > 0 {
			per = fmt.Sprintf(" (%.1f per touch)", n/float64(touches))
		}
		b.rep.add(phase, "lead reconciles / mean time in one / mean queue wait",
			fmt.Sprintf("%.0f%s / %s / %s", n, per, ms(avg), ms(wait)))
		if to.workers > 0 {
			busy := (to.reconcileSecs - from.reconcileSecs) / (wall * to.workers)
			b.rep.add(phase, "lead workers busy", fmt.Sprintf("%.0f%% of %.0f workers", 100*busy, to.workers))
		}
	}
	if touches > 0 {
		b.rep.add(phase, "API requests by the operator per touch", fmt.Sprintf("%.1f", (to.clientRequests-from.clientRequests)/float64(touches)))
	}
}
