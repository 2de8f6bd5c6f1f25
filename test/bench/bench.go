package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// bench is one run: the control plane, the receiver, the operator replicas and the
// table being filled.
type bench struct {
	cfg     config
	out     string
	opBin   string
	edgeDir string
	cp      *controlPlane
	rc      *receiver
	op      *operator // the first replica: it takes the lease, so it is the leader
	rep     report
	profs   []*profiler
	// apiProfiles are kube-apiserver CPU profiles of the write-bound phases.
	apiProfiles []*apiProfile
	bare        float64 // the bare ceiling, leads per second, for the throughput ratio
	memory      []memory
}

// intakeToken authorises the bench's interaction events at the edge.
const intakeToken = "bench-intake-token"

func run(ctx context.Context, cfg config) error {
	b := &bench{cfg: cfg, out: cfg.out}
	if b.out == "" {
		d, err := os.MkdirTemp("", "followup-bench-")
		if err != nil {
			return err
		}
		b.out = d
	} else if err := os.MkdirAll(b.out, 0o755); err != nil {
		return err
	}
	start := time.Now()
	fmt.Printf("followup-operator benchmark (quick=%v); logs and profiles in %s\n", cfg.quick, b.out)

	built := make(chan error, 1)
	go func() {
		var err error
		b.opBin, err = buildOperator(b.out)
		built <- err
	}()
	cp, err := startControlPlane(b.out)
	if err != nil {
		return err
	}
	defer cp.stop()
	b.cp = cp
	if err := <-built; err != nil {
		return err
	}
	if b.rc, err = startReceiver(cfg.slowDelay); err != nil {
		return err
	}
	defer b.rc.close()
	if err := b.setup(ctx); err != nil {
		return err
	}

	b.step(ctx, "bare", b.bareCeiling)
	b.step(ctx, "size", b.leadSize)
	if b.needsOperator() {
		step("starting the operator")
		b.op, err = startOperator(b.opBin, "operator-a", cp.kubeconfig, b.edgeDir, b.out, b.operatorArgs())
		if err != nil {
			return err
		}
		defer func() { b.op.stop() }()
		b.step(ctx, "throughput", b.throughput)
		b.step(ctx, "latency", b.latency)
		b.step(ctx, "slow", b.slowReceiver)
		b.step(ctx, "burst", b.burstPhase)
		b.step(ctx, "ratelimit", b.rateLimited)
		b.step(ctx, "inbound", b.inbound)
		b.step(ctx, "memory", b.memoryPhase)
		b.memorySlope()
		if !b.op.alive() {
			b.rep.note("the operator process exited during the run; see %s", b.op.logPath)
		}
	}
	if d := b.rc.duplicates(); d > 0 {
		b.rep.note("%d webhook requests repeated an idempotency key", d)
	}
	if b.rc.badSigs > 0 {
		b.rep.note("%d webhook requests had a bad signature", b.rc.badSigs)
	}

	fmt.Printf("\n## Results (%s, %s, run took %s)\n\n", b.flagsLine(), map[bool]string{true: "quick", false: "full"}[cfg.quick],
		time.Since(start).Round(time.Second))
	b.rep.print(os.Stdout)
	if len(b.apiProfiles) > 0 {
		fmt.Println("\n## Control plane profiles")
		for _, p := range b.apiProfiles {
			fmt.Println()
			fmt.Print(p.summary())
		}
	}
	if len(b.profs) > 0 {
		fmt.Println("\n## Operator profiles")
		for _, p := range b.profs {
			fmt.Println()
			fmt.Print(p.summary(15))
		}
	}
	return nil
}

// step runs one phase when selected; a phase that fails adds its error to the table
// and the run goes on.
func (b *bench) step(ctx context.Context, name string, fn func(context.Context) error) {
	if !b.cfg.runs(name) || ctx.Err() != nil {
		return
	}
	step(name)
	if b.op != nil && !b.op.alive() {
		// A replica that lost its lease under load exits, as in a cluster; note it and
		// restart it (Kubernetes would), so the remaining phases still measure something.
		b.rep.note("the operator exited before %s (see %s); restarted", name, b.op.logPath)
		op, err := startOperator(b.opBin, "operator-a-restarted-before-"+name, b.cp.kubeconfig, b.edgeDir, b.out, b.operatorArgs())
		if err != nil {
			b.rep.add(name, "error", err.Error())
			return
		}
		b.op = op
	}
	if err := fn(ctx); err != nil {
		b.rep.add(name, "error", strings.ReplaceAll(err.Error(), "|", "/"))
		fmt.Fprintf(os.Stderr, "  %s: %v\n", name, err)
	}
}

func step(what string) { fmt.Printf("%s  %s\n", time.Now().Format("15:04:05"), what) }

// operatorArgs are the operator's flags beyond the chart's defaults: its memory limit
// (as the chart passes the container's), then any extra ones, which win.
func (b *bench) operatorArgs() []string {
	var args []string
	if b.hasMemoryLimit() {
		args = append(args, "--memory-limit="+b.cfg.memoryLimit)
	}
	return append(args, strings.Fields(b.cfg.operatorArgs)...)
}

// hasMemoryLimit: "none" (or an empty flag) runs the operator without one; an empty
// BENCH_ variable is ignored like any other, hence the word.
func (b *bench) hasMemoryLimit() bool { return b.cfg.memoryLimit != "" && b.cfg.memoryLimit != "none" }

func (b *bench) needsOperator() bool {
	for _, p := range []string{"throughput", "latency", "slow", "burst", "ratelimit", "inbound", "memory"} {
		if b.cfg.runs(p) {
			return true
		}
	}
	return false
}

// setup writes the edge's token file and the namespace of the leader-election Lease.
func (b *bench) setup(ctx context.Context) error {
	b.edgeDir = filepath.Join(b.out, "edge")
	if err := os.MkdirAll(b.edgeDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.edgeDir, "intake-token"), []byte(intakeToken+"\n"), 0o600); err != nil {
		return err
	}
	return b.cp.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: systemNS}})
}

// flagsLine says which operator flags the figures were taken with: the binary's
// defaults (read from its -help) and any extra ones.
func (b *bench) flagsLine() string {
	out, _ := execOutput(b.opBin, "-help")
	def := func(flag string) string {
		m := regexp.MustCompile(`-` + flag + ` \w+\n[^\n]*\(default ([^)]+)\)`).FindStringSubmatch(out)
		if m == nil {
			return "?"
		}
		return m[1]
	}
	s := fmt.Sprintf("operator defaults: --kube-api-qps=%s --kube-api-burst=%s --max-concurrent-reconciles=%s",
		def("kube-api-qps"), def("kube-api-burst"), def("max-concurrent-reconciles"))
	if b.hasMemoryLimit() {
		s += " --memory-limit=" + b.cfg.memoryLimit
	} else {
		s += " (no memory limit)"
	}
	if b.cfg.operatorArgs != "" {
		s += "; overridden: " + b.cfg.operatorArgs
	}
	return s
}
