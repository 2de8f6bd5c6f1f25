package controllers

import (
	"context"
	"errors"
	"github.com/followup-io/followup-operator/internal/metrics"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
	"github.com/followup-io/followup-operator/internal/gather"
)

// Retry delays for a lead that is blocked on configuration, and after a write conflict.
const (
	blockedRetry  = 30 * time.Second
	conflictRetry = 200 * time.Millisecond
	staleRetry    = 100 * time.Millisecond
)

// LeadReconciler moves leads through their cadence. It only does I/O: get the lead,
// gather what its transition needs, fold in recorded interactions, ask
// cadence.Transition, write the intent, send, record the outcome, write, emit. Every
// decision is the engine's.
type LeadReconciler struct {
	client.Client
	// APIReader reads the lead's stored version before a send that no status write
	// precedes (readIsCurrent); nil: Client.
	APIReader  client.Reader
	Recorder   events.EventRecorder
	Clock      clock.PassiveClock
	Dispatcher dispatch.Dispatcher
	// Sends runs touches and notices; NewSendQueue(clock, true) runs them inline.
	Sends *SendQueue
	// Loads counts each rep's leads, for assignment.
	Loads *RepLoads
	// Archive finds a returning contact's archived leads; nil without an archive.
	Archive ContactLookup
	// newContacts are waiting leads (by name, holding the UID) already found to be no
	// returning contact.
	newContacts sync.Map
	// Revisions reads the stable revision of a policy under rollout (nil: a store
	// reading through Client).
	Revisions *PolicyRevisions
	revsOnce  sync.Once
	// superseded holds, per lead, the resourceVersion this controller's last status
	// write replaced: a cache still serving it is behind that write.
	superseded supersededVersions
}

// +kubebuilder:rbac:groups=followup.io,resources=leads,verbs=get;list;watch
// +kubebuilder:rbac:groups=followup.io,resources=leads/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=followup.io,resources=campaigns,verbs=get;list;watch
// +kubebuilder:rbac:groups=followup.io,resources=followuppolicies,verbs=get;list;watch
// +kubebuilder:rbac:groups=followup.io,resources=channels,verbs=get;list;watch

// Reconcile brings one lead up to date with the clock.
func (r *LeadReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	var l v1.Lead
	if err := r.Get(ctx, req.NamespacedName, &l); err != nil {
		if apierrors.IsNotFound(err) {
			r.newContacts.Delete(req.NamespacedName)
			r.superseded.forget(req.NamespacedName)
		}
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if !l.DeletionTimestamp.IsZero() {
		return reconcile.Result{}, nil
	}
	if r.superseded.behind(req.NamespacedName, l.ResourceVersion, r.Clock.Now()) {
		// The cache has not seen this controller's last write yet: acting on it would
		// only plan what that write settled and conflict.
		return reconcile.Result{RequeueAfter: staleRetry}, nil
	}
	read := l.Status.DeepCopy()
	var policy *v1.FollowUpPolicy
	defer func() { r.announce(&l, read, policy); r.announceReturning(&l, read) }()
	now := r.Clock.Now().UTC().Truncate(time.Second)

	g, err := gather.ForLead(ctx, r.Client, &l, func(g *gather.Gathered) error { return r.rolloutArm(ctx, &l, g) })
	var blocked *gather.Blocked
	switch {
	case errors.As(err, &blocked):
		return r.block(ctx, &l, blocked.Reason, blocked.Message)
	case errors.Is(err, gather.ErrPolicyPending):
		return reconcile.Result{RequeueAfter: time.Second}, nil
	case err != nil:
		return reconcile.Result{}, err
	}
	policy = g.Policy
	labels := metrics.LabelsFor(&l, g.Campaign, g.Policy) // once per reconcile, from what was gathered
	inbox, err := r.inbox(ctx, &l)
	if err != nil {
		return reconcile.Result{}, err
	}
	before := l.Status.DeepCopy() // as last written: what this reconcile's write changes
	folded := cadence.Fold(&l, inbox, &g.Policy.Spec)
	r.linkReturningContact(ctx, &l, g.Policy)

	// One pass writes the intent of the work due and sends it; its outcome is written by
	// the reconcile the send's completion triggers. Sends that complete at once (inline)
	// are recorded in further passes, a fallback sent right after a failure included.
	var res cadence.Result
	for pass := 0; pass < maxInlinePasses; pass++ {
		written := r.applyOutcomes(&l, g)
		var taken held
		in := r.input(ctx, &l, g, now, written, &taken)
		if res, err = cadence.Transition(in); err != nil {
			taken.release()
			return r.block(ctx, &l, v1.ReasonInvalidTimeZone, err.Error())
		}
		l.Status = res.Status
		wrote, err := r.writeStatus(ctx, &l, before, labels)
		if err != nil {
			taken.release()
			l.Status = *before
			if apierrors.IsConflict(err) {
				// A newer lead is on its way; outcomes wait for its reconcile.
				return reconcile.Result{RequeueAfter: conflictRetry}, nil
			}
			return reconcile.Result{}, err
		}
		if !wrote && (res.Touch != nil || len(res.Notices) > 0) {
			// No write's optimistic lock stands behind this send: make sure the cache
			// is not behind the stored lead before anything goes out.
			current, err := r.readIsCurrent(ctx, &l)
			if err != nil || !current {
				taken.release()
				return reconcile.Result{RequeueAfter: staleRetry}, err
			}
		}
		r.Sends.written(written)
		if pass == 0 {
			r.deleteFolded(ctx, &l, folded)
		}
		before = l.Status.DeepCopy()
		if !r.send(ctx, &l, g, res) || !r.Sends.inline {
			return requeueAt(res.NextAt, now), nil
		}
	}
	return reconcile.Result{RequeueAfter: time.Millisecond}, nil // outcomes left to record
}

// maxInlinePasses bounds the passes of one reconcile when sends complete at once.
const maxInlinePasses = 8

// input is the transition's input for the lead: the gathered objects, the time, what
// is in flight (not the sends whose outcome was just applied: those are settled, and a
// retry or the next step is the engine's to plan), a rep picker that reserves the
// rep's slot, and the channels' rate-limit slots, reserved the same way.
func (r *LeadReconciler) input(ctx context.Context, l *v1.Lead, g *gather.Gathered, now time.Time, applied []string, taken *held) cadence.Input {
	settled := make(map[string]bool, len(applied))
	for _, k := range applied {
		settled[k] = true
	}
	in := cadence.Input{Now: now, Lead: l, PolicyName: g.Policy.Name, Policy: &g.Policy.Spec,
		Revision: g.Policy.Status.StepsRevision, Channels: g.Channels, Colleagues: g.Colleagues, Rollout: g.Rollout, AfterSales: g.AfterSales,
		InFlight: func(key string) bool { return !settled[key] && r.Sends.inFlight(key) }}
	if c := g.Campaign; c != nil && len(c.Spec.Reps) > 0 {
		key := client.ObjectKeyFromObject(l)
		in.Reps = cadence.Reps{Campaign: c.Name, Count: len(c.Spec.Reps), Chat: gather.RepChats(c),
			Pick: func(exclude string) (string, bool) {
				rep, res, ok := r.Loads.Take(key, c, exclude)
				if ok {
					taken.reps = append(taken.reps, res)
				}
				return rep, ok
			}}
	}
	if s, ok := r.Dispatcher.(dispatch.Slots); ok {
		taken.slots = s
		in.Slot = func(channel, key string) time.Time {
			wait, fresh := s.Reserve(ctx, l.Namespace, channel, key)
			if fresh {
				taken.keys = append(taken.keys, key)
			}
			if wait <= 0 {
				return time.Time{}
			}
			return now.Add(wait).Truncate(time.Second).Add(time.Second) // the reconcile at the slot finds it free
		}
		in.ReleaseSlot = s.Release
	}
	return in
}

// held is what a transition reserved: given back when its write does not land.
type held struct {
	reps  []*Reservation
	slots dispatch.Slots
	keys  []string
}

func (h *held) release() {
	for i := len(h.reps) - 1; i >= 0; i-- {
		h.reps[i].Release()
	}
	for _, k := range h.keys {
		h.slots.Release(k)
	}
}

// applyOutcomes records the finished sends of this lead's pending touches and notices
// and returns their keys, to forget once the write that holds them has landed.
func (r *LeadReconciler) applyOutcomes(l *v1.Lead, g *gather.Gathered) []string {
	var keys []string
	touches := l.Status.Touches
	if as := l.Status.AfterSales; as != nil {
		touches = append(slices.Clip(touches), as.Touches...)
	}
	for _, t := range touches {
		if res, ok := r.Sends.outcome(t.Key); ok && !res.notice {
			cadence.ApplyTouchOutcome(&l.Status, cadence.TouchOutcome{Key: t.Key, Outcome: res.outcome, Message: res.message,
				MessageID: res.messageID, WhatsAppID: res.waID, RetryAt: res.retryAt, Retry: g.Channels[t.Channel].Retry}, res.at)
			keys = append(keys, t.Key)
		}
	}
	for _, n := range l.Status.Notices {
		if res, ok := r.Sends.outcome(n.Key); ok && res.notice {
			cadence.ApplyNoticeOutcome(&l.Status, n.Key, res.outcome, res.message, res.at)
			keys = append(keys, n.Key)
		}
	}
	return keys
}

// send submits the work due in res; it reports whether there was any.
func (r *LeadReconciler) send(ctx context.Context, l *v1.Lead, g *gather.Gathered, res cadence.Result) bool {
	if res.Touch != nil {
		r.Sends.submit(ctx, r.touchJob(l, g, res.Touch))
	}
	for _, n := range res.Notices {
		r.Sends.submit(ctx, r.noticeJob(l, n))
	}
	return res.Touch != nil || len(res.Notices) > 0
}

// block records a configuration problem on the lead (Stalled) and looks again later:
// the missing campaign or policy may be created.
func (r *LeadReconciler) block(ctx context.Context, l *v1.Lead, reason, msg string) (reconcile.Result, error) {
	before := l.Status.DeepCopy()
	cadence.Blocked(&l.Status, l.Generation, reason, msg)
	if _, err := r.writeStatus(ctx, l, before, r.metricLabels(ctx, l, l.Status.Policy)); err != nil && !apierrors.IsConflict(err) {
		return reconcile.Result{}, err
	}
	return reconcile.Result{RequeueAfter: blockedRetry}, nil
}

// writeStatus updates the status subresource under optimistic locking when it changed,
// and says whether it wrote: a stale cache makes the write of a touch's intent conflict
// before anything is sent.
func (r *LeadReconciler) writeStatus(ctx context.Context, l *v1.Lead, before *v1.LeadStatus, labels metrics.LeadLabels) (bool, error) {
	if equality.Semantic.DeepEqual(before, &l.Status) {
		return false, nil
	}
	read := l.ResourceVersion
	if err := r.Status().Update(ctx, l); err != nil {
		return false, err
	}
	r.superseded.replaced(client.ObjectKeyFromObject(l), read, l.ResourceVersion, r.Clock.Now())
	recordMetrics(l, labels, before, &l.Status)
	return true, nil
}

// announce emits one event summing up what this reconcile changed, and tells the
// policy when its template failed for a lead.
func (r *LeadReconciler) announce(l *v1.Lead, read *v1.LeadStatus, p *v1.FollowUpPolicy) {
	e := cadence.Announce(read, &l.Status)
	if e == nil {
		return
	}
	kind := "Normal"
	if e.Warning {
		kind = "Warning"
	}
	r.Recorder.Eventf(l, nil, kind, e.Reason, "Reconcile", "%s", e.Message)
	if e.Reason == v1.EventTemplateFailed && p != nil {
		r.Recorder.Eventf(p, l, "Warning", v1.EventTemplateFailed, "Render", "lead %s: %s", l.Name, e.Message)
	}
}

// requeueAt asks to be woken exactly at the next due instant: never a negative delay,
// never a hot loop (the engine's NextAt is always after now).
func requeueAt(next, now time.Time) reconcile.Result {
	if next.IsZero() {
		return reconcile.Result{}
	}
	return reconcile.Result{RequeueAfter: max(next.Sub(now), time.Second)}
}
