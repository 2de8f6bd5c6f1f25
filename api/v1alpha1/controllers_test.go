package v1alpha1_test

import (
	"context"
	"io"
	"sync"
	"testing"

	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/indexes"
)

var (
	controllersOnce sync.Once
	controllersErr  error
)

// startControllers runs the policy, channel and campaign controllers against the test
// control plane once, for the invalid objects that are stored and reported on status.
// The lead controller is not started: these cases are about configuration objects.
func startControllers(t *testing.T) {
	t.Helper()
	apiClient(t) // the control plane first
	controllersOnce.Do(func() { controllersErr = runControllers() })
	if controllersErr != nil {
		t.Fatal(controllersErr)
	}
}

func runControllers() (err error) {
	{
		ctrl.SetLogger(zap.New(zap.WriteTo(io.Discard)))
		var mgr ctrl.Manager
		mgr, err = ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
		if err != nil {
			return
		}
		if err = indexes.Setup(context.Background(), mgr.GetFieldIndexer()); err != nil {
			return
		}
		rec := mgr.GetEventRecorder("followup-operator")
		if err = (&controllers.FollowUpPolicyReconciler{Client: mgr.GetClient(), Recorder: rec}).SetupWithManager(mgr); err != nil {
			return
		}
		if err = (&controllers.ChannelReconciler{Client: mgr.GetClient(), Secrets: mgr.GetAPIReader(), Recorder: rec,
			Clock: clock.RealClock{}}).SetupWithManager(mgr); err != nil {
			return
		}
		if err = (&controllers.CampaignReconciler{Client: mgr.GetClient(), Recorder: rec, Clock: clock.RealClock{}}).SetupWithManager(mgr); err != nil {
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { _ = mgr.Start(ctx); close(done) }()
		stopControllers = func() { cancel(); <-done }
	}
	return nil
}

// stopControllers ends the manager (TestMain calls it before stopping the control plane).
var stopControllers = func() {}
