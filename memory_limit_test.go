package main

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestMemoryLimitIsAShareOfTheContainers(t *testing.T) {
	for _, c := range []struct {
		in   string
		set  bool
		want int64
	}{
		{"", false, 0},
		{"512Mi", false, share(512 << 20)},
		{"536870912", false, share(512 << 20)}, // the downward API's form: bytes
		{"1Gi", false, share(1 << 30)},
		{"150Mi", false, 87.5 * (1 << 20)}, // 85% less the binary's 40 MiB of pages
		{"64Mi", false, 32 << 20},          // never below half the container's limit
		{"1Gi", true, 0},                   // GOMEMLIMIT given: the runtime's own setting stands
	} {
		got, err := softMemoryLimit(c.in, c.set)
		if err != nil || got != c.want {
			t.Errorf("softMemoryLimit(%q, %v) = %d, %v; want %d", c.in, c.set, got, err, c.want)
		}
	}
	for _, bad := range []string{"lots", "-1Gi", "0"} {
		if _, err := softMemoryLimit(bad, false); err == nil {
			t.Errorf("softMemoryLimit(%q) accepted", bad)
		}
	}
}

func TestMemoryLimitReachesTheRuntime(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "") // restores the variable afterwards
	os.Unsetenv("GOMEMLIMIT")
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	got, err := applyMemoryLimit("200Mi")
	if err != nil {
		t.Fatal(err)
	}
	if now := debug.SetMemoryLimit(-1); now != got || got != share(200<<20) {
		t.Errorf("runtime limit %d, applied %d", now, got)
	}
}

func share(b int64) int64 { return int64(float64(b)*softLimitShare) - binaryPages }
