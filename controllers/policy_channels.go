package controllers

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/gather"
	"github.com/followup-io/followup-operator/internal/policy"
)

// channelHealth is what the channels a policy names say about delivering.
type channelHealth struct {
	channels int      // distinct channels named
	notReady []string // why each one that cannot deliver cannot, in policy order
	// templateSteps counts the steps that send an approved WhatsApp template; held
	// names those whose template Meta paused, disabled, rejected or rated RED.
	templateSteps int
	held          []string
}

// channels looks up every channel the policy names. A missing one is a problem (the
// policy names something that is not there); one that exists but reports Ready=False is
// counted, because a fallback or another step's channel may still deliver.
func (r *FollowUpPolicyReconciler) channels(ctx context.Context, p *v1.FollowUpPolicy) (*policy.Problem, channelHealth, error) {
	var h channelHealth
	seen := map[string]bool{}
	states := map[string]cadence.ChannelState{}
	for _, ref := range policy.ChannelRefs(&p.Spec) {
		if seen[ref.Channel] {
			continue
		}
		seen[ref.Channel] = true
		var ch v1.Channel
		err := r.Get(ctx, types.NamespacedName{Namespace: p.Namespace, Name: ref.Channel}, &ch)
		if apierrors.IsNotFound(err) {
			return &policy.Problem{Reason: v1.ReasonChannelNotFound,
				Message: fmt.Sprintf("%s: channel %q not found in namespace %s", ref.Where, ref.Channel, p.Namespace)}, h, nil
		}
		if err != nil {
			return nil, h, err
		}
		h.channels++
		states[ref.Channel] = gather.ChannelState(&ch)
		if why := channelNotReady(&ch); why != "" {
			h.notReady = append(h.notReady, fmt.Sprintf("%s: channel %q is not ready: %s", ref.Where, ref.Channel, why))
		}
	}
	for _, st := range append(append([]v1.Step(nil), p.Spec.Steps...), p.Spec.AfterLastStep.Reactivation...) {
		if c, ok := states[st.Channel]; ok && c.Type == v1.ChannelWhatsApp && st.WhatsAppTemplate != nil {
			h.templateSteps++
		}
	}
	h.held = cadence.HeldSteps(&p.Spec, states)
	return nil, h, nil
}

// problem: when no channel the policy names can deliver, nothing it plans can go out,
// and leads are better held (Blocked, their cadence kept) than marched through failed
// touches. With one channel left, leads go on and fall back.
func (h channelHealth) problem() *policy.Problem {
	if h.channels == 0 || len(h.notReady) < h.channels {
		return nil
	}
	return &policy.Problem{Reason: v1.ReasonChannelNotReady,
		Message: "no channel the policy uses can deliver: " + strings.Join(h.notReady, "; ")}
}

// setChannelsReady records the ChannelsReady condition: whether every channel the
// policy names can deliver, and which cannot.
func (h channelHealth) setChannelsReady(conds *[]metav1.Condition, gen int64) {
	c := metav1.Condition{Type: v1.ConditionChannelsReady, Status: metav1.ConditionTrue, Reason: v1.ReasonChannelsReady,
		Message: fmt.Sprintf("all %d channels the policy uses are ready", h.channels), ObservedGeneration: gen}
	if len(h.notReady) > 0 {
		c.Status, c.Reason = metav1.ConditionFalse, v1.ReasonChannelNotReady
		c.Message = fmt.Sprintf("%d of %d channels not ready: %s", len(h.notReady), h.channels, strings.Join(h.notReady, "; "))
	}
	meta.SetStatusCondition(conds, c)
	h.setTemplatesHealthy(conds, gen)
}

// setTemplatesHealthy records the TemplatesHealthy condition of a policy whose steps
// send approved WhatsApp templates: which steps wait for a template Meta holds.
func (h channelHealth) setTemplatesHealthy(conds *[]metav1.Condition, gen int64) {
	if h.templateSteps == 0 {
		meta.RemoveStatusCondition(conds, v1.ConditionTemplatesHealthy)
		return
	}
	c := metav1.Condition{Type: v1.ConditionTemplatesHealthy, Status: metav1.ConditionTrue, Reason: v1.ReasonTemplatesHealthy,
		Message: fmt.Sprintf("the WhatsApp templates of all %d template steps can be sent", h.templateSteps), ObservedGeneration: gen}
	if len(h.held) > 0 {
		c.Status, c.Reason = metav1.ConditionFalse, v1.ReasonTemplateHeld
		c.Message = truncateMessage(fmt.Sprintf("%d steps held, their leads wait: %s", len(h.held), strings.Join(h.held, "; ")))
	}
	meta.SetStatusCondition(conds, c)
}

// channelNotReady says why a channel cannot deliver, or "" when it can (or has not been
// judged yet). Only a verdict on the channel's current generation counts: a channel just
// edited is given the benefit of the doubt until its controller has looked, so a fix
// never flaps the policy.
func channelNotReady(ch *v1.Channel) string {
	c := meta.FindStatusCondition(ch.Status.Conditions, v1.ConditionReady)
	if c == nil || c.Status != metav1.ConditionFalse || c.ObservedGeneration != ch.Generation {
		return ""
	}
	return c.Reason + ": " + c.Message
}

// channelHealthChanged passes what can change a policy's verdict: a channel created or
// deleted, or its readiness changing. Counter flushes (sends, failures) do not pass, so
// a busy channel does not re-check every policy that names it.
func channelHealthChanged() predicate.Predicate {
	return predicate.Funcs{
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, ok1 := e.ObjectOld.(*v1.Channel)
			n, ok2 := e.ObjectNew.(*v1.Channel)
			if !ok1 || !ok2 {
				return true
			}
			return channelNotReady(o) != channelNotReady(n) || heldTemplatesChanged(o, n)
		},
	}
}

// conditionMoved says whether a condition's status or reason differs from the one of
// its type in before (absent counts as moved unless it is now True), for events on
// transitions only.
func conditionMoved(before []metav1.Condition, now *metav1.Condition) bool {
	b := meta.FindStatusCondition(before, now.Type)
	if b == nil {
		return now.Status != metav1.ConditionTrue
	}
	return b.Status != now.Status || b.Reason != now.Reason
}
