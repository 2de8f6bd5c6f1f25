package controllers

import (
	"context"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/indexes"
	"github.com/followup-io/followup-operator/internal/policy"
)

// FollowUpPolicyReconciler validates policies and reports whether leads can use them.
type FollowUpPolicyReconciler struct {
	client.Client
	Recorder events.EventRecorder
	// APIReader reads ControllerRevisions uncached (nil: Client); see PolicyRevisions.
	APIReader client.Reader

	revsOnce sync.Once
	revs     *PolicyRevisions
}

// +kubebuilder:rbac:groups=followup.io,resources=followuppolicies,verbs=get;list;watch
// +kubebuilder:rbac:groups=followup.io,resources=followuppolicies/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=followup.io,resources=channels,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=apps,resources=controllerrevisions,verbs=get;list;create;delete

// Reconcile checks one policy and writes its status when it changed.
func (r *FollowUpPolicyReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var p v1.FollowUpPolicy
	if err := r.Get(ctx, req.NamespacedName, &p); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	w := newStatusWriter(r.Client, &p)
	before := p.Status.DeepCopy()

	problem, channels, err := r.check(ctx, &p)
	if err != nil {
		return ctrl.Result{}, err
	}
	st := &p.Status
	st.ObservedGeneration = p.Generation
	st.StepsRevision = policy.StepsRevision(&p.Spec)
	st.Steps = int32(len(p.Spec.Steps))
	if problem != nil {
		setReady(&st.Conditions, p.Generation, false, problem.Reason, problem.Message)
	} else {
		setReady(&st.Conditions, p.Generation, true, v1.ReasonValid,
			fmt.Sprintf("policy is valid: %d steps, revision %s", len(p.Spec.Steps), st.StepsRevision))
	}
	// Revisions move only with a valid spec: an invalid one blocks every lead anyway.
	var ro rolloutStep
	if problem == nil {
		if ro, err = r.rollout(ctx, &p); err != nil {
			return ctrl.Result{}, err
		}
	}
	// ChannelsReady is known only once the channels were looked at.
	if channels != nil {
		channels.setChannelsReady(&st.Conditions, p.Generation)
	} else {
		meta.RemoveStatusCondition(&st.Conditions, v1.ConditionChannelsReady)
	}

	changed, err := w.write(ctx)
	switch {
	case apierrors.IsConflict(err): // a newer object is on its way to us; reconcile that one
		return ctrl.Result{RequeueAfter: conflictRetry}, nil
	case err != nil:
		return ctrl.Result{}, err
	case !changed:
		return ctrl.Result{RequeueAfter: ro.requeue}, nil
	}
	r.announceRollout(&p, before.Conditions, ro)
	if readyTransition(before.Conditions, st.Conditions) {
		if problem != nil {
			r.Recorder.Eventf(&p, nil, "Warning", problem.Reason, "Validate", "%s", problem.Message)
		} else {
			r.Recorder.Eventf(&p, nil, "Normal", v1.ReasonValid, "Validate", "policy is valid (revision %s)", st.StepsRevision)
		}
	}
	if c := meta.FindStatusCondition(st.Conditions, v1.ConditionChannelsReady); c != nil && problem == nil &&
		conditionMoved(before.Conditions, c) {
		typ := "Normal"
		if c.Status != metav1.ConditionTrue {
			typ = "Warning"
		}
		r.Recorder.Eventf(&p, nil, typ, c.Reason, "Validate", "%s", c.Message)
	}
	log.FromContext(ctx).V(1).Info("policy status updated", "ready", problem == nil, "revision", st.StepsRevision)
	return ctrl.Result{RequeueAfter: ro.requeue}, nil
}

// check runs the pure checks, then looks up every channel the policy names.
func (r *FollowUpPolicyReconciler) check(ctx context.Context, p *v1.FollowUpPolicy) (*policy.Problem, *channelHealth, error) {
	if _, problem := policy.Validate(&p.Spec); problem != nil {
		return problem, nil, nil
	}
	problem, h, err := r.channels(ctx, p)
	if problem != nil || err != nil {
		return problem, nil, err
	}
	return h.problem(), &h, nil
}

// SetupWithManager watches policies and the channels they name (created, deleted, or
// changing readiness).
func (r *FollowUpPolicyReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1.FollowUpPolicy{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1.Channel{}, handler.EnqueueRequestsFromMapFunc(r.policiesForChannel),
			builder.WithPredicates(channelHealthChanged())).
		Complete(r)
}

// policiesForChannel finds the policies that name a channel.
func (r *FollowUpPolicyReconciler) policiesForChannel(ctx context.Context, o client.Object) []reconcile.Request {
	var list v1.FollowUpPolicyList
	if err := r.List(ctx, &list, client.InNamespace(o.GetNamespace()),
		client.MatchingFields{indexes.PolicyChannel: o.GetName()}); err != nil {
		log.FromContext(ctx).Error(err, "listing policies for channel")
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(list.Items))
	for _, p := range list.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&p)})
	}
	return reqs
}
