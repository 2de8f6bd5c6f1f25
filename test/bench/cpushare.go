package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// cpuShare is who had used how much CPU at one instant: kube-apiserver and etcd (their
// own process_cpu_seconds_total) and the whole machine (/proc/stat). Over a phase it
// says whether the control plane, the operator or the machine was the limit.
type cpuShare struct {
	apiserver, etcd float64 // seconds
	busy, total     float64 // the machine's, in seconds over all cores
}

func (cp *controlPlane) cpuShare(ctx context.Context) cpuShare {
	var s cpuShare
	if ss, err := cp.processCPU(ctx, cp.metrics, cp.host+"/metrics"); err == nil {
		s.apiserver = ss
	}
	if u := cp.env.EtcdURL(); u != "" {
		if ss, err := cp.processCPU(ctx, http.DefaultClient, strings.TrimRight(u, "/")+"/metrics"); err == nil {
			s.etcd = ss
		}
	}
	s.busy, s.total = machineCPU()
	return s
}

func (cp *controlPlane) processCPU(ctx context.Context, c *http.Client, url string) (float64, error) {
	ss, err := scrapeSamples(ctx, c, url, "process_cpu_seconds_total")
	if err != nil {
		return 0, err
	}
	return ss.sum("process_cpu_seconds_total", nil), nil
}

// machineCPU reads the first line of /proc/stat: busy and total CPU seconds of all cores.
func machineCPU() (busy, total float64) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "cpu ") {
		return 0, 0
	}
	const hz = 100 // USER_HZ on Linux
	for i, field := range strings.Fields(line)[1:] {
		v, err := strconv.ParseFloat(field, 64)
		if err != nil || i >= 8 { // guest times are already in user and nice
			continue
		}
		total += v / hz
		if i != 3 && i != 4 { // idle, iowait
			busy += v / hz
		}
	}
	return busy, total
}

// cpuShareRow says who used the machine's CPU between two readings, with the
// operator's CPU from its own counters.
func (b *bench) cpuShareRow(phase string, from, to cpuShare, operatorCPU float64, wall time.Duration) {
	secs := wall.Seconds()
	if secs <= 0 || to.total <= from.total {
		return
	}
	pct := func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v/secs) }
	busy := (to.busy - from.busy) / (to.total - from.total)
	api, etcd := to.apiserver-from.apiserver, to.etcd-from.etcd
	rest := (to.busy - from.busy) - api - etcd - operatorCPU
	b.rep.add(phase, "CPU (% of one core)", fmt.Sprintf("kube-apiserver %s, etcd %s, operator %s, everything else %s; the machine's %d cores %.0f%% busy",
		pct(api), pct(etcd), pct(operatorCPU), pct(max(rest, 0)), runtime.NumCPU(), 100*busy))
}
