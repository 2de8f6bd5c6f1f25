package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// config is one run's sizes and durations. Every field is a flag; BENCH_<NAME> in the
// environment sets the same thing (so `make bench BENCH_QUICK=1 BENCH_LEADS=500` works).
type config struct {
	quick bool

	bareLeads    int           // bare ceiling: leads created + one status write each
	workers      int           // client workers creating leads (bare and throughput)
	leads        int           // throughput: leads to an immediate first step
	steadyRate   int           // latency: leads per second
	steadyFor    time.Duration // latency: how long
	slowFor      time.Duration // slow receiver: how long (half the rate on each channel)
	slowDelay    time.Duration // slow receiver: delay per request
	burst        int           // leads in the burst into one campaign
	reps         int           // reps of that campaign
	rlLeads      int           // leads on the rate-limited channel
	rlPerMinute  int           // that channel's limit
	rlMaxWait    time.Duration // give up draining after this long (the figure says so)
	inboundOne   int           // concurrent events for one lead
	inboundMany  int           // events over inboundLeads leads, to two replicas
	inboundLeads int
	memoryLeads  int // bench-100k: leads for the memory point

	phases       string        // comma list of phases to run (default all but memory)
	operatorArgs string        // extra operator flags, e.g. "--kube-api-qps=500"
	memoryLimit  string        // the operator's --memory-limit: the container limit it runs as if under
	out          string        // folder for logs and profiles (default: a temp folder)
	profile      bool          // take CPU and allocation profiles of the operator
	profileSlice time.Duration // length of one CPU profile; a phase takes several
	settle       time.Duration // wait after a phase for trailing writes before counting
	phaseTimeout time.Duration // bound on any one phase's wait
}

func defaults(quick bool) config {
	c := config{quick: quick, bareLeads: 2000, workers: 16, leads: 2000, steadyRate: 50, steadyFor: 60 * time.Second,
		slowFor: 60 * time.Second, slowDelay: 2 * time.Second, burst: 10000, reps: 10, rlLeads: 2000, rlPerMinute: 60,
		rlMaxWait: 45 * time.Minute, inboundOne: 100, inboundMany: 500, inboundLeads: 10, memoryLeads: 100000,
		memoryLimit: "150Mi", profile: true, profileSlice: 10 * time.Second, settle: 8 * time.Second, phaseTimeout: 30 * time.Minute,
		phases: "bare,size,throughput,latency,slow,burst,ratelimit,inbound"}
	if quick {
		c.bareLeads, c.leads, c.steadyFor, c.slowFor, c.burst, c.rlLeads = 500, 500, 20*time.Second, 20*time.Second, 2000, 90
		c.rlMaxWait, c.profileSlice, c.phaseTimeout = 5*time.Minute, 5*time.Second, 10*time.Minute
	}
	return c
}

// parseConfig reads BENCH_QUICK first (it changes the defaults), then flags, then the
// environment for anything not given as a flag.
func parseConfig(args []string) (config, error) {
	quick := envBool("BENCH_QUICK")
	for _, a := range args {
		if a == "-quick" || a == "--quick" || a == "-quick=true" || a == "--quick=true" || a == "-quick=1" {
			quick = true
		}
	}
	c := defaults(quick)
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.BoolVar(&c.quick, "quick", c.quick, "short run for development (BENCH_QUICK=1)")
	fs.IntVar(&c.bareLeads, "bare-leads", c.bareLeads, "leads for the bare ceiling")
	fs.IntVar(&c.workers, "workers", c.workers, "client workers creating leads")
	fs.IntVar(&c.leads, "leads", c.leads, "leads for the throughput run")
	fs.IntVar(&c.steadyRate, "steady-rate", c.steadyRate, "leads per second in the latency run")
	fs.DurationVar(&c.steadyFor, "steady-for", c.steadyFor, "length of the latency run")
	fs.DurationVar(&c.slowFor, "slow-for", c.slowFor, "length of the slow-receiver run")
	fs.DurationVar(&c.slowDelay, "slow-delay", c.slowDelay, "the slow receiver's delay per request")
	fs.IntVar(&c.burst, "burst", c.burst, "leads in the burst into one campaign")
	fs.IntVar(&c.reps, "reps", c.reps, "reps of the burst's campaign")
	fs.IntVar(&c.rlLeads, "rl-leads", c.rlLeads, "leads on the rate-limited channel")
	fs.IntVar(&c.rlPerMinute, "rl-per-minute", c.rlPerMinute, "the rate-limited channel's perMinute")
	fs.DurationVar(&c.rlMaxWait, "rl-max-wait", c.rlMaxWait, "stop waiting for the rate-limited drain after this")
	fs.IntVar(&c.inboundOne, "inbound-one", c.inboundOne, "concurrent interaction events for one lead")
	fs.IntVar(&c.inboundMany, "inbound-many", c.inboundMany, "interaction events over several leads, to two replicas")
	fs.IntVar(&c.inboundLeads, "inbound-leads", c.inboundLeads, "leads the many events are spread over")
	fs.IntVar(&c.memoryLeads, "memory-leads", c.memoryLeads, "leads for the memory phase (make bench-100k)")
	fs.StringVar(&c.phases, "phases", c.phases, "phases to run: bare,size,throughput,latency,slow,burst,ratelimit,inbound,memory")
	fs.StringVar(&c.operatorArgs, "operator-args", c.operatorArgs, "extra operator flags, space separated")
	fs.StringVar(&c.memoryLimit, "operator-memory-limit", c.memoryLimit,
		"the operator's --memory-limit (the container limit the chart would pass it; the Go soft limit is 85% of it); "+
			"set on the operator process only, never on the control plane or this harness; none: no limit")
	fs.StringVar(&c.out, "out", c.out, "folder for logs and profiles (default: a new temp folder)")
	fs.BoolVar(&c.profile, "profile", c.profile, "profile the operator during the throughput and burst runs")
	fs.DurationVar(&c.profileSlice, "profile-slice", c.profileSlice, "length of one CPU profile")
	fs.DurationVar(&c.settle, "settle", c.settle, "wait for trailing writes after a phase")
	fs.DurationVar(&c.phaseTimeout, "phase-timeout", c.phaseTimeout, "bound on one phase's wait")

	// Environment first, as if given as flags; real flags then override it.
	var envArgs []string
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv("BENCH_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))); ok && v != "" {
			envArgs = append(envArgs, "-"+f.Name+"="+v)
		}
	})
	if err := fs.Parse(envArgs); err != nil {
		return c, fmt.Errorf("environment: %w", err)
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "operator-memory-limit" })
	if !given && c.runs("memory") {
		// The 100k point is judged against 1 GiB: the operator runs as if in a 1Gi container.
		c.memoryLimit = memoryPhaseLimit
	}
	return c, nil
}

// memoryPhaseLimit is the operator's memory limit in the memory phase (make bench-100k)
// unless one is given; the other phases run under config.memoryLimit's default, the
// 10k-lead budget.
const memoryPhaseLimit = "1Gi"

func (c config) runs(phase string) bool {
	for _, p := range strings.Split(c.phases, ",") {
		if strings.TrimSpace(p) == phase {
			return true
		}
	}
	return false
}

func envBool(name string) bool {
	b, _ := strconv.ParseBool(os.Getenv(name))
	return b
}
