package controllers

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/assign"
)

// leadContext is what a lead's decision needs from other objects.
type leadContext struct {
	policy   *v1.FollowUpPolicy
	campaign *v1.Campaign // nil when the lead names none
	channels map[string]v1.ChannelType
	// taskNotify is each Task channel's notify channel.
	taskNotify map[string]string
}

// blocked is a configuration problem that stops a lead until someone fixes it.
type blocked struct{ reason, message string }

func (b *blocked) Error() string { return b.reason + ": " + b.message }

// resolve finds the lead's campaign, policy and the namespace's channels. A *blocked
// error is a problem to report; any other error is to be retried.
func (r *LeadReconciler) resolve(ctx context.Context, l *v1.Lead) (*leadContext, error) {
	lc := &leadContext{}
	if name := l.Spec.Source.Campaign; name != "" {
		var c v1.Campaign
		err := r.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: name}, &c)
		switch {
		case apierrors.IsNotFound(err) && l.Spec.Policy == "":
			return nil, &blocked{v1.ReasonCampaignNotFound, fmt.Sprintf("campaign %q not found; it names the lead's policy", name)}
		case err == nil:
			lc.campaign = &c
		case !apierrors.IsNotFound(err):
			return nil, err
		}
	}
	policyName := l.Spec.Policy
	if policyName == "" {
		policyName = lc.campaign.Spec.Policy
	}
	var p v1.FollowUpPolicy
	if err := r.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: policyName}, &p); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, &blocked{v1.ReasonPolicyNotFound, fmt.Sprintf("policy %q not found in namespace %s", policyName, l.Namespace)}
		}
		return nil, err
	}
	ready := meta.FindStatusCondition(p.Status.Conditions, v1.ConditionReady)
	if ready == nil || p.Status.ObservedGeneration != p.Generation {
		return nil, errPolicyPending
	}
	if ready.Status != "True" {
		return nil, &blocked{v1.ReasonPolicyNotReady, fmt.Sprintf("policy %q is not ready: %s", policyName, ready.Message)}
	}
	lc.policy = &p

	var list v1.ChannelList
	if err := r.List(ctx, &list, client.InNamespace(l.Namespace)); err != nil {
		return nil, err
	}
	lc.channels = make(map[string]v1.ChannelType, len(list.Items))
	lc.taskNotify = map[string]string{}
	for _, ch := range list.Items {
		lc.channels[ch.Name] = ch.Spec.Type
		if ch.Spec.Task != nil && ch.Spec.Task.Notify != "" {
			lc.taskNotify[ch.Name] = ch.Spec.Task.Notify
		}
	}
	return lc, nil
}

// notifyFor is where a task for the owner is announced: the rep's own chat channel from
// the campaign, else the task channel's notify channel.
func (lc *leadContext) notifyFor(owner, taskChannel string) string {
	if lc.campaign != nil {
		for _, rep := range lc.campaign.Spec.Reps {
			if rep.Name == owner && rep.Chat != "" {
				return rep.Chat
			}
		}
	}
	return lc.taskNotify[taskChannel]
}

// errPolicyPending: the policy controller has not checked the current policy yet; its
// status update will bring the lead back.
var errPolicyPending = fmt.Errorf("policy not yet validated")

// assignOwner gives a lead without one the campaign's next available rep, round robin.
// The position lives in the campaign's status, updated with optimistic locking so two
// leads never take the same turn.
func (r *LeadReconciler) assignOwner(ctx context.Context, c *v1.Campaign) (string, error) {
	if c == nil || len(c.Spec.Reps) == 0 {
		return "", nil
	}
	var owner string
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		var cur v1.Campaign
		if err := r.Get(ctx, types.NamespacedName{Namespace: c.Namespace, Name: c.Name}, &cur); err != nil {
			return err
		}
		var name string
		var ok bool
		if cur.Spec.Assignment == v1.AssignLeastLoaded {
			name, ok = assign.LeastLoaded(cur.Spec.Reps, openLeads(cur.Status.Reps))
		} else {
			var next int32
			name, next, ok = assign.RoundRobin(cur.Spec.Reps, cur.Status.NextRep)
			cur.Status.NextRep = next
		}
		if !ok {
			owner = ""
			return nil
		}
		// Count the lead at once, in the same optimistic write, so two leads created
		// together never both take a rep's last slot.
		countOpen(&cur.Status, name)
		owner = name
		return r.Status().Update(ctx, &cur)
	})
	return owner, err
}

func openLeads(loads []v1.RepLoad) map[string]int32 {
	m := make(map[string]int32, len(loads))
	for _, l := range loads {
		m[l.Name] = l.OpenLeads
	}
	return m
}

func countOpen(st *v1.CampaignStatus, rep string) {
	for i := range st.Reps {
		if st.Reps[i].Name == rep {
			st.Reps[i].OpenLeads++
			return
		}
	}
	st.Reps = append(st.Reps, v1.RepLoad{Name: rep, OpenLeads: 1})
}
