package edge

import (
	"context"
	"fmt"
	"github.com/followup-io/followup-operator/internal/actionlink"
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
	// Links, when set, gets the action-link key of the secrets directory (file
	// action-link-key) now and after every rotation: the senders sign with it.
	Links *actionlink.Source
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
	keyOf := func(c Config) []byte {
		if len(c.ActionLinkKeys) == 0 {
			return nil
		}
		return []byte(c.ActionLinkKeys[0])
	}
	if o.Links != nil {
		o.Links.SetKey(keyOf(cfg))
	}
	srv := &Server{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Clock: clk, Log: log, Config: cfg}
	if o.Links != nil {
		o.Links.SetNamespaceKey(srv.NamespaceLinkKey) // a namespace's own action-link-key signs its links
	}
	if o.ConfigDir != "" {
		sw := &SecretsWatcher{Dir: o.ConfigDir, Server: srv, Log: log}
		if o.Links != nil {
			sw.OnChange = func(c Config) { o.Links.SetKey(keyOf(c)) }
		}
		if err := mgr.Add(sw); err != nil {
			return err
		}
	}
	return mgr.Add(Runnable{Addr: o.Addr, Handler: srv.Handler()})
}
