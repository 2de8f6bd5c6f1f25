// Package testenv starts a real kube-apiserver and etcd (built from source by
// hack/build-control-plane.sh) with this project's CRDs installed, for tests.
package testenv

import (
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Env is a running control plane.
type Env struct {
	Config *rest.Config
	Client client.Client
	Scheme *runtime.Scheme
	env    *envtest.Environment
}

// Root is the repository root (the folder holding go.mod).
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Start runs kube-apiserver and etcd and installs the CRDs. KUBEBUILDER_ASSETS names
// the binaries; unset, it defaults to bin/k8s of this repository.
func Start() (*Env, error) { return start(true) }

// StartBare runs the control plane without the CRDs (a Helm release installs them).
func StartBare() (*Env, error) { return start(false) }

func start(crds bool) (*Env, error) {
	root, err := Root()
	if err != nil {
		return nil, err
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		assets = filepath.Join(root, "bin", "k8s")
	}
	if _, err := os.Stat(filepath.Join(assets, "kube-apiserver")); err != nil {
		return nil, fmt.Errorf("no kube-apiserver in %s: run `make control-plane` (or `make test`) first", assets)
	}
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1.AddToScheme(scheme))

	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		Scheme:                scheme,
	}
	if crds {
		env.CRDDirectoryPaths = []string{filepath.Join(root, "config", "crd", "bases")}
		env.ErrorIfCRDPathMissing = true
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the control plane: %w", err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		_ = env.Stop()
		return nil, err
	}
	return &Env{Config: cfg, Client: c, Scheme: scheme, env: env}, nil
}

// EtcdURL is the client URL of the control plane's etcd (plain HTTP on loopback), for
// the archive benchmark's size readings and compaction.
func (e *Env) EtcdURL() string {
	if e.env.ControlPlane.Etcd == nil || e.env.ControlPlane.Etcd.URL == nil {
		return ""
	}
	return e.env.ControlPlane.Etcd.URL.String()
}

// Stop ends the control plane.
func (e *Env) Stop() error { return e.env.Stop() }

// AddUser adds a user to the control plane, for a kubeconfig that kubectl can use.
func (e *Env) AddUser(u envtest.User) (*envtest.AuthenticatedUser, error) {
	return e.env.AddUser(u, nil)
}
