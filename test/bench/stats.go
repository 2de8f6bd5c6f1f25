package main

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// latencies is a set of measured durations.
type latencies []time.Duration

// pct is the p-th percentile (nearest rank); 0 for an empty set.
func (l latencies) pct(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := append(latencies(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := int(math.Ceil(p/100*float64(len(s)))) - 1
	if rank < 0 {
		rank = 0
	}
	return s[rank]
}

// reachLatencies: for each lead created, the time from its create to the receiver's
// first request for it; leads never reached are counted apart.
func reachLatencies(c *created, rc *receiver, ns string) (l latencies, missing int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, at := range c.at {
		if t, ok := rc.firstAt(ns, name); ok {
			l = append(l, t.Sub(at))
		} else {
			missing++
		}
	}
	return l, missing
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
}

func mib(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }
func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/(1<<10)) }
func perSec(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
