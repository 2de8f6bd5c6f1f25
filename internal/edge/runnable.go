package edge

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Runnable serves the edge on Addr inside the manager (mgr.Add). Every replica serves:
// the writes are idempotent and conflict-safe, so no leader is needed.
type Runnable struct {
	Addr    string
	Handler http.Handler
}

// Start serves until ctx ends, then drains for up to 5 s.
func (rn Runnable) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", rn.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: rn.Handler, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, MaxHeaderBytes: 64 << 10}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

// NeedLeaderElection is false: every replica serves the edge.
func (Runnable) NeedLeaderElection() bool { return false }
