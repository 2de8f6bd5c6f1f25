package controllers

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/policy"
)

// channelNotReady says why a channel the policy names cannot deliver, or "" when it can
// (or has not been judged yet). Only a verdict on the channel's current generation
// counts: a channel just edited is given the benefit of the doubt until its controller
// has looked, so a fix never flaps the policy.
func channelNotReady(ch *v1.Channel) string {
	c := meta.FindStatusCondition(ch.Status.Conditions, v1.ConditionReady)
	if c == nil || c.Status != metav1.ConditionFalse || c.ObservedGeneration != ch.Generation {
		return ""
	}
	return c.Reason + ": " + c.Message
}

// notReadyProblem is the policy's problem when a channel it names is not ready: a
// policy whose touches cannot leave is as unusable as one naming a missing channel.
func notReadyProblem(ref policy.ChannelRef, why string) *policy.Problem {
	return &policy.Problem{Reason: v1.ReasonChannelNotReady,
		Message: fmt.Sprintf("%s: channel %q is not ready: %s", ref.Where, ref.Channel, why)}
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
			return channelNotReady(o) != channelNotReady(n)
		},
	}
}
