// Package secrets reads Secrets straight from the API server (the operator never lists
// or caches every Secret of the namespaces it serves) and keeps each one for a short
// TTL: a burst of sends or webhook requests costs one read per Secret per TTL, and a
// rotated or newly created Secret is in use within the TTL. The senders (channel
// credentials) and the inbound edge (a namespace's own intake credentials) share it.
package secrets

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// DefaultTTL is how long a read Secret (or its absence) is reused.
const DefaultTTL = 10 * time.Second

// Cache keeps what Reader answered for each Secret for TTL. A missing Secret, or one the
// operator may not read, is kept as that answer for TTL too (a namespace without one must
// not cost a read per request); other errors are never kept. Concurrent reads of one
// Secret share one API call, which no single caller's cancellation ends. Expired entries
// are dropped as new ones come, so names nobody asks for again do not pile up.
type Cache struct {
	Reader client.Reader
	Clock  clock.PassiveClock // the real clock when nil
	TTL    time.Duration      // DefaultTTL when zero

	mu    sync.Mutex
	m     map[types.NamespacedName]entry
	group singleflight.Group
}

type entry struct {
	data map[string][]byte
	err  error // NotFound or Forbidden: a kept answer
	at   time.Time
}

// readTimeout bounds the one shared read of a Secret.
const readTimeout = 10 * time.Second

// pruneAbove is the map size from which expired entries are dropped on insert.
const pruneAbove = 1024

// Get is the Secret's data, at most TTL old. A missing Secret is an error that
// apierrors.IsNotFound recognises, one the operator may not read IsForbidden.
func (c *Cache) Get(ctx context.Context, key types.NamespacedName) (map[string][]byte, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl() {
		return e.data, e.err
	}
	v, err, _ := c.group.Do(key.String(), func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readTimeout)
		defer cancel()
		var s corev1.Secret
		e := entry{at: now}
		switch err := c.Reader.Get(rctx, key, &s); {
		case err == nil:
			e.data = s.Data
		case apierrors.IsNotFound(err) || apierrors.IsForbidden(err):
			e.err = err
		default:
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.m == nil {
			c.m = map[types.NamespacedName]entry{}
		}
		if len(c.m) >= pruneAbove {
			for k, old := range c.m {
				if now.Sub(old.at) >= c.ttl() {
					delete(c.m, k)
				}
			}
		}
		c.m[key] = e
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	e = v.(entry)
	return e.data, e.err
}

func (c *Cache) now() time.Time {
	if c.Clock == nil {
		return time.Now()
	}
	return c.Clock.Now()
}

func (c *Cache) ttl() time.Duration {
	if c.TTL <= 0 {
		return DefaultTTL
	}
	return c.TTL
}
