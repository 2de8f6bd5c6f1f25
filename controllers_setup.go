package main

import (
	"context"
	"fmt"

	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/edge"
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
	if err := (&controllers.CampaignReconciler{Client: mgr.GetClient(), Recorder: recorder, Clock: clk}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the campaign controller: %w", err)
	}
	return setupEdge(mgr, o, clk)
}

// setupEdge serves the inbound HTTP edge unless disabled.
func setupEdge(mgr ctrl.Manager, o options, clk clock.PassiveClock) error {
	if o.edgeAddr == "" || o.edgeAddr == "0" {
		return nil
	}
	cfg, err := edge.LoadConfig(o.edgeConfigDir)
	if err != nil {
		return fmt.Errorf("reading --edge-config-dir: %w", err)
	}
	cfg.Namespaces = splitList(o.namespaces)
	if err := edge.SetupIndexes(context.Background(), mgr.GetFieldIndexer()); err != nil {
		return err
	}
	srv := &edge.Server{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Clock: clk,
		Log: ctrl.Log.WithName("edge"), Config: cfg}
	return mgr.Add(edge.Runnable{Addr: o.edgeAddr, Handler: srv.Handler()})
}
