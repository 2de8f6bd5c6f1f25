package v1alpha1_test

import (
	"os"
	"sync"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/followup-io/followup-operator/internal/testenv"
)

// The control plane starts on first use, so fuzz workers (which run TestMain too) and
// pure tests do not each start one.
var (
	envOnce sync.Once
	env     *testenv.Env
	envErr  error
)

func apiClient(t testing.TB) client.Client {
	t.Helper()
	envOnce.Do(func() { env, envErr = testenv.Start() })
	if envErr != nil {
		t.Fatal(envErr)
	}
	return env.Client
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopControllers()
	if env != nil {
		_ = env.Stop()
	}
	os.Exit(code)
}
