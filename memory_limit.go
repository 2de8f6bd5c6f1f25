package main

import (
	"fmt"
	"math"
	"os"
	"runtime/debug"

	"k8s.io/apimachinery/pkg/api/resource"
)

// envMemoryLimit carries the container's memory limit in bytes; the chart sets it from
// the downward API (resourceFieldRef limits.memory), so the operator knows its budget.
const envMemoryLimit = "FOLLOWUP_MEMORY_LIMIT"

// softLimitShare is the part of the container's limit the Go heap may use before the
// garbage collector works harder to stay under it. The rest is for what the runtime's
// limit does not count (the binary's mapped text, C and kernel buffers) and for a margin,
// so the collector, not the kernel's OOM killer, answers a burst.
const softLimitShare = 0.85

// binaryPages is what the operator's own mapped binary adds to its RSS (RssFile: 37-43
// MiB measured at 2k and 10k leads, docs/benchmark.md). The container's memory counts it,
// Go's limit does not, so the soft limit leaves room for it; without that room a heap at
// twice the live data (GOGC=100) stays under the soft limit and RSS ends above the
// container's budget. The limit is never set below half the container's limit.
const binaryPages = 40 << 20

// softMemoryLimit is the Go runtime's soft memory limit for a container limit given as
// a quantity ("512Mi", or plain bytes as the downward API gives them); 0 means none. An
// explicit GOMEMLIMIT in the environment wins: the runtime has read it already.
func softMemoryLimit(containerLimit string, gomemlimitSet bool) (int64, error) {
	if containerLimit == "" || gomemlimitSet {
		return 0, nil
	}
	q, err := resource.ParseQuantity(containerLimit)
	if err != nil {
		return 0, fmt.Errorf("--memory-limit %q: %w", containerLimit, err)
	}
	b, ok := q.AsInt64()
	if !ok || b <= 0 {
		return 0, fmt.Errorf("--memory-limit %q: not a positive number of bytes", containerLimit)
	}
	return softLimitFor(b), nil
}

// softLimitFor is the soft limit for a container limit of b bytes.
func softLimitFor(b int64) int64 {
	return max(int64(math.Floor(float64(b)*softLimitShare))-binaryPages, b/2)
}

// applyMemoryLimit sets the runtime's soft memory limit from --memory-limit. Without
// it the heap may grow to twice the live data (GOGC=100) before a collection, which at
// 10k leads is RSS above the container budget (docs/benchmark.md).
func applyMemoryLimit(containerLimit string) (int64, error) {
	_, set := os.LookupEnv("GOMEMLIMIT")
	limit, err := softMemoryLimit(containerLimit, set)
	if err != nil || limit == 0 {
		return 0, err
	}
	debug.SetMemoryLimit(limit)
	return limit, nil
}
