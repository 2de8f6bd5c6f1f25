package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/followup-io/followup-operator/internal/testenv"
)

// controlPlane is kube-apiserver + etcd from bin/k8s with the CRDs installed, a client
// that is never throttled on our side (the load generator must not be the bottleneck),
// and the apiserver's own /metrics.
type controlPlane struct {
	env        *testenv.Env
	client     client.Client
	kubeconfig string
	metrics    *http.Client
	host       string
}

func startControlPlane(dir string) (*controlPlane, error) {
	env, err := testenv.Start()
	if err != nil {
		return nil, err
	}
	// The envtest host ends in "/"; paths are appended to it below.
	cp := &controlPlane{env: env, kubeconfig: filepath.Join(dir, "kubeconfig"), host: strings.TrimRight(env.Config.Host, "/")}
	if err := env.WriteKubeconfig(cp.kubeconfig); err != nil {
		_ = env.Stop()
		return nil, err
	}
	cfg := rest.CopyConfig(env.Config)
	cfg.QPS, cfg.Burst = 100000, 100000
	if cp.client, err = client.New(cfg, client.Options{Scheme: env.Scheme}); err != nil {
		_ = env.Stop()
		return nil, err
	}
	if cp.metrics, err = rest.HTTPClientFor(env.Config); err != nil {
		_ = env.Stop()
		return nil, err
	}
	return cp, nil
}

func (cp *controlPlane) stop() { _ = cp.env.Stop() }

// scrape reads kube-apiserver's /metrics (the envtest user is an admin).
func (cp *controlPlane) scrape(ctx context.Context) (samples, error) {
	return scrapeSamples(ctx, cp.metrics, cp.host+"/metrics", "apiserver_request_total")
}
