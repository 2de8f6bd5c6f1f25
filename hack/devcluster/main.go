// Command devcluster runs a real kube-apiserver and etcd (from bin/k8s) with the CRDs
// installed and writes an admin kubeconfig, for `make dev` and the end-to-end tests.
// It runs until interrupted.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/followup-io/followup-operator/internal/testenv"
)

func main() {
	kubeconfig := flag.String("write-kubeconfig", "bin/dev/kubeconfig", "Where to write the admin kubeconfig.")
	flag.Parse()
	if err := run(*kubeconfig); err != nil {
		fmt.Fprintln(os.Stderr, "devcluster:", err)
		os.Exit(1)
	}
}

func run(kubeconfig string) error {
	env, err := testenv.Start()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()

	admin, err := env.AddUser(envtest.User{Name: "dev-admin", Groups: []string{"system:masters"}})
	if err != nil {
		return err
	}
	cfg, err := admin.KubeConfig()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(kubeconfig), 0o755); err != nil {
		return err
	}
	// Write then rename, so a waiting script never reads half a file.
	if err := os.WriteFile(kubeconfig+".tmp", cfg, 0o600); err != nil {
		return err
	}
	if err := os.Rename(kubeconfig+".tmp", kubeconfig); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "devcluster: control plane at %s, kubeconfig %s\n", env.Config.Host, kubeconfig)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	_ = os.Remove(kubeconfig)
	return nil
}
