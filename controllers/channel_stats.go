package controllers

import (
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/metrics"
)

// DefaultCountSettle is how long a counted touch waits before it is written into its
// channel's counters: the result write of a touch lands a moment after its performedAt,
// and the watermark must not pass a touch not yet seen.
const DefaultCountSettle = time.Minute

// ChannelStats counts what each channel delivered, for Channel status. Sends are counted
// from the leads' touch records (durable) as the lead informer sees them change; the
// channel controller writes them with a watermark, countedThrough, in the same status
// write. After a restart the informer lists every lead again and the touches performed
// after the watermark are counted once more: nothing the old process had not written
// is lost, nothing it had written is counted twice. Failures are counted from the same
// records (attempts and failed channels rising); those seen only by a process that died
// before writing them are not recovered. The senders' observations feed metrics and
// each channel's last error.
type ChannelStats struct {
	clock clock.PassiveClock
	// Settle is how long a count waits before it is written; DefaultCountSettle by default.
	Settle time.Duration
	mu     sync.Mutex
	// items are counted events by channel, each with its time, until written.
	items map[types.NamespacedName]*channelItems
	// wake tells the channel controller a channel has news; buffered, never blocks.
	wake chan event.GenericEvent
}

type channelItems struct {
	sends, failures []time.Time
	lastError       string
}

// NewChannelStats makes an empty collector.
func NewChannelStats(c clock.PassiveClock) *ChannelStats {
	return &ChannelStats{clock: c, Settle: DefaultCountSettle, items: map[types.NamespacedName]*channelItems{},
		wake: make(chan event.GenericEvent, 1024)}
}

// Handler counts touch transitions from the lead informer.
func (s *ChannelStats) Handler() toolscache.ResourceEventHandler {
	return toolscache.ResourceEventHandlerFuncs{
		AddFunc: func(o any) {
			if l, ok := o.(*v1.Lead); ok {
				s.count(l, nil)
			}
		},
		UpdateFunc: func(old, o any) {
			l, ok1 := o.(*v1.Lead)
			prev, ok2 := old.(*v1.Lead)
			if ok1 && ok2 {
				s.count(l, prev)
			}
		},
	}
}

// count adds the touches of l that became sent, or failed an attempt, since prev (nil:
// the informer's first sight of the lead, when every sent touch is a candidate and the
// watermark decides).
func (s *ChannelStats) count(l, prev *v1.Lead) {
	was := map[string]v1.TouchRecord{}
	if prev != nil {
		for _, t := range prev.Status.Touches {
			was[t.Key] = t
		}
	}
	now := s.clock.Now()
	for _, t := range l.Status.Touches {
		p, known := was[t.Key]
		if t.Result == v1.TouchSent && t.PerformedAt != nil && (!known || p.Result != v1.TouchSent) && t.Channel != "" {
			// Seen becoming sent in this process: counted at the time it is seen. The
			// result write can land long after performedAt (a conflict, a slow API
			// server), and a watermark already past performedAt would drop it. On the
			// informer's first sight (a restart) performedAt against the watermark is
			// all there is to tell what the previous process counted.
			at := t.PerformedAt.Time
			if prev != nil && now.After(at) {
				at = now
			}
			s.add(l.Namespace, t.Channel, at, true, "")
		}
		if !known {
			continue
		}
		if t.Attempts > p.Attempts || len(t.FailedChannels) > len(p.FailedChannels) || (t.Result == v1.TouchFailed && p.Result != v1.TouchFailed) {
			ch := p.Channel
			if ch == "" {
				ch = t.Channel
			}
			if ch != "" {
				s.add(l.Namespace, ch, now, false, errorClass(t.Message))
			}
		}
	}
}

func (s *ChannelStats) add(ns, channel string, at time.Time, sent bool, errClass string) {
	key := types.NamespacedName{Namespace: ns, Name: channel}
	s.mu.Lock()
	it := s.items[key]
	fresh := it == nil
	if fresh {
		it = &channelItems{}
		s.items[key] = it
	}
	if sent {
		it.sends = append(it.sends, at)
	} else {
		it.failures = append(it.failures, at)
		if errClass != "" {
			it.lastError = errClass
		}
	}
	s.mu.Unlock()
	if fresh {
		ch := &v1.Channel{}
		ch.Namespace, ch.Name = ns, channel
		select {
		case s.wake <- event.GenericEvent{Object: ch}:
		default: // the controller is behind; its periodic flush picks this up
		}
	}
}

// Observed implements senders.Observer: metrics and nothing else.
func (s *ChannelStats) Observed(namespace, channel string, typ v1.ChannelType, outcome cadence.Outcome,
	_ string, latency time.Duration) {
	metrics.DispatchObserved(namespace, channel, string(typ), strings.ToLower(string(outcome)), latency)
}

// channelFlush is what a channel's next status write adds.
type channelFlush struct {
	sends, failures int64
	lastSendAt      time.Time
	lastError       string
	through         time.Time
	// pending: items younger than the settle time wait for a later write.
	pending bool
}

// take hands out the counts of a channel up to now minus the settle time, above its
// watermark; items at or below the watermark were written before and are dropped.
func (s *ChannelStats) take(key types.NamespacedName, watermark time.Time) channelFlush {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.items[key]
	f := channelFlush{through: s.clock.Now().Add(-s.Settle)}
	if it == nil {
		return f
	}
	if f.through.Before(watermark) {
		f.through = watermark
	}
	split := func(ts []time.Time) (int64, []time.Time, time.Time) {
		var n int64
		var keep []time.Time
		var last time.Time
		for _, t := range ts {
			switch {
			case !t.After(watermark):
			case t.After(f.through):
				keep = append(keep, t)
			default:
				n++
				if t.After(last) {
					last = t
				}
			}
		}
		return n, keep, last
	}
	f.sends, it.sends, f.lastSendAt = split(it.sends)
	f.failures, it.failures, _ = split(it.failures)
	f.lastError, it.lastError = it.lastError, ""
	f.pending = len(it.sends)+len(it.failures) > 0
	if !f.pending {
		delete(s.items, key)
	}
	return f
}

// giveBack returns a flush whose write failed.
func (s *ChannelStats) giveBack(key types.NamespacedName, f channelFlush) {
	if f.sends == 0 && f.failures == 0 && f.lastError == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.items[key]
	if it == nil {
		it = &channelItems{}
		s.items[key] = it
	}
	for i := int64(0); i < f.sends; i++ {
		it.sends = append(it.sends, f.lastSendAt)
	}
	for i := int64(0); i < f.failures; i++ {
		it.failures = append(it.failures, f.through)
	}
	if it.lastError == "" {
		it.lastError = f.lastError
	}
}

// has says whether a channel has unwritten counts.
func (s *ChannelStats) has(key types.NamespacedName) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.items[key]
	return ok
}

// errorClass is the part of a touch message that names the error ("HTTP 503"), without
// the attempt count.
func errorClass(msg string) string {
	if i := strings.Index(msg, " (attempt "); i >= 0 {
		return msg[:i]
	}
	return msg
}
