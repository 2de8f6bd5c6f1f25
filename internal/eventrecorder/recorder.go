// Package eventrecorder writes the operator's events.k8s.io/v1 Events straight to the
// API server through a bounded queue.
//
// client-go's events broadcaster (what mgr.GetEventRecorder hands out) keeps every Event
// it wrote in a cache for 6-12 minutes to detect series of repeated Events: about 1.5 KiB
// per Event, 15 MiB of heap during a 10k-lead burst. The operator emits an Event only on
// a transition, so a series never forms and the cache is pure cost. This recorder keeps
// nothing once an Event is written.
package eventrecorder

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/tools/record/util"
	"k8s.io/client-go/tools/reference"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/followup-io/followup-operator/internal/metrics"
)

// Defaults.
const (
	// DefaultQueueSize is how many Events may wait to be written; the same bound as
	// client-go's broadcaster.
	DefaultQueueSize = 1000
	// DefaultWorkers is how many Events are written at once. client-go's broadcaster
	// starts a goroutine per Event; with 2 writers a 10k-lead burst on a busy API server
	// filled the queue and about half of its Events were dropped (docs/benchmark.md).
	DefaultWorkers = 16
	// maxTries bounds the writes of one Event the API server did not answer.
	maxTries = 3
	// retryDelay is the wait between such tries (jittered by a quarter).
	retryDelay = time.Second
	// drainTimeout is how long the Events still queued at shutdown may take to be written.
	drainTimeout = 5 * time.Second
)

// Creator creates objects in the API server (a controller-runtime client).
type Creator interface {
	Create(ctx context.Context, obj client.Object, opts ...client.CreateOption) error
}

// Recorder is an events.EventRecorder whose Eventf never blocks: it queues the Event and
// the Recorder's workers, started by Start (a manager.Runnable), create it. A full queue
// drops the Event and counts it (metrics.NameEventsDropped).
type Recorder struct {
	creator    Creator
	scheme     *runtime.Scheme
	controller string
	instance   string
	clock      clock.PassiveClock
	workers    int
	log        logr.Logger
	queue      chan *eventsv1.Event
}

var _ events.EventRecorder = (*Recorder)(nil)

// Options tune a Recorder; zero values take the defaults.
type Options struct {
	QueueSize int
	Workers   int
	Clock     clock.PassiveClock
	Log       logr.Logger
}

// New is a Recorder that reports as controller (reportingController) and
// "<controller>-<hostname>" (reportingInstance), as client-go's recorder does.
func New(c Creator, scheme *runtime.Scheme, controller string, o Options) *Recorder {
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.Log.GetSink() == nil {
		o.Log = logr.Discard()
	}
	hostname, _ := os.Hostname()
	return &Recorder{creator: c, scheme: scheme, controller: controller, instance: controller + "-" + hostname,
		clock: o.Clock, workers: o.Workers, log: o.Log, queue: make(chan *eventsv1.Event, o.QueueSize)}
}

// Eventf queues an Event about regarding (and related, which may be nil). It returns at
// once: when the queue is full the Event is dropped and counted.
func (r *Recorder) Eventf(regarding runtime.Object, related runtime.Object, eventtype, reason, action, note string, args ...interface{}) {
	ev, err := r.makeEvent(regarding, related, eventtype, reason, action, fmt.Sprintf(note, args...))
	if err != nil {
		r.log.Error(err, "Event not recorded", "reason", reason)
		return
	}
	select {
	case r.queue <- ev:
	default:
		metrics.EventDropped(metrics.EventDropQueueFull)
	}
}

// makeEvent fills an Event as client-go's recorder does (tools/events/event_recorder.go).
func (r *Recorder) makeEvent(regarding, related runtime.Object, eventtype, reason, action, note string) (*eventsv1.Event, error) {
	refRegarding, err := reference.GetReference(r.scheme, regarding)
	if err != nil {
		return nil, fmt.Errorf("no reference to the regarding object: %w", err)
	}
	var refRelated *corev1.ObjectReference
	if related != nil {
		// As client-go: an unreferenceable related object leaves related empty.
		if refRelated, err = reference.GetReference(r.scheme, related); err != nil {
			refRelated = nil
		}
	}
	if !util.ValidateEventType(eventtype) {
		return nil, fmt.Errorf("unsupported event type %q", eventtype)
	}
	now := r.clock.Now()
	namespace := refRegarding.Namespace
	if namespace == "" {
		namespace = metav1.NamespaceDefault
	}
	return &eventsv1.Event{
		ObjectMeta: metav1.ObjectMeta{
			Name:      util.GenerateEventName(refRegarding.Name, now.UnixNano()),
			Namespace: namespace,
		},
		EventTime:           metav1.MicroTime{Time: now},
		ReportingController: r.controller,
		ReportingInstance:   r.instance,
		Action:              action,
		Reason:              reason,
		Regarding:           *refRegarding,
		Related:             refRelated,
		Note:                note,
		Type:                eventtype,
	}, nil
}

// NeedLeaderElection is false: every replica records its own Events, as with the
// manager's recorder (a standby's edge and leader election emit Events too).
func (r *Recorder) NeedLeaderElection() bool { return false }

// Start writes queued Events until ctx ends, then writes what is still queued for at
// most drainTimeout.
func (r *Recorder) Start(ctx context.Context) error {
	var wg sync.WaitGroup
	for range r.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(ctx)
		}()
	}
	wg.Wait()

	drainCtx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	for {
		select {
		case ev := <-r.queue:
			r.write(drainCtx, ev)
		default:
			return nil
		}
	}
}

func (r *Recorder) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-r.queue:
			r.write(ctx, ev)
		}
	}
}

// write creates ev, trying again when the API server did not answer; an Event the
// server refused is dropped (it would be refused again).
func (r *Recorder) write(ctx context.Context, ev *eventsv1.Event) {
	for try := 1; ; try++ {
		err := r.creator.Create(ctx, ev)
		var status apierrors.APIStatus
		switch {
		case err == nil, apierrors.IsAlreadyExists(err):
			return
		case errors.As(err, &status), try >= maxTries, ctx.Err() != nil:
			metrics.EventDropped(metrics.EventDropWriteFailed)
			r.log.Error(err, "Event not written", "regarding", ev.Regarding.Kind+" "+ev.Namespace+"/"+ev.Regarding.Name,
				"reason", ev.Reason, "tries", try)
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait.Jitter(retryDelay, 0.25)):
		}
	}
}
