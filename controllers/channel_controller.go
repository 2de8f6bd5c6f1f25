package controllers

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// DefaultStatsFlush is how often a busy channel's counters are written to its status.
const DefaultStatsFlush = 10 * time.Second

// ChannelReconciler reports whether a channel can deliver (its Secret and notify channel
// exist) and folds the senders' counters into its status.
type ChannelReconciler struct {
	client.Client
	// Secrets reads Secrets uncached (the manager's API reader).
	Secrets  client.Reader
	Recorder events.EventRecorder
	Stats    *ChannelStats
	// Waiting counts the touches queued on each channel; nil shows none.
	Waiting *ChannelWaiting
	Clock   clock.PassiveClock
	// FlushEvery bounds status writes from counters; DefaultStatsFlush when zero.
	FlushEvery time.Duration

	mu        sync.Mutex
	lastFlush map[types.NamespacedName]time.Time
	started   time.Time
}

// +kubebuilder:rbac:groups=followup.io,resources=channels,verbs=get;list;watch
// +kubebuilder:rbac:groups=followup.io,resources=channels/status,verbs=get;update;patch

// Reconcile checks one channel and writes its status when it changed.
func (r *ChannelReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var ch v1.Channel
	if err := r.Get(ctx, req.NamespacedName, &ch); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	w := newStatusWriter(r.Client, &ch)
	before := ch.Status.DeepCopy()
	reason, msg, err := r.check(ctx, &ch)
	if err != nil {
		return ctrl.Result{}, err
	}
	st := &ch.Status
	st.ObservedGeneration = ch.Generation
	setReady(&st.Conditions, ch.Generation, reason == v1.ReasonValid, reason, msg)
	setWhatsAppConditions(&ch)

	var res ctrl.Result
	if reason != v1.ReasonValid {
		res.RequeueAfter = blockedRetry // the Secret or notify channel may appear; Secrets are not watched
	}
	flush, wait := r.takeStats(req.NamespacedName, r.watermark(st))
	if wait > 0 && (res.RequeueAfter == 0 || wait < res.RequeueAfter) {
		res.RequeueAfter = wait
	}
	if flush.sends+flush.failures > 0 {
		st.Sends += flush.sends
		st.Failures += flush.failures
		through := metav1.NewTime(flush.through)
		st.CountedThrough = &through
		if !flush.lastSendAt.IsZero() && (st.LastSendAt == nil || flush.lastSendAt.After(st.LastSendAt.Time)) {
			at := metav1.NewTime(flush.lastSendAt)
			st.LastSendAt = &at
		}
	}
	if flush.lastError != "" {
		st.LastError = flush.lastError
	}
	if q := r.queue(&ch); q > 0 && (res.RequeueAfter == 0 || queueRefresh < res.RequeueAfter) {
		res.RequeueAfter = queueRefresh // the queue is shown until it is empty
	}
	changed, err := w.write(ctx)
	if err != nil {
		r.Stats.giveBack(req.NamespacedName, flush)
		if apierrors.IsConflict(err) {
			return ctrl.Result{RequeueAfter: conflictRetry}, nil
		}
		return ctrl.Result{}, err
	}
	if !changed {
		return res, nil
	}
	r.whatsAppEvents(&ch, before.Conditions)
	if readyTransition(before.Conditions, st.Conditions) {
		if reason == v1.ReasonValid {
			r.Recorder.Eventf(&ch, nil, corev1.EventTypeNormal, reason, "Validate", "%s", msg)
		} else {
			r.Recorder.Eventf(&ch, nil, corev1.EventTypeWarning, reason, "Validate", "%s", msg)
		}
	}
	return res, nil
}

// watermark is the instant up to which the channel's counters are complete. A channel
// counted by an older version (counters but no watermark) starts from this process's
// start, so the touches already in its counters are not counted again.
func (r *ChannelReconciler) watermark(st *v1.ChannelStatus) time.Time {
	switch {
	case st.CountedThrough != nil:
		return st.CountedThrough.Time
	case st.Sends > 0 || st.Failures > 0:
		return r.started
	}
	return time.Time{}
}

// queueRefresh is how often a channel with a queue rewrites status.queued: ops see the
// backlog move without a write per touch.
const queueRefresh = 30 * time.Second

// queue sets status.queued and drainsAt from the touches waiting on ch and returns the
// queue's length.
func (r *ChannelReconciler) queue(ch *v1.Channel) int32 {
	n := int32(r.Waiting.Waiting(types.NamespacedName{Namespace: ch.Namespace, Name: ch.Name}))
	st := &ch.Status
	prev := st.DrainsAt
	st.Queued = n
	st.DrainsAt = nil
	if per := ch.Spec.RateLimit.PerMinute; n > 0 && per > 0 {
		minutes := (n + per - 1) / per
		at := metav1.NewTime(r.Clock.Now().Add(time.Duration(minutes) * time.Minute).Truncate(time.Minute))
		if prev != nil && prev.Equal(&at) { // no write for the same minute
			at = *prev
		}
		st.DrainsAt = &at
	}
	return n
}

// takeStats hands out a channel's settled counts at most once per flush interval; wait
// is how long until the next flush when counts are still pending.
func (r *ChannelReconciler) takeStats(key types.NamespacedName, watermark time.Time) (channelFlush, time.Duration) {
	if r.Stats == nil || !r.Stats.has(key) {
		return channelFlush{}, 0
	}
	every := r.FlushEvery
	if every <= 0 {
		every = DefaultStatsFlush
	}
	now := r.Clock.Now()
	r.mu.Lock()
	if r.lastFlush == nil {
		r.lastFlush = map[types.NamespacedName]time.Time{}
	}
	if last, ok := r.lastFlush[key]; ok && now.Sub(last) < every {
		r.mu.Unlock()
		return channelFlush{}, every - now.Sub(last)
	}
	r.lastFlush[key] = now
	r.mu.Unlock()
	f := r.Stats.take(key, watermark)
	var wait time.Duration
	if f.pending {
		wait = every
	}
	return f, wait
}

// check says whether the channel can deliver: its Secret (and the key it names) exists,
// and a task channel's notify channel is a webhook.
func (r *ChannelReconciler) check(ctx context.Context, ch *v1.Channel) (reason, msg string, err error) {
	if ref := ch.Spec.CredentialsRef; ref != nil {
		var s corev1.Secret
		err := r.Secrets.Get(ctx, types.NamespacedName{Namespace: ch.Namespace, Name: ref.Name}, &s)
		switch {
		case apierrors.IsNotFound(err):
			return v1.ReasonSecretNotFound, fmt.Sprintf("Secret %q (spec.credentialsRef) not found in namespace %s", ref.Name, ch.Namespace), nil
		case err != nil:
			return "", "", err
		case ref.Key != "" && len(s.Data[ref.Key]) == 0:
			return v1.ReasonSecretKeyMissing, fmt.Sprintf("Secret %q has no key %q (spec.credentialsRef.key)", ref.Name, ref.Key), nil
		}
	}
	if t := ch.Spec.Task; t != nil && t.Notify != "" {
		var n v1.Channel
		err := r.Get(ctx, types.NamespacedName{Namespace: ch.Namespace, Name: t.Notify}, &n)
		switch {
		case apierrors.IsNotFound(err):
			return v1.ReasonNotifyChannelNotFound, fmt.Sprintf("spec.task.notify: channel %q not found in namespace %s", t.Notify, ch.Namespace), nil
		case err != nil:
			return "", "", err
		case n.Spec.Type != v1.ChannelWebhook:
			return v1.ReasonNotifyNotWebhook, fmt.Sprintf("spec.task.notify: channel %q is %s; tasks are announced through a Webhook channel", t.Notify, n.Spec.Type), nil
		}
	}
	return v1.ReasonValid, fmt.Sprintf("%s channel ready", ch.Spec.Type), nil
}

// SetupWithManager watches channels and the counters' news.
func (r *ChannelReconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.started = r.Clock.Now()
	b := ctrl.NewControllerManagedBy(mgr).
		For(&v1.Channel{}, builder.WithPredicates(predicate.Or[client.Object](predicate.GenerationChangedPredicate{}, whatsAppStatusChanged)))
	if r.Stats != nil {
		b = b.WatchesRawSource(source.Channel(r.Stats.wake, &handler.EnqueueRequestForObject{}))
	}
	if r.Waiting != nil {
		b = b.WatchesRawSource(source.Channel(r.Waiting.wake, &handler.EnqueueRequestForObject{}))
	}
	return b.Complete(r)
}

// whatsAppEvents announces a template or messaging limit condition that moved.
func (r *ChannelReconciler) whatsAppEvents(ch *v1.Channel, before []metav1.Condition) {
	for _, typ := range []string{v1.ConditionTemplatesHealthy, v1.ConditionWithinMessagingLimit} {
		c := meta.FindStatusCondition(ch.Status.Conditions, typ)
		if c == nil || c.Status == metav1.ConditionUnknown || !conditionMoved(before, c) {
			continue
		}
		kind := corev1.EventTypeNormal
		if c.Status == metav1.ConditionFalse {
			kind = corev1.EventTypeWarning
		}
		r.Recorder.Eventf(ch, nil, kind, c.Reason, "Observe", "%s", c.Message)
	}
}
