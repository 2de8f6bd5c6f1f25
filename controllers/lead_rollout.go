package controllers

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/gather"
	"github.com/followup-io/followup-operator/internal/policy"
)

// rolloutArm puts the lead in its arm of the policy's rollout (cadence.ChooseArm) and,
// for the stable arm, has it follow the stable revision: g.Policy becomes a copy of the
// policy with the stable revision's spec and steps revision, so the transition, the
// fold and the rendering all read that revision. A stable revision that is no longer
// stored blocks the lead (*gather.Blocked); the policy's Rollout condition says how to
// fix it.
func (r *LeadReconciler) rolloutArm(ctx context.Context, l *v1.Lead, g *gather.Gathered) error {
	p := g.Policy
	state := cadence.RolloutState{Stable: p.Status.CurrentRevision, Candidate: p.Status.UpdateRevision, CandidateSpec: &p.Spec}
	if ro := p.Spec.Rollout; ro != nil {
		state.Percent, state.InFlight = ro.Percent, ro.InFlight
	}
	g.Rollout = cadence.ChooseArm(l, state)
	if g.Rollout == nil || g.Rollout.Arm != v1.ArmStable {
		return nil
	}
	missing := &gather.Blocked{Reason: v1.ReasonRevisionMissing, Message: fmt.Sprintf(
		"the stable revision %s of policy %q is no longer stored (ControllerRevision %s); see the policy's Rollout condition",
		state.Stable, p.Name, policy.RevisionName(p.Name, state.Stable))}
	if c := meta.FindStatusCondition(p.Status.Conditions, v1.ConditionRollout); c != nil && c.Status == metav1.ConditionFalse {
		return missing
	}
	spec, err := r.policyRevisions().Spec(ctx, p.Namespace, p.Name, state.Stable)
	switch {
	case apierrors.IsNotFound(err):
		return missing
	case err != nil:
		return err
	}
	stable := *p // shallow: only Spec and the steps revision differ, both replaced whole
	stable.Spec = *spec
	stable.Status.StepsRevision = policy.StepsRevision(spec)
	g.Policy = &stable
	return nil
}

// policyRevisions is the reconciler's ControllerRevision store.
func (r *LeadReconciler) policyRevisions() *PolicyRevisions {
	r.revsOnce.Do(func() {
		if r.Revisions == nil {
			r.Revisions = NewPolicyRevisions(r.Client, nil)
		}
	})
	return r.Revisions
}

// policyMattersToLeads passes the policy updates a lead reads: not the rollout
// measures, which the policy controller recounts every minute (waking every lead of
// the policy for them would cost a reconcile per lead per minute).
var policyMattersToLeads = predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
	a, okA := e.ObjectOld.(*v1.FollowUpPolicy)
	b, okB := e.ObjectNew.(*v1.FollowUpPolicy)
	if !okA || !okB || a.Generation != b.Generation {
		return true
	}
	sa, sb := a.Status, b.Status // shallow copies: only the pointer is cleared
	sa.Rollout, sb.Rollout = nil, nil
	return !equality.Semantic.DeepEqual(sa, sb)
}}
