package controllers

import (
	"context"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// DefaultSecretTTL is how long a channel's Secret, once read, serves sends: a burst of
// touches costs one read per channel per TTL instead of one per touch, and a rotated
// credential is in use within the TTL.
const DefaultSecretTTL = 10 * time.Second

// SecretCache reads Secrets through a Reader (the uncached API reader) and keeps each for
// a short TTL. Failed reads are never kept: a missing Secret is looked for again at once.
type SecretCache struct {
	Reader client.Reader
	Clock  clock.PassiveClock
	TTL    time.Duration

	mu sync.Mutex
	m  map[types.NamespacedName]secretEntry
}

type secretEntry struct {
	data map[string][]byte
	at   time.Time
}

// Data is the Secret's data, at most TTL old.
func (c *SecretCache) Data(ctx context.Context, key types.NamespacedName) (map[string][]byte, error) {
	now := c.Clock.Now()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.TTL {
		return e.data, nil
	}
	var s corev1.Secret
	if err := c.Reader.Get(ctx, key, &s); err != nil {
		c.mu.Lock()
		delete(c.m, key)
		c.mu.Unlock()
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[types.NamespacedName]secretEntry{}
	}
	c.m[key] = secretEntry{data: s.Data, at: now}
	c.mu.Unlock()
	return s.Data, nil
}
