package testenv

import (
	"os"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// WriteKubeconfig writes an admin kubeconfig for the control plane to path, for kubectl,
// helm and operator processes started by tests.
func (e *Env) WriteKubeconfig(path string) error {
	admin, err := e.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}})
	if err != nil {
		return err
	}
	cfg, err := admin.KubeConfig()
	if err != nil {
		return err
	}
	return os.WriteFile(path, cfg, 0o600)
}
