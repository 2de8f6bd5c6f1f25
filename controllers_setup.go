package main

import (
	"fmt"

	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/senders"
)

// setupControllers wires the reconcilers and the senders into the manager.
func setupControllers(mgr ctrl.Manager, o options) error {
	recorder := mgr.GetEventRecorder("followup-operator")
	clk := clock.RealClock{}

	if err := (&controllers.FollowUpPolicyReconciler{Client: mgr.GetClient(), Recorder: recorder}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the policy controller: %w", err)
	}

	// Senders find channels in the cache and read Secrets straight from the API server.
	stats := controllers.NewChannelStats(clk)
	router := senders.NewRouter(controllers.ChannelLookup{Channels: mgr.GetClient(), Secrets: mgr.GetAPIReader()}, stats)
	if err := (&controllers.ChannelReconciler{Client: mgr.GetClient(), Secrets: mgr.GetAPIReader(), Recorder: recorder,
		Stats: stats, Clock: clk}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the channel controller: %w", err)
	}

	if err := (&controllers.LeadReconciler{Client: mgr.GetClient(), Recorder: recorder, Clock: clk,
		Dispatcher: router}).SetupWithManager(mgr, o.concurrency); err != nil {
		return fmt.Errorf("setting up the lead controller: %w", err)
	}
	return nil
}
