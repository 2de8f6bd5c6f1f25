// Command manager runs the followup-operator: it follows up leads under declared
// policies and reports their SLA.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/actionlink"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/edge"
)

// options are the manager's command-line settings.
type options struct {
	metricsAddr      string
	probeAddr        string
	leaderElect      bool
	leaderElectionID string
	leaderElectionNS string
	namespaces       string
	leadSelector     string
	concurrency      int
	qps              float64
	burst            int
	edgeAddr         string
	edgeConfigDir    string
	edgePublicURL    string
	actionLinkTTL    time.Duration
	countSettle      time.Duration
	// archiveDSN is the PostgreSQL lead archive; empty: nothing is archived.
	archiveDSN string
	pprofAddr  string
	// memoryLimit is the container's memory limit; the Go heap keeps under a share of it.
	memoryLimit string
}

func main() {
	var o options
	flag.StringVar(&o.metricsAddr, "metrics-bind-address", ":8080", "Address the metrics endpoint binds to; 0 disables it.")
	flag.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "Address the health and readiness probes bind to.")
	flag.BoolVar(&o.leaderElect, "leader-elect", true, "Elect a leader so that only one replica acts at a time.")
	flag.StringVar(&o.leaderElectionID, "leader-election-id", "followup-operator.followup.io",
		"Name of the leader-election Lease; give each regional install its own.")
	flag.StringVar(&o.leaderElectionNS, "leader-election-namespace", "",
		"Namespace of the Lease (default: the pod's namespace).")
	flag.StringVar(&o.namespaces, "namespaces", "", "Comma-separated namespaces to watch; empty watches all.")
	flag.StringVar(&o.leadSelector, "lead-selector", "",
		"Label selector: only leads matching it are followed up (shards leads between installs).")
	flag.IntVar(&o.concurrency, "max-concurrent-reconciles", 16, "Leads reconciled in parallel.")
	flag.Float64Var(&o.qps, "kube-api-qps", 200, "Client queries per second to the API server.")
	flag.IntVar(&o.burst, "kube-api-burst", 400, "Client burst to the API server.")
	zapOpts := zap.Options{Development: false}
	flag.StringVar(&o.edgeAddr, "edge-bind-address", ":8082",
		"Address of the inbound HTTP edge (lead intake, WhatsApp and CRM webhooks); 0 disables it.")
	flag.StringVar(&o.edgeConfigDir, "edge-config-dir", "",
		"Directory of the edge's secrets (intake-token, google-key, whatsapp-app-secret, whatsapp-verify-token).")
	flag.StringVar(&o.edgePublicURL, "edge-public-url", "",
		"Public base URL of the edge (https://followup.example.com): task and notice messages carry signed action links to it "+
			"when it is set and the edge's secrets hold action-link-key.")
	flag.DurationVar(&o.actionLinkTTL, "action-link-ttl", actionlink.DefaultTTL, "How long a rep's action link works.")
	flag.DurationVar(&o.countSettle, "channel-count-settle", controllers.DefaultCountSettle,
		"How long a sent touch waits before it is written into its channel's counters (the result write must land first).")
	flag.StringVar(&o.archiveDSN, "archive-dsn", os.Getenv(archive.EnvDSN),
		"PostgreSQL connection string of the lead archive (default $"+archive.EnvDSN+"; prefer the variable, from a Secret). Empty: no lead is archived.")
	flag.StringVar(&o.pprofAddr, "pprof-bind-address", "",
		"Address serving net/http/pprof for profiling (docs/benchmark.md); empty or 0 disables it. Never expose it publicly.")
	flag.StringVar(&o.memoryLimit, "memory-limit", os.Getenv(envMemoryLimit),
		"The container's memory limit (512Mi, or bytes; default $"+envMemoryLimit+", which the chart sets from the pod's limit): "+
			"the Go runtime's soft limit is set to 85% of it less 40 MiB for the binary's own pages (at least half of it). Empty: none. An explicit GOMEMLIMIT wins.")
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))

	if err := run(o); err != nil {
		ctrl.Log.Error(err, "manager stopped")
		os.Exit(1)
	}
}

func run(o options) error {
	setupLog := ctrl.Log.WithName("setup")
	softLimit, err := applyMemoryLimit(o.memoryLimit)
	if err != nil {
		return err
	}
	if softLimit > 0 {
		setupLog.Info("Go soft memory limit set", "containerLimit", o.memoryLimit, "softLimitBytes", softLimit)
	}
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1.AddToScheme(scheme))

	cacheOpts, err := o.cacheOptions()
	if err != nil {
		return err
	}
	restCfg := ctrl.GetConfigOrDie()
	restCfg.QPS = float32(o.qps)
	restCfg.Burst = o.burst

	mgr, err := ctrl.NewManager(restCfg, ctrl.Options{
		Scheme:                  scheme,
		Metrics:                 metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress:  o.probeAddr,
		PprofBindAddress:        o.pprofAddr,
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        o.leaderElectionID,
		LeaderElectionNamespace: o.leaderElectionNS,
		// Step down cleanly so the next replica takes over without waiting a lease out.
		LeaderElectionReleaseOnCancel: true,
		Cache:                         cacheOpts,
		Controller:                    config.Controller{MaxConcurrentReconciles: o.concurrency},
	})
	if err != nil {
		return fmt.Errorf("creating manager: %w", err)
	}

	store, err := openArchive(o.archiveDSN)
	if err != nil {
		return err
	}
	links := actionlink.NewSource(o.edgePublicURL, o.actionLinkTTL)
	if err := controllers.Setup(mgr, controllers.Options{Concurrency: o.concurrency, CountSettle: o.countSettle, Archive: store, Links: links}); err != nil {
		return err
	}
	if err := edge.Setup(mgr, edge.Options{Addr: o.edgeAddr, ConfigDir: o.edgeConfigDir, Namespaces: splitList(o.namespaces),
		Links: links}); err != nil {
		return err
	}

	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	setupLog.Info("starting manager", "namespaces", o.namespaces, "leadSelector", o.leadSelector,
		"leaderElectionID", o.leaderElectionID)
	return mgr.Start(ctrl.SetupSignalHandler())
}

// openArchive opens the lead archive when one is configured. A malformed connection
// string stops the operator with the reason; an unreachable database does not (live
// leads go on; archiving and campaign measures retry until it answers).
func openArchive(dsn string) (*archive.Store, error) {
	log := ctrl.Log.WithName("setup")
	if dsn == "" {
		log.Info("no lead archive configured (--archive-dsn / " + archive.EnvDSN + "): leads stay in the cluster")
		return nil, nil
	}
	store, err := archive.Open(context.Background(), dsn)
	if err != nil {
		return nil, fmt.Errorf("--archive-dsn: %w", err)
	}
	log.Info("lead archive configured", "schemaVersion", archive.SchemaVersion())
	return store, nil
}

// cacheOptions limits what the manager watches (the listed namespaces and, for leads,
// the label selector that shards them between regional installs) and trims what it
// keeps of each object (trimForCache).
func (o options) cacheOptions() (cache.Options, error) {
	opts := cache.Options{DefaultTransform: trimForCache}
	if ns := splitList(o.namespaces); len(ns) > 0 {
		opts.DefaultNamespaces = make(map[string]cache.Config, len(ns))
		for _, n := range ns {
			opts.DefaultNamespaces[n] = cache.Config{}
		}
	}
	if o.leadSelector != "" {
		sel, err := labels.Parse(o.leadSelector)
		if err != nil {
			return opts, fmt.Errorf("--lead-selector %q: %w", o.leadSelector, err)
		}
		opts.ByObject = map[client.Object]cache.ByObject{&v1.Lead{}: {Label: sel}}
	}
	return opts, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
