package controllers_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/eventrecorder"
	"github.com/followup-io/followup-operator/internal/indexes"
	"github.com/followup-io/followup-operator/internal/testenv"
)

var (
	k8s      client.Client
	env      *testenv.Env
	recorder events.EventRecorder
	// cached is the manager's client: reads from its cache, with indexes.Setup's field
	// indexes (the harness's direct client cannot list by a custom index).
	cached client.Client
	// managerCache is the manager's cache behind cached (its informers and indexes).
	managerCache cache.Cache
)

// TestMain runs one control plane and one manager for the package's tests.
func TestMain(m *testing.M) {
	ctrl.SetLogger(zap.New(zap.UseDevMode(true), zap.WriteTo(io.Discard)))
	var err error
	env, err = testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	k8s = env.Client
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme,
		Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rec := eventrecorder.New(mgr.GetClient(), mgr.GetScheme(), controllers.EventReporter, eventrecorder.Options{})
	if err := mgr.Add(rec); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	recorder = rec
	cached, managerCache = mgr.GetClient(), mgr.GetCache()
	if err := indexes.Setup(context.Background(), mgr.GetFieldIndexer()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The policy controller runs in the manager; lead tests drive LeadReconciler
	// directly with a fake clock (see lead_controller_test.go).
	if err := (&controllers.FollowUpPolicyReconciler{Client: mgr.GetClient(),
		APIReader: mgr.GetAPIReader(), Recorder: recorder}).SetupWithManager(mgr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()

	code := m.Run()
	cancel()
	<-done
	_ = env.Stop()
	os.Exit(code)
}
