package controllers

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// ChannelWaiting counts, per channel, the touches whose intent is written and whose
// result is not (status.touches[].result Pending): the channel's queue, including
// touches a rate limit deferred. Kept from the lead informer, so it costs no API call
// and a restart rebuilds it from the leads.
type ChannelWaiting struct {
	mu sync.Mutex
	// byLead is each lead's contribution, so an update replaces it: a short list, not a
	// map (nearly every lead waits on one channel; a map per lead cost 3 MiB in a
	// 10k-lead burst). The channels are in the lead's namespace.
	byLead map[types.UID][]channelCount
	total  map[types.NamespacedName]int
	// wake tells the channel controller a queue formed, so it shows at once; buffered,
	// never blocks (the controller's refresh picks up what a full buffer drops).
	wake chan event.GenericEvent
}

// NewChannelWaiting makes an empty counter.
func NewChannelWaiting() *ChannelWaiting {
	return &ChannelWaiting{byLead: map[types.UID][]channelCount{}, total: map[types.NamespacedName]int{},
		wake: make(chan event.GenericEvent, 1024)}
}

// Handler keeps the counts from the lead informer.
func (w *ChannelWaiting) Handler() toolscache.ResourceEventHandler {
	return toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { w.set(o, false) },
		UpdateFunc: func(_, o any) { w.set(o, false) },
		DeleteFunc: func(o any) {
			if d, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
				o = d.Obj
			}
			w.set(o, true)
		},
	}
}

// channelCount is how many of a lead's touches wait on one of its namespace's channels.
type channelCount struct {
	channel string
	n       int
}

func (w *ChannelWaiting) set(o any, deleted bool) {
	l, ok := o.(*v1.Lead)
	if !ok {
		return
	}
	var now []channelCount
	if !deleted {
		for _, t := range l.Status.Touches {
			if t.Result == v1.TouchPending && t.Channel != "" {
				now = countOn(now, t.Channel)
			}
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.byLead[l.UID] {
		ch := types.NamespacedName{Namespace: l.Namespace, Name: c.channel}
		if w.total[ch] -= c.n; w.total[ch] <= 0 {
			delete(w.total, ch)
		}
	}
	for _, c := range now {
		ch := types.NamespacedName{Namespace: l.Namespace, Name: c.channel}
		if w.total[ch] == 0 {
			obj := &v1.Channel{}
			obj.Namespace, obj.Name = ch.Namespace, ch.Name
			select {
			case w.wake <- event.GenericEvent{Object: obj}:
			default:
			}
		}
		w.total[ch] += c.n
	}
	if len(now) == 0 {
		delete(w.byLead, l.UID)
	} else {
		w.byLead[l.UID] = now
	}
}

// countOn adds one touch waiting on channel to counts.
func countOn(counts []channelCount, channel string) []channelCount {
	for i := range counts {
		if counts[i].channel == channel {
			counts[i].n++
			return counts
		}
	}
	return append(counts, channelCount{channel: channel, n: 1})
}

// Waiting is how many touches wait on a channel.
func (w *ChannelWaiting) Waiting(key types.NamespacedName) int {
	if w == nil {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.total[key]
}
