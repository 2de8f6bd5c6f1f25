package senders

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/actionlink"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
)

// Router is the operator's dispatch.Dispatcher: it looks up a delivery's channel and
// credentials, waits for the channel's rate limit, sends, and reports each attempt.
type Router struct {
	lookup          Lookup
	obs             Observer
	http            *http.Client
	clock           clock.PassiveClock
	tlsConfig       *tls.Config
	smtpTimeout     time.Duration
	whatsAppTimeout time.Duration
	// maxWait bounds how long a send waits for its channel's rate limit before giving
	// the reconcile worker back (the touch is retried with backoff).
	maxWait time.Duration

	mu       sync.Mutex
	limiters map[types.NamespacedName]*channelLimiter
	// links signs the action links in task and notice messages; nil: none.
	links  *actionlink.Source
	pruned time.Time
	// slots are tokens reserved for touch keys ahead of their sends (Reserve).
	slots map[string]slot
}

type channelLimiter struct {
	// uid, generation and per are the channel the bucket was built for.
	uid        types.UID
	generation int64
	per        int32
	limiter    *rate.Limiter
	// used is the bucket's last use, or its latest slot's time if later: the bucket is
	// kept while slots on it are due.
	used time.Time
}

// Option configures a Router.
type Option func(*Router)

// WithHTTPClient sets the client for webhooks and WhatsApp.
func WithHTTPClient(c *http.Client) Option { return func(r *Router) { r.http = c } }

// WithClock sets the clock for signatures' timestamps and the rate limits' slots (a
// send still waits for its slot in real time).
func WithClock(c clock.PassiveClock) Option { return func(r *Router) { r.clock = c } }

// WithTLSConfig sets the TLS settings for SMTP (tests trust their own CA with it).
func WithTLSConfig(c *tls.Config) Option { return func(r *Router) { r.tlsConfig = c } }

// WithActionLinks makes task and notice messages carry signed action links.
func WithActionLinks(s *actionlink.Source) Option { return func(r *Router) { r.links = s } }

// WithMaxRateWait bounds the wait for a channel's rate limit.
func WithMaxRateWait(d time.Duration) Option { return func(r *Router) { r.maxWait = d } }

// NewRouter builds a Router.
func NewRouter(lookup Lookup, obs Observer, opts ...Option) *Router {
	r := &Router{lookup: lookup, obs: obs, http: &http.Client{}, clock: clock.RealClock{},
		smtpTimeout: 30 * time.Second, whatsAppTimeout: 15 * time.Second, maxWait: 5 * time.Second,
		limiters: map[types.NamespacedName]*channelLimiter{}, slots: map[string]slot{}}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Dispatch performs one touch.
func (r *Router) Dispatch(ctx context.Context, d dispatch.Delivery) dispatch.Result {
	if d.Task {
		return r.assignTask(ctx, d)
	}
	ch, creds, res, ok := r.channel(ctx, d.Lead.Namespace, d.Channel)
	if !ok {
		return res
	}
	if ch.Spec.Type == v1.ChannelTask {
		// A Task channel always assigns; the engine normally marks such touches Task.
		if d.Notify == "" && ch.Spec.Task != nil {
			d.Notify = ch.Spec.Task.Notify
		}
		return r.assignTask(ctx, d)
	}
	if !hasSpec(ch) {
		return dispatch.Result{Outcome: cadence.Permanent, Message: fmt.Sprintf("channel has no %s settings", ch.Spec.Type)}
	}
	return r.send(ctx, ch, d.Lead.Namespace, d.Key, func() dispatch.Result {
		switch ch.Spec.Type {
		case v1.ChannelWebhook:
			if f := ch.Spec.Webhook.Format; f != "" && f != "JSON" {
				return r.postChat(ctx, ch, creds, d.Key, d.Message.Subject, strings.TrimSpace(d.Message.Subject+"\n"+d.Message.Body), actions{})
			}
			return r.sendWebhook(ctx, ch, creds, d, nil)
		case v1.ChannelSMTP:
			return r.sendEmail(ctx, ch, creds, d)
		case v1.ChannelWhatsApp:
			return r.sendWhatsApp(ctx, ch, creds, d)
		}
		return dispatch.Result{Outcome: cadence.Permanent, Message: fmt.Sprintf("channel type %s cannot send a message", ch.Spec.Type)}
	})
}

// assignTask gives a call to the owner and tells them in their chat channel when there
// is one. The rep must hear of it, so a failed notice is retried.
func (r *Router) assignTask(ctx context.Context, d dispatch.Delivery) dispatch.Result {
	done := dispatch.Result{Outcome: cadence.TaskAssigned, Message: "task for " + d.Owner}
	if d.Notify == "" {
		return done
	}
	a := r.actionsFor(ctx, d.Lead, d.Key, d.Owner)
	res := r.notifyChannel(ctx, d.Lead.Namespace, d.Notify, d.Key, true, "Call task", taskText(d, a), a, d, nil)
	if res.Outcome != cadence.Sent {
		if res.Outcome == cadence.Permanent {
			res.Outcome = cadence.Transient // a broken chat channel is fixed by ops; keep the task
		}
		res.Message = "notifying the owner: " + res.Message
		return res
	}
	return done
}

// Notify sends a notice to a Webhook channel, with its key as the idempotency key.
func (r *Router) Notify(ctx context.Context, n dispatch.Notice) dispatch.Result {
	if n.Channel == "" {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "no channel for the notice"}
	}
	a := actions{}
	if n.Owner != "" {
		a = r.actionsFor(ctx, n.Lead, n.TouchKey, n.Owner)
	}
	return r.notifyChannel(ctx, n.Lead.Namespace, n.Channel, n.Key, false, n.Reason, noticeText(n, a), a,
		dispatch.Delivery{Lead: n.Lead, Owner: n.Owner}, &NoticeEvent{Reason: n.Reason, Message: n.Message})
}

// notifyChannel posts text to a webhook channel: a chat format as a chat message, a
// JSON webhook as a touch body with the notice.
func (r *Router) notifyChannel(ctx context.Context, ns, name, key string, task bool, title, text string, a actions, d dispatch.Delivery, notice *NoticeEvent) dispatch.Result {
	ch, creds, res, ok := r.channel(ctx, ns, name)
	if !ok {
		return res
	}
	if ch.Spec.Type != v1.ChannelWebhook || ch.Spec.Webhook == nil {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "notify channel is not a Webhook"}
	}
	return r.send(ctx, ch, ns, key, func() dispatch.Result {
		if f := ch.Spec.Webhook.Format; f != "" && f != "JSON" {
			return r.postChat(ctx, ch, creds, key, title, text, a)
		}
		d.Key, d.Channel = key, name
		d.Task = task
		d.Message.Subject, d.Message.Body = title, text+a.linkLines()
		return r.sendWebhook(ctx, ch, creds, d, notice)
	})
}

// channel looks a channel up; a missing one is permanent (fall back), a failed read is not.
func (r *Router) channel(ctx context.Context, ns, name string) (*v1.Channel, Credentials, dispatch.Result, bool) {
	ch, creds, err := r.lookup.Channel(ctx, ns, name)
	switch {
	case errors.Is(err, ErrChannelNotFound):
		return nil, nil, dispatch.Result{Outcome: cadence.Permanent, Message: "channel not found"}, false
	case err != nil:
		return nil, nil, dispatch.Result{Outcome: cadence.Transient, Message: "channel credentials unavailable"}, false
	}
	return ch, creds, dispatch.Result{}, true
}

// send waits for the channel's rate limit (the key's reserved slot, or the next token),
// runs the attempt and reports it. A send the limit holds back longer than maxWait is
// Deferred to the limit's next slot: not an attempt, so rate limiting never uses up a
// touch's retries.
func (r *Router) send(ctx context.Context, ch *v1.Channel, ns, key string, attempt func() dispatch.Result) dispatch.Result {
	if next, ok := r.allow(ctx, ns, ch, key); !ok {
		return dispatch.Result{Outcome: cadence.Deferred, Message: "rate limited", RetryAt: next}
	}
	start := time.Now()
	res := attempt()
	r.observe(ns, ch, res, time.Since(start))
	return res
}

func (r *Router) observe(ns string, ch *v1.Channel, res dispatch.Result, latency time.Duration) {
	if r.obs != nil {
		r.obs.Observed(ns, ch.Name, ch.Spec.Type, res.Outcome, res.Message, latency)
	}
}

// allow takes the key's reserved slot or a token from the channel's bucket, waiting up
// to maxWait; refused, it says when a token is expected. Buckets of channels unused for
// a while are dropped.
func (r *Router) allow(ctx context.Context, ns string, ch *v1.Channel, key string) (time.Time, bool) {
	now, name := r.clock.Now(), types.NamespacedName{Namespace: ns, Name: ch.Name}
	cl := r.limiterFor(name, ch, now)
	if s, ok := r.slotOf(key, name, cl, now, true); ok { // a void slot is as none: a token at the current rate
		delay := max(s.at.Sub(now), 0)
		if dl, ok := ctx.Deadline(); delay > r.maxWait || ok && time.Until(dl) < delay {
			r.putSlot(key, s) // still the key's: its next try takes it
			return s.at, false
		}
		return r.wait(ctx, now, delay, s.res)
	}
	res := cl.limiter.ReserveN(now, 1)
	if !res.OK() {
		return now.Add(time.Minute), false
	}
	delay := res.DelayFrom(now)
	if delay == 0 {
		return now, true
	}
	if dl, ok := ctx.Deadline(); delay > r.maxWait || ok && time.Until(dl) < delay {
		res.CancelAt(now) // give the token back: this send is retried later instead
		return now.Add(delay), false
	}
	return r.wait(ctx, now, delay, res)
}

// limiterFor is the channel's bucket (perMinute, burst of one minute's worth at most
// 10). It is rebuilt, voiding its slots, only when the rate changes in a newer
// generation or the channel was made anew: an edit of anything else keeps the bucket,
// and a reconcile still holding an older read never rebuilds it back (concurrent
// readers would otherwise flip it, each flip a fresh burst).
func (r *Router) limiterFor(key types.NamespacedName, ch *v1.Channel, now time.Time) *channelLimiter {
	per := ch.Spec.RateLimit.PerMinute
	if per <= 0 {
		per = 60
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pruneLimiters(now)
	cl, ok := r.limiters[key]
	switch {
	case !ok || cl.uid != ch.UID || ch.Generation > cl.generation && cl.per != per:
		burst := int(min(per, 10))
		cl = &channelLimiter{uid: ch.UID, generation: ch.Generation, per: per,
			limiter: rate.NewLimiter(rate.Limit(float64(per)/60), burst)}
		r.limiters[key] = cl
	case ch.Generation > cl.generation:
		cl.generation = ch.Generation
	}
	if now.After(cl.used) {
		cl.used = now
	}
	return cl
}

// wait holds the send until its token's time, in real time; a cancelled send gives the
// token back.
func (r *Router) wait(ctx context.Context, now time.Time, delay time.Duration, res *rate.Reservation) (time.Time, bool) {
	if delay <= 0 {
		return now, true
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return now.Add(delay), true
	case <-ctx.Done():
		res.CancelAt(r.clock.Now()) // Cancel would read the wall clock, not the limiter's
		return now.Add(delay), false
	}
}

// limiterIdle is how long an unused channel's bucket is kept.
const limiterIdle = 10 * time.Minute

// pruneLimiters drops the buckets of channels unused for limiterIdle, at most once a
// minute, so deleted and renamed channels do not pile up. Callers hold mu.
func (r *Router) pruneLimiters(now time.Time) {
	if now.Sub(r.pruned) < time.Minute {
		return
	}
	r.pruned = now
	for k, cl := range r.limiters {
		if now.Sub(cl.used) > limiterIdle {
			delete(r.limiters, k)
		}
	}
	r.pruneSlots(now)
}

// hasSpec reports whether the channel carries the settings block of its type (the CRD
// requires it; this guards objects written before that rule).
func hasSpec(ch *v1.Channel) bool {
	switch ch.Spec.Type {
	case v1.ChannelWebhook:
		return ch.Spec.Webhook != nil
	case v1.ChannelSMTP:
		return ch.Spec.SMTP != nil
	case v1.ChannelWhatsApp:
		return ch.Spec.WhatsApp != nil
	}
	return true
}
