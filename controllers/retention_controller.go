package controllers

import (
	"context"
	"errors"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/indexes"
	"github.com/followup-io/followup-operator/internal/metrics"
	"github.com/followup-io/followup-operator/internal/retention"
)

// Archiver stores a lead durably before it leaves the cluster (internal/archive).
type Archiver interface {
	Put(ctx context.Context, r archive.Record, now time.Time) (writes int, err error)
}

// retentionConflictRetry: the lead changed between the archive write and the delete;
// look again soon, archive the newer object, then delete it.
const retentionConflictRetry = time.Second

// RetentionReconciler moves leads that need no more work (won or lost a while ago,
// finally dormant a while ago) from the cluster to the archive. Ordering is the
// guarantee: the lead is written to PostgreSQL and committed first, and only then
// deleted from the API server, with preconditions on its UID and resourceVersion so
// that a lead changed after the write is not deleted on the strength of an older copy.
// A crash between the two steps leaves the lead in both places; the next reconcile
// writes it again (an update of the same row, keyed by UID) and deletes it. No
// finalizer is involved, so leads carry no extra write when created and a namespace
// never hangs on an operator that is gone.
type RetentionReconciler struct {
	// Client reads leads and policies from the cache and deletes leads.
	client.Client
	// APIReader lists a lead's Interaction objects uncached, so none written just
	// before the archive write is missed.
	APIReader client.Reader
	Archive   Archiver
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
}

// +kubebuilder:rbac:groups=followup.io,resources=leads,verbs=get;list;watch;delete
// +kubebuilder:rbac:groups=followup.io,resources=interactions,verbs=get;list;watch;delete
// +kubebuilder:rbac:groups=followup.io,resources=followuppolicies,verbs=get;list;watch

// Reconcile archives one lead when its retention is up, or requeues it for that time.
func (r *RetentionReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var l v1.Lead
	if err := r.Get(ctx, req.NamespacedName, &l); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	now := r.Clock.Now()
	rule, err := r.ruleFor(ctx, &l)
	if err != nil {
		return ctrl.Result{}, err // never archive on a guessed rule: the policy may keep its leads
	}
	d := retention.Decide(retention.InputOf(&l, rule, now))
	if !d.Due {
		if d.At.IsZero() {
			return ctrl.Result{}, nil
		}
		return ctrl.Result{RequeueAfter: max(d.At.Sub(now), time.Second)}, nil
	}

	inbox, err := r.inbox(ctx, &l)
	if err != nil {
		return ctrl.Result{}, err
	}
	_, err = r.Archive.Put(ctx, archive.NewRecord(&l, inbox), now)
	forgotten := errors.Is(err, archive.ErrForgotten)
	if err != nil && !forgotten {
		metrics.ArchiveError("write")
		return ctrl.Result{}, err
	}

	// Committed: only now may the lead leave the cluster. (A forgotten lead is erased
	// from the cluster as well; its erasure is already audited.)
	uid, rv := l.UID, l.ResourceVersion
	if err := r.Delete(ctx, &l, client.Preconditions{UID: &uid, ResourceVersion: &rv}); err != nil {
		switch {
		case apierrors.IsNotFound(err):
			return ctrl.Result{}, nil
		case apierrors.IsConflict(err):
			return ctrl.Result{RequeueAfter: retentionConflictRetry}, nil
		}
		return ctrl.Result{}, err
	}
	for i := range inbox {
		in := &inbox[i]
		iuid := in.UID
		if err := r.Delete(ctx, in, client.Preconditions{UID: &iuid}); client.IgnoreNotFound(err) != nil && !apierrors.IsConflict(err) {
			log.FromContext(ctx).Error(err, "deleting an archived interaction", "interaction", in.Name)
		}
	}
	if forgotten {
		return ctrl.Result{}, nil
	}
	metrics.LeadArchived(l.Namespace, string(l.Status.Phase))
	if r.Recorder != nil {
		r.Recorder.Eventf(&l, nil, "Normal", v1.EventArchived, "Archive", "%s", d.Reason)
	}
	return ctrl.Result{}, nil
}

// ruleFor is the retention of the lead's policy (the one it follows, else the one it
// names); the defaults when there is none or it no longer exists. Any other read error
// is returned: a policy that keeps its leads must not be taken for the defaults.
func (r *RetentionReconciler) ruleFor(ctx context.Context, l *v1.Lead) (retention.Rule, error) {
	name := l.Status.Policy
	if name == "" {
		name = l.Spec.Policy
	}
	if name == "" {
		return retention.RuleOf(nil), nil
	}
	var p v1.FollowUpPolicy
	switch err := r.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: name}, &p); {
	case apierrors.IsNotFound(err):
		return retention.RuleOf(nil), nil
	case err != nil:
		return retention.Rule{}, err
	}
	return retention.RuleOf(p.Spec.Retention), nil
}

// inbox is the lead's Interaction objects not yet folded into it, read from the API
// server (spec.lead is a selectable field), not the cache.
func (r *RetentionReconciler) inbox(ctx context.Context, l *v1.Lead) ([]v1.Interaction, error) {
	var list v1.InteractionList
	if err := r.APIReader.List(ctx, &list, client.InNamespace(l.Namespace), client.MatchingFields{indexes.InteractionLead: l.Name}); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// retentionCandidate passes leads whose phase can ever be archived: the others are
// woken again when their phase changes.
func retentionCandidate(o client.Object) bool {
	l, ok := o.(*v1.Lead)
	if !ok {
		return false
	}
	switch l.Status.Phase {
	case v1.PhaseWon, v1.PhaseLost, v1.PhaseFinished:
		return true
	}
	return false
}

// SetupWithManager watches closed leads and the retention of their policies (through
// the indexes of internal/indexes, registered by Setup).
func (r *RetentionReconciler) SetupWithManager(mgr ctrl.Manager, concurrency int) error {
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	leads := predicate.Funcs{
		CreateFunc:  func(e event.CreateEvent) bool { return retentionCandidate(e.Object) },
		UpdateFunc:  func(e event.UpdateEvent) bool { return retentionCandidate(e.ObjectNew) },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(e event.GenericEvent) bool { return retentionCandidate(e.Object) },
	}
	b := ctrl.NewControllerManagedBy(mgr).
		Named("retention").
		For(&v1.Lead{}, builder.WithPredicates(leads)).
		// A policy whose retention changed re-decides its leads at once.
		Watches(&v1.FollowUpPolicy{}, handler.EnqueueRequestsFromMapFunc(r.closedLeadsOfPolicy),
			builder.WithPredicates(predicate.GenerationChangedPredicate{}))
	if concurrency > 0 {
		b = b.WithOptions(controller.Options{MaxConcurrentReconciles: concurrency})
	}
	return b.Complete(r)
}

func (r *RetentionReconciler) closedLeadsOfPolicy(ctx context.Context, o client.Object) []reconcile.Request {
	var list v1.LeadList
	if err := r.List(ctx, &list, client.InNamespace(o.GetNamespace()), client.MatchingFields{indexes.LeadPolicy: o.GetName()}); err != nil {
		log.FromContext(ctx).Error(err, "listing leads for a policy's retention")
		return nil
	}
	var out []reconcile.Request
	for i := range list.Items {
		l := &list.Items[i]
		if retentionCandidate(l) {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(l)})
		}
	}
	return out
}
