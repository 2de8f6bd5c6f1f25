package controllers

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// supersededTTL is how long a replaced resourceVersion is remembered: the cache sees a
// write within milliseconds, so a read older than that is no longer expected, and the
// entries of leads not reconciled again (the status write of a settled lead triggers no
// reconcile) do not pile up.
const supersededTTL = 30 * time.Second

// supersededVersions remembers, per lead, the resourceVersion this controller's last
// status write replaced: a cache still serving that version is behind the write.
type supersededVersions struct {
	mu    sync.Mutex
	by    map[types.NamespacedName]superseded
	swept time.Time
}

type superseded struct {
	rv string
	at time.Time
}

// replaced notes that a write at now replaced the lead's version rv with written. A
// write the server took without a new version (a status equal once serialized, such as
// a time that differed only below the second) replaced nothing: it adds no hold, and
// leaves an earlier write's hold as it was.
func (s *supersededVersions) replaced(key types.NamespacedName, rv, written string, now time.Time) {
	if rv == written {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.by == nil {
		s.by = map[types.NamespacedName]superseded{}
	}
	s.by[key] = superseded{rv: rv, at: now}
	if now.Sub(s.swept) > supersededTTL {
		s.swept = now
		for k, v := range s.by {
			if now.Sub(v.at) > supersededTTL {
				delete(s.by, k)
			}
		}
	}
}

// behind says whether rv is the version the lead's last write replaced, at now; a read
// of any other version, or one past supersededTTL, forgets the entry: a write the server
// took without a new version (a no-op) must not hold the lead longer than that.
func (s *supersededVersions) behind(key types.NamespacedName, rv string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.by[key]
	if !ok {
		return false
	}
	if v.rv == rv && now.Sub(v.at) <= supersededTTL {
		return true
	}
	delete(s.by, key)
	return false
}

// forget drops the lead's entry (the lead is gone).
func (s *supersededVersions) forget(key types.NamespacedName) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.by, key)
}
