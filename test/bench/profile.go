package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// profiler records the operator while a phase runs: CPU profiles back to back (a pprof
// CPU profile has a fixed length, and a phase's length is not known in advance; pprof
// merges the slices), and the cumulative allocation profile before and after, whose
// difference is what the phase allocated.
type profiler struct {
	op    *operator
	dir   string
	name  string
	slice time.Duration
	mu    sync.Mutex
	stop  chan struct{}
	done  chan struct{}
	cpu   []string
	gor   []string
}

func startProfiler(op *operator, dir, name string, slice time.Duration) *profiler {
	p := &profiler{op: op, dir: dir, name: name, slice: slice, stop: make(chan struct{}), done: make(chan struct{})}
	_ = p.fetch("/debug/pprof/allocs", name+".allocs.before.pb.gz")
	// Goroutine snapshots once a second: merged, they show where the reconcile workers
	// spend wall time (waiting on the client's rate limiter, on the API server, on a
	// receiver), which a CPU profile cannot show when the process is mostly idle.
	go func() {
		for i := 0; ; i++ {
			select {
			case <-p.stop:
				return
			case <-time.After(time.Second):
			}
			f := fmt.Sprintf("%s.goroutine.%03d.pb.gz", name, i)
			if p.fetch("/debug/pprof/goroutine", f) == nil {
				p.mu.Lock()
				p.gor = append(p.gor, filepath.Join(p.dir, f))
				p.mu.Unlock()
			}
		}
	}()
	go func() {
		defer close(p.done)
		for i := 0; ; i++ {
			select {
			case <-p.stop:
				return
			default:
			}
			f := fmt.Sprintf("%s.cpu.%02d.pb.gz", name, i)
			if err := p.fetch(fmt.Sprintf("/debug/pprof/profile?seconds=%d", int(p.slice.Seconds())), f); err != nil {
				return
			}
			p.cpu = append(p.cpu, filepath.Join(p.dir, f))
		}
	}()
	return p
}

// finish waits for the running CPU slice and takes the "after" snapshots.
func (p *profiler) finish() {
	close(p.stop)
	<-p.done
	_ = p.fetch("/debug/pprof/allocs", p.name+".allocs.after.pb.gz")
	_ = p.fetch("/debug/pprof/heap", p.name+".heap.pb.gz")
}

func (p *profiler) fetch(path, file string) error {
	ctx, cancel := context.WithTimeout(context.Background(), p.slice+30*time.Second)
	defer cancel()
	return download(ctx, http.DefaultClient, p.op.pprofURL+path, filepath.Join(p.dir, file))
}

// summary is `go tool pprof -top` of the CPU slices and of the allocations made during
// the phase, trimmed to the n heaviest entries each.
func (p *profiler) summary(n int) string {
	var b strings.Builder
	if len(p.cpu) > 0 {
		args := append([]string{"tool", "pprof", "-top", fmt.Sprintf("-nodecount=%d", n)}, p.cpu...)
		fmt.Fprintf(&b, "CPU, %s (%d x %s slices; flat = in the function, cum = with callees):\n%s\n",
			p.name, len(p.cpu), p.slice, pprofTop(args...))
	}
	p.mu.Lock()
	gor := append([]string(nil), p.gor...)
	p.mu.Unlock()
	if len(gor) > 0 {
		// Only the lead workers' stacks (focus), and of their frames only ours plus the
		// places a worker waits: the API server round trip, the client-side rate limiter
		// (flowcontrol), a retry backoff. cum = worker-seconds under that frame; flat =
		// worker-seconds blocked right there.
		args := append([]string{"tool", "pprof", "-top", "-cum", fmt.Sprintf("-nodecount=%d", n+5),
			"-focus=LeadReconciler", `-show=followup-operator|flowcontrol|http2.\(\*ClientConn\).RoundTrip|ExponentialBackoff|Sleep`}, gor...)
		fmt.Fprintf(&b, "Where the lead workers spent wall time (%d goroutine snapshots, 1/s; counts are worker-seconds):\n%s\n",
			len(gor), pprofTop(args...))
	}
	before, after := filepath.Join(p.dir, p.name+".allocs.before.pb.gz"), filepath.Join(p.dir, p.name+".allocs.after.pb.gz")
	if exists(before) && exists(after) {
		fmt.Fprintf(&b, "Allocated during %s (bytes):\n%s\n", p.name, pprofTop("tool", "pprof", "-top",
			fmt.Sprintf("-nodecount=%d", n), "-sample_index=alloc_space", "-base", before, after))
	}
	fmt.Fprintf(&b, "profiles: %s/%s.*.pb.gz (go tool pprof -http=: FILE)\n", p.dir, p.name)
	return b.String()
}

// pprofTop runs go tool pprof and keeps its table (drops the preamble before "flat").
func pprofTop(args ...string) string {
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("  (go tool pprof: %v: %s)", err, strings.TrimSpace(string(out)))
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	var keep []string
	for _, l := range lines {
		if strings.HasPrefix(l, "Showing nodes") || strings.HasPrefix(l, "Dropped") || strings.HasPrefix(strings.TrimSpace(l), "flat") || len(keep) > 0 {
			keep = append(keep, "  "+l)
		}
	}
	return strings.Join(keep, "\n")
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
