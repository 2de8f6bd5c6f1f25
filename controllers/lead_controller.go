package controllers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
	"github.com/followup-io/followup-operator/internal/templates"
)

// Retry delays for a lead that is blocked on configuration, and after a write conflict.
const (
	blockedRetry  = 30 * time.Second
	conflictRetry = 200 * time.Millisecond
)

// leadPolicyIndex indexes leads by the policy they follow (spec, or as resolved in status).
const leadPolicyIndex = "policy"

// LeadReconciler advances leads through their cadence: it asks the cadence engine what
// is due, performs it through the dispatcher exactly once in effect, and records status,
// conditions and events.
type LeadReconciler struct {
	client.Client
	Recorder   events.EventRecorder
	Clock      clock.PassiveClock
	Dispatcher dispatch.Dispatcher
}

// +kubebuilder:rbac:groups=followup.io,resources=leads,verbs=get;list;watch
// +kubebuilder:rbac:groups=followup.io,resources=leads/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=followup.io,resources=campaigns,verbs=get;list;watch
// +kubebuilder:rbac:groups=followup.io,resources=campaigns/status,verbs=get;update;patch

// Reconcile brings one lead up to date with the clock.
func (r *LeadReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var l v1.Lead
	if err := r.Get(ctx, req.NamespacedName, &l); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !l.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	before := l.Status.DeepCopy()
	now := r.Clock.Now().UTC().Truncate(time.Second)

	lc, err := r.resolve(ctx, &l)
	var b *blocked
	switch {
	case errors.As(err, &b):
		setReady(&l.Status.Conditions, l.Generation, false, b.reason, b.message)
		l.Status.ObservedGeneration = l.Generation
		// The missing campaign or policy may be created later; look again now and then.
		return ctrl.Result{RequeueAfter: blockedRetry}, r.finish(ctx, &l, before, nil)
	case errors.Is(err, errPolicyPending):
		return ctrl.Result{RequeueAfter: time.Second}, nil
	case err != nil:
		return ctrl.Result{}, err
	}

	if l.Status.Owner == "" || (l.Spec.Owner != "" && l.Status.Owner != l.Spec.Owner) {
		owner := l.Spec.Owner
		if owner == "" {
			if owner, err = r.assignOwner(ctx, lc.campaign); err != nil {
				return ctrl.Result{}, err
			}
		}
		l.Status.Owner = owner
	}
	r.reportAssignment(&l, lc, before)
	l.Status.Policy = lc.policy.Name

	d, err := r.decide(&l, lc, now)
	if err != nil {
		setReady(&l.Status.Conditions, l.Generation, false, v1.ReasonInvalidTimeZone, err.Error())
		l.Status.ObservedGeneration = l.Generation
		return ctrl.Result{}, r.finish(ctx, &l, before, nil)
	}
	r.escalate(ctx, &l, lc, d)

	if d.Due != nil {
		return r.perform(ctx, &l, lc, before, d, now)
	}
	if err := r.finish(ctx, &l, before, &d); err != nil {
		return ctrl.Result{}, err
	}
	return requeueAt(d.NextAt, now), nil
}

// decide asks the engine and writes its answer into the lead's status.
func (r *LeadReconciler) decide(l *v1.Lead, lc *leadContext, now time.Time) (cadence.Decision, error) {
	d, err := cadence.Evaluate(cadence.Input{Now: now, Policy: &lc.policy.Spec, Revision: lc.policy.Status.StepsRevision,
		Lead: l, Channels: lc.channels})
	if err != nil {
		return d, err
	}
	cadence.Apply(&l.Status, d, lc.policy.Status.StepsRevision)
	setLeadConditions(&l.Status, l.Generation, d)
	l.Status.ObservedGeneration = l.Generation
	return d, nil
}

// perform is the exactly-once-in-effect path: record the intent (touch pending, with
// its key) under optimistic locking, send, then record the result. A stale cache makes
// the intent write conflict before anything is sent; a crash after the send leaves the
// intent, and the retry sends the same key again, which receivers deduplicate.
func (r *LeadReconciler) perform(ctx context.Context, l *v1.Lead, lc *leadContext, before *v1.LeadStatus,
	d cadence.Decision, now time.Time) (ctrl.Result, error) {
	touch := d.Due
	setReconciling(&l.Status.Conditions, l.Generation, "TouchInFlight",
		fmt.Sprintf("touch %d (%s) is being performed", touch.Record.Number, touch.Record.Step))
	if err := r.writeStatus(ctx, l, before); err != nil {
		if apierrors.IsConflict(err) {
			return ctrl.Result{RequeueAfter: conflictRetry}, nil
		}
		return ctrl.Result{}, err
	}
	r.transitionEvents(ctx, l, before, &d)
	if !touch.Retry {
		r.Recorder.Eventf(l, nil, "Normal", "TouchDue", "Dispatch", "touch %d/%s (%s) due %s",
			touch.Record.Number, touch.Record.Step, channelOrTask(touch.Record), touch.Record.Due.UTC().Format(time.RFC3339))
	}
	intent := l.Status.DeepCopy()

	res := r.Dispatcher.Dispatch(ctx, r.delivery(l, lc, touch))
	rec := touch.Record
	cadence.Record(&rec, res.Outcome, res.Message, now)
	cadence.UpsertTouch(&l.Status, rec)

	next, err := r.decide(l, lc, now)
	if err != nil {
		return ctrl.Result{}, err
	}
	if err := r.finish(ctx, l, intent, &next); err != nil {
		return ctrl.Result{}, err
	}
	switch res.Outcome {
	case cadence.Sent:
		r.Recorder.Eventf(l, nil, "Normal", "TouchPerformed", "Dispatch", "touch %d/%s sent via %s", rec.Number, rec.Step, rec.Channel)
	case cadence.TaskAssigned:
		r.Recorder.Eventf(l, nil, "Normal", "TaskAssigned", "Dispatch", "touch %d/%s assigned to %s", rec.Number, rec.Step, l.Status.Owner)
	default:
		r.Recorder.Eventf(l, nil, "Warning", "TouchFailed", "Dispatch", "touch %d/%s via %s: %s (%s)", rec.Number, rec.Step, rec.Channel, res.Outcome, res.Message)
	}
	if next.Due != nil {
		// A fallback channel or the owner's task is due right away.
		return ctrl.Result{RequeueAfter: time.Millisecond}, nil
	}
	return requeueAt(next.NextAt, now), nil
}

// delivery renders the touch for the dispatcher.
func (r *LeadReconciler) delivery(l *v1.Lead, lc *leadContext, t *cadence.Touch) dispatch.Delivery {
	rec := t.Record
	d := dispatch.Delivery{Key: rec.Key, Lead: client.ObjectKeyFromObject(l), Number: rec.Number, Step: rec.Step,
		Channel: rec.Channel, Type: lc.channels[rec.Channel], Task: rec.PerformedBy == v1.PerformedByOwner,
		Owner: l.Status.Owner, Due: rec.Due.Time, Contact: l.Spec.Contact, Template: rec.Template}
	if d.Task {
		d.Notify = lc.notifyFor(l.Status.Owner, rec.Channel)
	}
	if src, ok := lc.policy.Spec.Templates[rec.Template]; ok {
		if c, err := templates.Compile(rec.Template, templates.Source{Subject: src.Subject, Body: src.Body, Variables: src.Variables}); err == nil {
			d.Message, _ = c.Render(templateData(l, rec))
		}
	}
	return d
}

func templateData(l *v1.Lead, rec v1.TouchRecord) templates.Data {
	c, s := l.Spec.Contact, l.Spec.Source
	return templates.Data{FirstName: templates.FirstName(c.Name), Name: c.Name, Company: c.Company, Country: c.Country,
		Product: l.Spec.Product, Owner: templates.Owner{Name: l.Status.Owner}, Campaign: s.Campaign, AdGroup: s.AdGroup,
		Keyword: s.Keyword, Region: s.Region, Step: rec.Step, Touch: int(rec.Number), Vars: l.Spec.Vars}
}

// escalate warns before the first-response deadline and runs the policy's escalation
// once it is missed: notify someone, hand the lead to another rep.
func (r *LeadReconciler) escalate(ctx context.Context, l *v1.Lead, lc *leadContext, d cadence.Decision) {
	fr := &l.Status.FirstResponse
	if d.Warn {
		fr.Warned = true
		r.Recorder.Eventf(l, nil, "Warning", "SLAAtRisk", "Escalate", "no contact yet; first-response deadline %s",
			d.SLA.Deadline.UTC().Format(time.RFC3339))
	}
	if !d.Escalate {
		return
	}
	fr.Escalated = true
	e := lc.policy.Spec.Escalation
	if e == nil || e.OnBreach == nil {
		return
	}
	if e.OnBreach.Reassign && lc.campaign != nil {
		if other, ok := otherRep(lc.campaign, l.Status.Owner); ok && l.Spec.Owner == "" {
			r.Recorder.Eventf(l, nil, "Warning", "Reassigned", "Escalate", "first-response deadline missed: reassigned from %s to %s", l.Status.Owner, other)
			l.Status.Owner = other
		}
	}
	if e.OnBreach.Notify != "" {
		n := dispatch.Notice{Lead: client.ObjectKeyFromObject(l), Channel: e.OnBreach.Notify, Owner: l.Status.Owner,
			Reason: "SLABreached", Message: d.SLA.Message}
		if err := r.Dispatcher.Notify(ctx, n); err != nil {
			log.FromContext(ctx).Error(err, "escalation notice failed", "channel", e.OnBreach.Notify)
		}
	}
}

// finish writes status if it changed and emits the events of the transitions made.
func (r *LeadReconciler) finish(ctx context.Context, l *v1.Lead, before *v1.LeadStatus, d *cadence.Decision) error {
	if equality.Semantic.DeepEqual(before, &l.Status) {
		return nil
	}
	if err := r.writeStatus(ctx, l, before); err != nil {
		if apierrors.IsConflict(err) {
			return nil // a newer lead is on its way; it will be reconciled
		}
		return err
	}
	r.transitionEvents(ctx, l, before, d)
	return nil
}

// writeStatus updates the status subresource under optimistic locking.
func (r *LeadReconciler) writeStatus(ctx context.Context, l *v1.Lead, before *v1.LeadStatus) error {
	if equality.Semantic.DeepEqual(before, &l.Status) {
		return nil
	}
	return r.Status().Update(ctx, l)
}

// requeueAt asks to be woken exactly at the next due instant: never a negative delay,
// never a hot loop (the engine's NextAt is always after now).
func requeueAt(next, now time.Time) ctrl.Result {
	if next.IsZero() {
		return ctrl.Result{}
	}
	d := next.Sub(now)
	if d < time.Second {
		d = time.Second
	}
	return ctrl.Result{RequeueAfter: d}
}

func channelOrTask(rec v1.TouchRecord) string {
	if rec.PerformedBy == v1.PerformedByOwner {
		return "task for the owner"
	}
	return "via " + rec.Channel
}

// SetupWithManager watches leads and the policies they follow.
func (r *LeadReconciler) SetupWithManager(mgr ctrl.Manager, concurrency int) error {
	if err := mgr.GetFieldIndexer().IndexField(context.Background(), &v1.Lead{}, leadPolicyIndex,
		func(o client.Object) []string {
			l := o.(*v1.Lead)
			var out []string
			for _, p := range []string{l.Spec.Policy, l.Status.Policy} {
				if p != "" && (len(out) == 0 || out[0] != p) {
					out = append(out, p)
				}
			}
			return out
		}); err != nil {
		return err
	}
	b := ctrl.NewControllerManagedBy(mgr).
		For(&v1.Lead{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1.FollowUpPolicy{}, handler.EnqueueRequestsFromMapFunc(r.leadsForPolicy))
	if concurrency > 0 {
		b = b.WithOptions(controllerOptions(concurrency))
	}
	return b.Complete(r)
}

// leadsForPolicy finds the leads that follow a policy, so a policy that becomes ready
// (or changes) is applied to them at once.
func (r *LeadReconciler) leadsForPolicy(ctx context.Context, o client.Object) []reconcile.Request {
	var list v1.LeadList
	if err := r.List(ctx, &list, client.InNamespace(o.GetNamespace()), client.MatchingFields{leadPolicyIndex: o.GetName()}); err != nil {
		log.FromContext(ctx).Error(err, "listing leads for policy")
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(list.Items))
	for i := range list.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
	}
	return reqs
}
