package controllers

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/indexes"
	"github.com/followup-io/followup-operator/internal/policy"
)

// rolloutRefresh is how often a policy under rollout recounts its arms' measures (and
// notices a ControllerRevision deleted by hand).
const rolloutRefresh = time.Minute

// rolloutStep is what the rollout part of a policy reconcile did.
type rolloutStep struct {
	change  policy.RolloutChange
	prev    policy.Revisions
	requeue time.Duration
}

// rollout keeps the policy's revisions: it stores the spec as a ControllerRevision,
// decides the stable and candidate revisions (policy.NextRevisions), and while a rollout
// is under way checks that the stable revision is still stored and counts both arms.
// Only a valid spec moves the revisions.
func (r *FollowUpPolicyReconciler) rollout(ctx context.Context, p *v1.FollowUpPolicy) (rolloutStep, error) {
	st := &p.Status
	step := rolloutStep{prev: policy.Revisions{Current: st.CurrentRevision, Update: st.UpdateRevision}}
	revs := r.revisions()
	rev := policy.SpecRevision(&p.Spec)
	created, err := revs.Ensure(ctx, p, rev)
	if err != nil {
		return step, err
	}
	next, change := policy.NextRevisions(step.prev, rev, p.Spec.Rollout)
	st.CurrentRevision, st.UpdateRevision, step.change = next.Current, next.Update, change
	if created || change != policy.RolloutUnchanged {
		if n, err := revs.Prune(ctx, p, next.Current, next.Update); err != nil {
			return step, err
		} else if n > 0 {
			log.FromContext(ctx).V(1).Info("pruned policy revisions", "deleted", n)
		}
	}
	if !next.Active() {
		st.Rollout = nil
		meta.RemoveStatusCondition(&st.Conditions, v1.ConditionRollout)
		return step, nil
	}
	step.requeue = rolloutRefresh
	percent := int32(0)
	if p.Spec.Rollout != nil {
		percent = p.Spec.Rollout.Percent
	}
	arms, err := r.armMeasures(ctx, p)
	if err != nil {
		return step, err
	}
	st.Rollout = &v1.PolicyRolloutStatus{Summary: cadence.RolloutSummary(percent, arms), Arms: arms}
	ok, err := revs.Exists(ctx, p.Namespace, p.Name, next.Current)
	if err != nil {
		return step, err
	}
	cond := metav1.Condition{Type: v1.ConditionRollout, Status: metav1.ConditionTrue, Reason: v1.ReasonRollingOut,
		ObservedGeneration: p.Generation, Message: fmt.Sprintf("candidate %s serves %d%% of new leads; stable %s the rest",
			next.Update, percent, next.Current)}
	if !ok {
		cond.Status, cond.Reason = metav1.ConditionFalse, v1.ReasonRevisionMissing
		cond.Message = fmt.Sprintf("ControllerRevision %s (the stable revision %s) was deleted: leads of the stable arm are blocked; "+
			"set spec.rollout.percent to 100 (or remove spec.rollout) to promote the candidate, or revert the spec to the stable revision",
			policy.RevisionName(p.Name, next.Current), next.Current)
	}
	meta.SetStatusCondition(&st.Conditions, cond)
	return step, nil
}

// armMeasures counts the policy's leads per arm from the cache (read only, no copies).
func (r *FollowUpPolicyReconciler) armMeasures(ctx context.Context, p *v1.FollowUpPolicy) ([]v1.ArmMeasures, error) {
	var list v1.LeadList
	if err := r.List(ctx, &list, client.InNamespace(p.Namespace), client.MatchingFields{indexes.LeadPolicy: p.Name},
		client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	return cadence.ArmMeasures(list.Items, p.Status.CurrentRevision, p.Status.UpdateRevision), nil
}

// announceRollout emits one event for a rollout's transition.
func (r *FollowUpPolicyReconciler) announceRollout(p *v1.FollowUpPolicy, before []metav1.Condition, step rolloutStep) {
	st := &p.Status
	switch step.change {
	case policy.RolloutStarted:
		r.Recorder.Eventf(p, nil, "Normal", v1.EventRolloutStarted, "Rollout", "revision %s rolls out to %d%% of leads; %s stays stable",
			st.UpdateRevision, p.Spec.Rollout.Percent, st.CurrentRevision)
	case policy.RolloutReplaced:
		r.Recorder.Eventf(p, nil, "Normal", v1.EventRolloutStarted, "Rollout", "revision %s replaces candidate %s; %s stays stable",
			st.UpdateRevision, step.prev.Update, st.CurrentRevision)
	case policy.RolloutPromoted:
		r.Recorder.Eventf(p, nil, "Normal", v1.EventRolloutPromoted, "Promote", "revision %s promoted: every lead follows it (was %s)",
			st.CurrentRevision, step.prev.Current)
	case policy.RolloutRolledBack:
		r.Recorder.Eventf(p, nil, "Normal", v1.EventRolloutRolledBack, "RollBack", "candidate %s withdrawn: every lead follows %s",
			step.prev.Update, st.CurrentRevision)
	}
	if c := meta.FindStatusCondition(st.Conditions, v1.ConditionRollout); c != nil && c.Status == metav1.ConditionFalse &&
		conditionMoved(before, c) {
		r.Recorder.Eventf(p, nil, "Warning", c.Reason, "Rollout", "%s", c.Message)
	}
}

// revisions is the reconciler's ControllerRevision store.
func (r *FollowUpPolicyReconciler) revisions() *PolicyRevisions {
	r.revsOnce.Do(func() { r.revs = NewPolicyRevisions(r.Client, r.APIReader) })
	return r.revs
}
