package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// NameEventsDropped is the counter of Kubernetes Events the operator gave up on.
const NameEventsDropped = "followup_events_dropped_total"

// Reasons an Event is dropped.
const (
	// EventDropQueueFull: the recorder's queue was full (the API server is slower than
	// the events come); the caller is never held up.
	EventDropQueueFull = "queue_full"
	// EventDropWriteFailed: the API server refused the Event, or did not answer within
	// the recorder's tries.
	EventDropWriteFailed = "write_failed"
)

var eventsDropped = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: NameEventsDropped, Help: "Kubernetes Events not written, by reason (queue_full, write_failed).",
}, []string{"reason"})

func init() { ctrlmetrics.Registry.MustRegister(eventsDropped) }

// EventDropped counts an Event that was not written.
func EventDropped(reason string) { eventsDropped.WithLabelValues(reason).Inc() }
