package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/followup-io/followup-operator/internal/testenv"
)

// buildOperator builds the repository's main package: the real operator binary, run as
// its own process so its RSS is its own.
func buildOperator(dir string) (string, error) {
	root, err := testenv.Root()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "manager")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the operator: %v\n%s", err, out)
	}
	return bin, nil
}

// operator is one running replica, listening on loopback only.
type operator struct {
	name       string
	cmd        *exec.Cmd
	done       chan struct{}
	metricsURL string
	pprofURL   string
	edgeURL    string
	logPath    string
}

// startOperator runs a replica with leader election (as the chart does) and its metrics,
// pprof and edge endpoints on free loopback ports. extra flags come last, so they win.
func startOperator(bin, name, kubeconfig, edgeDir, logDir string, extra []string) (*operator, error) {
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	op := &operator{name: name, done: make(chan struct{}), logPath: filepath.Join(logDir, name+".log"),
		metricsURL: "http://" + ports[0], pprofURL: "http://" + ports[1], edgeURL: "http://" + ports[2]}
	args := []string{"--leader-elect=true", "--leader-election-namespace=" + systemNS, "--leader-election-id=bench",
		"--metrics-bind-address=" + ports[0], "--pprof-bind-address=" + ports[1], "--health-probe-bind-address=0",
		"--edge-bind-address=" + ports[2], "--edge-config-dir=" + edgeDir}
	args = append(args, extra...)
	f, err := os.Create(op.logPath)
	if err != nil {
		return nil, err
	}
	op.cmd = exec.Command(bin, args...)
	op.cmd.Env = append(operatorEnv(), "KUBECONFIG="+kubeconfig)
	op.cmd.Stdout, op.cmd.Stderr = f, f
	if err := op.cmd.Start(); err != nil {
		_ = f.Close()
		return nil, err
	}
	go func() { _ = op.cmd.Wait(); _ = f.Close(); close(op.done) }()
	return op, op.waitServing(60 * time.Second)
}

// operatorEnv is this process's environment without the Go runtime's memory settings
// and the chart's memory variable: the operator's limit is --memory-limit alone
// (BENCH_OPERATOR_MEMORY_LIMIT), so a GOMEMLIMIT meant for the harness never reaches it.
func operatorEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != "GOMEMLIMIT" && name != "GOGC" && name != "FOLLOWUP_MEMORY_LIMIT" {
			env = append(env, kv)
		}
	}
	return env
}

// waitServing waits until the metrics and edge endpoints answer.
func (op *operator) waitServing(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, u := range []string{op.metricsURL + "/metrics", op.edgeURL + "/healthz"} {
		for {
			resp, err := http.Get(u)
			if err == nil {
				resp.Body.Close()
				break
			}
			select {
			case <-op.done:
				return fmt.Errorf("operator %s exited; see %s", op.name, op.logPath)
			default:
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("operator %s: %s never answered: %v", op.name, u, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return nil
}

// stop asks for a clean exit (the lease is released), then kills after a while.
func (op *operator) stop() {
	if op == nil || op.cmd.Process == nil {
		return
	}
	_ = op.cmd.Process.Signal(os.Interrupt)
	select {
	case <-op.done:
	case <-time.After(15 * time.Second):
		_ = op.cmd.Process.Kill()
		<-op.done
	}
}

func (op *operator) alive() bool {
	select {
	case <-op.done:
		return false
	default:
		return true
	}
}

// metrics scrapes the operator's own /metrics.
func (op *operator) metrics(ctx context.Context, names ...string) (samples, error) {
	return scrapeSamples(ctx, http.DefaultClient, op.metricsURL+"/metrics", names...)
}

// memory is the operator's footprint at one instant.
type memory struct {
	leads     int
	heapAlloc float64 // live heap just after a forced GC (go_memstats_heap_alloc_bytes)
	rss       float64 // process_resident_memory_bytes
	peakRSS   float64 // VmHWM from /proc: the most it ever held
	rssFile   float64 // RssFile: the binary's pages (and other mapped files), outside GOMEMLIMIT
}

// memory forces a GC (a heap profile with gc=1 runs one) so the heap figure is live
// data, not garbage awaiting collection, then reads the operator's metrics and /proc.
func (op *operator) memory(ctx context.Context, leads int) (memory, error) {
	m := memory{leads: leads}
	// The profile itself is not wanted; without it the heap figure is merely less exact.
	if body, err := get(ctx, http.DefaultClient, op.pprofURL+"/debug/pprof/heap?gc=1"); err == nil {
		_, _ = io.Copy(io.Discard, body)
		body.Close()
	}
	ss, err := op.metrics(ctx, "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes")
	if err != nil {
		return m, err
	}
	m.heapAlloc = ss.sum("go_memstats_heap_alloc_bytes", nil)
	m.rss = ss.sum("process_resident_memory_bytes", nil)
	if kb, err := procStatusKB(op.cmd.Process.Pid, "VmHWM"); err == nil {
		m.peakRSS = float64(kb) * 1024
	}
	if kb, err := procStatusKB(op.cmd.Process.Pid, "RssFile"); err == nil {
		m.rssFile = float64(kb) * 1024
	}
	if kb, err := procStatusKB(op.cmd.Process.Pid, "VmRSS"); err == nil && m.rss == 0 {
		m.rss = float64(kb) * 1024
	}
	return m, nil
}

// procStatusKB reads one "Name:   123 kB" line of /proc/<pid>/status.
func procStatusKB(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}

// freePorts finds n free loopback ports (closed again at once; the operator binds them
// a moment later, a race nothing else on this machine is likely to win).
func freePorts(n int) ([]string, error) {
	var out []string
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		out = append(out, l.Addr().String())
	}
	return out, nil
}
