package controllers

import (
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/metrics"
)

// channelDelta is what a channel did since its status was last written.
type channelDelta struct {
	sends, failures int64
	lastError       string
	lastSendAt      time.Time
}

// ChannelStats collects send attempts from the senders and hands them to the channel
// controller, which folds them into Channel status in batches: a busy channel costs one
// status write per flush interval, not one per message.
type ChannelStats struct {
	mu      sync.Mutex
	pending map[types.NamespacedName]*channelDelta
	// wake tells the channel controller a channel has news; buffered, never blocks a send.
	wake chan event.GenericEvent
	// Clock stamps lastSendAt.
	Clock clock.PassiveClock
	// OnObserved, when set, also hears every observation (metrics).
	OnObserved func(namespace, channel string, typ v1.ChannelType, outcome cadence.Outcome, errClass string, latency time.Duration)
}

// NewChannelStats makes an empty collector.
func NewChannelStats(c clock.PassiveClock) *ChannelStats {
	return &ChannelStats{Clock: c, pending: map[types.NamespacedName]*channelDelta{}, wake: make(chan event.GenericEvent, 1024)}
}

// Observed implements senders.Observer.
func (s *ChannelStats) Observed(namespace, channel string, typ v1.ChannelType, outcome cadence.Outcome,
	errClass string, latency time.Duration) {
	metrics.DispatchObserved(namespace, channel, string(typ), strings.ToLower(string(outcome)), latency)
	if s.OnObserved != nil {
		s.OnObserved(namespace, channel, typ, outcome, errClass, latency)
	}
	key := types.NamespacedName{Namespace: namespace, Name: channel}
	s.mu.Lock()
	d, known := s.pending[key]
	if !known {
		d = &channelDelta{}
		s.pending[key] = d
	}
	switch outcome {
	case cadence.Sent, cadence.TaskAssigned:
		d.sends++
		d.lastSendAt = s.Clock.Now()
	default:
		d.failures++
		d.lastError = errClass
	}
	s.mu.Unlock()
	if !known {
		ch := &v1.Channel{}
		ch.Namespace, ch.Name = namespace, channel
		select {
		case s.wake <- event.GenericEvent{Object: ch}:
		default: // the controller is behind; its periodic flush picks this up
		}
	}
}

// take removes and returns a channel's pending delta.
func (s *ChannelStats) take(key types.NamespacedName) *channelDelta {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.pending[key]
	delete(s.pending, key)
	return d
}

// giveBack returns a delta whose write failed, merged with anything newer.
func (s *ChannelStats) giveBack(key types.NamespacedName, d *channelDelta) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.pending[key]
	if !ok {
		s.pending[key] = d
		return
	}
	cur.sends += d.sends
	cur.failures += d.failures
	if cur.lastError == "" {
		cur.lastError = d.lastError
	}
	if cur.lastSendAt.IsZero() {
		cur.lastSendAt = d.lastSendAt
	}
}

// has says whether a channel has unwritten observations.
func (s *ChannelStats) has(key types.NamespacedName) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.pending[key]
	return ok
}
