package controllers

import (
	"context"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
)

// DefaultSendsPerChannel is how many sends one channel runs at once.
const DefaultSendsPerChannel = 8

// resultTTL bounds how long an outcome waits for its lead (a lead deleted meanwhile).
const resultTTL = 30 * time.Minute

// SendQueue performs touches and notices off the reconcile workers: one small pool per
// channel, so a slow receiver or a rate limit holds up only its own channel. A send's
// outcome waits in memory until the lead's next reconcile has written it; until then
// its key counts as in flight and is not sent again. A crash loses the outcomes, and the
// touches still pending in status are sent again with the same keys.
type SendQueue struct {
	clock clock.PassiveClock
	// wake asks for a lead to be reconciled because an outcome is ready.
	wake chan event.GenericEvent
	// inline runs each send on the caller's goroutine (tests drive reconciles by hand).
	inline     bool
	perChannel int

	mu      sync.Mutex
	pending map[string]bool // keys submitted whose outcome is not yet written
	results map[string]sendResult
	lanes   map[string]*sendLane // by namespace/channel
	swept   time.Time            // when written last looked for outcomes whose lead went away
}

// sendJob is one send.
type sendJob struct {
	key  string
	lead types.NamespacedName
	lane string
	run  func(ctx context.Context) sendResult
}

// sendResult is what a send came to.
type sendResult struct {
	notice    bool
	outcome   cadence.Outcome
	message   string
	messageID string
	waID      string
	retryAt   time.Time
	at        time.Time
}

type sendLane struct {
	jobs   []sendJob
	active int
}

// NewSendQueue makes a queue; inline runs sends at once on the submitting goroutine.
func NewSendQueue(c clock.PassiveClock, inline bool) *SendQueue {
	return &SendQueue{clock: c, inline: inline, perChannel: DefaultSendsPerChannel, wake: make(chan event.GenericEvent, 4096),
		pending: map[string]bool{}, results: map[string]sendResult{}, lanes: map[string]*sendLane{}}
}

// submit queues a send unless its key is already under way.
func (q *SendQueue) submit(ctx context.Context, j sendJob) {
	q.mu.Lock()
	if q.pending[j.key] {
		q.mu.Unlock()
		return
	}
	q.pending[j.key] = true
	if q.inline {
		q.mu.Unlock()
		q.finish(j, j.run(ctx))
		return
	}
	l := q.lanes[j.lane]
	if l == nil {
		l = &sendLane{}
		q.lanes[j.lane] = l
	}
	l.jobs = append(l.jobs, j)
	start := l.active < q.perChannel
	if start {
		l.active++
	}
	q.mu.Unlock()
	if start {
		go q.drain(context.WithoutCancel(ctx), j.lane)
	}
}

// drain runs a lane's jobs until it is empty; the goroutine then ends.
func (q *SendQueue) drain(ctx context.Context, lane string) {
	for {
		q.mu.Lock()
		l := q.lanes[lane]
		if len(l.jobs) == 0 {
			l.active--
			if l.active == 0 {
				delete(q.lanes, lane) // no idle goroutines or lanes are kept
			}
			q.mu.Unlock()
			return
		}
		j := l.jobs[0]
		l.jobs = l.jobs[1:]
		q.mu.Unlock()
		q.finish(j, j.run(ctx))
	}
}

func (q *SendQueue) finish(j sendJob, res sendResult) {
	res.at = q.clock.Now()
	q.mu.Lock()
	q.results[j.key] = res
	q.mu.Unlock()
	if q.inline {
		return
	}
	lead := &v1.Lead{}
	lead.Namespace, lead.Name = j.lead.Namespace, j.lead.Name
	q.wake <- event.GenericEvent{Object: lead}
}

// inFlight says whether a key was submitted and its outcome is not yet written.
func (q *SendQueue) inFlight(key string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.pending[key]
}

// outcome is a finished send's result, if there is one for the key.
func (q *SendQueue) outcome(key string) (sendResult, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	r, ok := q.results[key]
	return r, ok
}

// resultSweep is how often written looks for outcomes whose lead went away: walking
// every held outcome on every status write was a measurable share of a burst's CPU.
const resultSweep = time.Minute

// written forgets outcomes now recorded in a lead's status.
func (q *SendQueue) written(keys []string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.clock.Now()
	for _, k := range keys {
		delete(q.results, k)
		delete(q.pending, k)
	}
	if now.Sub(q.swept) < resultSweep {
		return
	}
	q.swept = now
	for k, r := range q.results { // outcomes whose lead went away
		if now.Sub(r.at) > resultTTL {
			delete(q.results, k)
			delete(q.pending, k)
		}
	}
}
