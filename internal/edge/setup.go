package edge

import (
	"context"
	"fmt"
	"github.com/followup-io/followup-operator/internal/indexes"

	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
)

// Options configure the edge.
type Options struct {
	// Addr to listen on; empty or "0" disables the edge.
	Addr string
	// ConfigDir holds the edge's secrets (a mounted Secret); re-read while running.
	ConfigDir string
	// Namespaces the edge may write to; empty is all.
	Namespaces []string
	Clock      clock.PassiveClock
}

// Setup adds the edge to the manager: it serves on every replica, not only the leader,
// and so does the watcher that re-reads its secrets.
func Setup(mgr ctrl.Manager, o Options) error {
	if o.Addr == "" || o.Addr == "0" {
		return nil
	}
	cfg, err := LoadConfig(o.ConfigDir)
	if err != nil {
		return fmt.Errorf("reading --edge-config-dir: %w", err)
	}
	cfg.Namespaces = o.Namespaces
	if err := indexes.Setup(context.Background(), mgr.GetFieldIndexer()); err != nil {
		return err
	}
	clk := o.Clock
	if clk == nil {
		clk = clock.RealClock{}
	}
	log := ctrl.Log.WithName("edge")
	srv := &Server{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Clock: clk, Log: log, Config: cfg}
	if o.ConfigDir != "" {
		if err := mgr.Add(&SecretsWatcher{Dir: o.ConfigDir, Server: srv, Log: log}); err != nil {
			return err
		}
	}
	return mgr.Add(Runnable{Addr: o.Addr, Handler: srv.Handler()})
}
