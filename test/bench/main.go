// Command bench is the shipped benchmark (issue 14): it starts its own control plane
// from bin/k8s, runs the real operator binary as a separate process against it with
// webhook receivers on loopback, and prints what it measured beside the targets.
// It always exits 0 once it has printed a table: a missed target is a figure, not a
// failure. docs/benchmark.md explains every figure.
//
//	go run ./test/bench [-quick] [-phases=throughput,latency] [-operator-args="--kube-api-qps=500"]
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	cfg, err := parseConfig(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
