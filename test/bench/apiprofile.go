package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/followup-io/followup-operator/internal/testenv"
)

// apiProfile is one CPU profile of kube-apiserver taken while a phase runs: where the
// control plane's CPU goes when it, not the operator, sets the pace.
type apiProfile struct {
	name, file string
	done       chan error
}

// profileAPIServer starts a CPU profile of kube-apiserver of the given length.
func (b *bench) profileAPIServer(ctx context.Context, name string, length time.Duration) *apiProfile {
	p := &apiProfile{name: name, file: filepath.Join(b.out, name+".kube-apiserver.cpu.pb.gz"), done: make(chan error, 1)}
	go func() {
		url := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", b.cp.host, int(length.Seconds()))
		p.done <- download(ctx, b.cp.metrics, url, p.file)
	}()
	return p
}

// apiServerCalls are the request paths a write-bound phase spends its control-plane CPU
// on, and the garbage collector.
const apiServerCalls = `customresource\.\(\*StatusREST\)\.Update$|registry\.\(\*Store\)\.Create$|` +
	`schemaCoercingDecoder\)?\.Decode$|ValidateStatusUpdate$|FieldManager\)\.UpdateNoErrors$|etcd3\.\(\*store\)\.(GuaranteedUpdate|Create)$|` +
	`runtime\.gcBgMarkWorker$|events.*Create$|cacher\.\(\*Cacher\)\.dispatchEvents$|handlers\.(UpdateResource|CreateResource|createHandler|PatchResource).*func1$`

// summary is the profile's cumulative share of those calls.
func (p *apiProfile) summary() string {
	if err := <-p.done; err != nil {
		return fmt.Sprintf("kube-apiserver profile during %s: %v\n", p.name, err)
	}
	bin := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kube-apiserver")
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		if root, err := testenv.Root(); err == nil {
			bin = filepath.Join(root, "bin", "k8s", "kube-apiserver")
		}
	}
	top := pprofTop("tool", "pprof", "-top", "-cum", "-nodecount=40", "-show="+apiServerCalls, bin, p.file)
	return fmt.Sprintf("kube-apiserver CPU during %s (cum = with callees; one sample profile):\n%s\nprofile: %s\n",
		p.name, strings.TrimRight(top, "\n"), p.file)
}
