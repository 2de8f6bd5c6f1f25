package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/indexes"
)

// The inbound edge records what Meta says of a WhatsApp account's templates and number
// in status.whatsApp; the channel controller turns it into conditions here, and the
// lead and policy controllers are woken when the held templates change.

// tierLimits are the customers a number may start conversations with in 24 hours, by
// Meta's messaging limit tier.
var tierLimits = map[string]int64{"TIER_50": 50, "TIER_250": 250, "TIER_1K": 1000, "TIER_2K": 2000,
	"TIER_10K": 10000, "TIER_100K": 100000}

// setWhatsAppConditions sets TemplatesHealthy and WithinMessagingLimit on a WhatsApp
// channel from status.whatsApp; other channels carry neither.
func setWhatsAppConditions(ch *v1.Channel) {
	conds, gen := &ch.Status.Conditions, ch.Generation
	if ch.Spec.Type != v1.ChannelWhatsApp || ch.Spec.WhatsApp == nil {
		meta.RemoveStatusCondition(conds, v1.ConditionTemplatesHealthy)
		meta.RemoveStatusCondition(conds, v1.ConditionWithinMessagingLimit)
		return
	}
	meta.SetStatusCondition(conds, templatesHealthy(ch, gen))
	if c := withinMessagingLimit(ch, gen); c != nil {
		meta.SetStatusCondition(conds, *c)
	} else {
		meta.RemoveStatusCondition(conds, v1.ConditionWithinMessagingLimit)
	}
}

// templatesHealthy names the templates Meta paused, disabled, rejected, is deleting or
// rated RED: the steps that send them wait.
func templatesHealthy(ch *v1.Channel, gen int64) metav1.Condition {
	c := metav1.Condition{Type: v1.ConditionTemplatesHealthy, ObservedGeneration: gen}
	st := ch.Status.WhatsApp
	if st == nil || len(st.Templates) == 0 {
		c.Status, c.Reason = metav1.ConditionUnknown, v1.ReasonNoTemplateNews
		c.Message = "Meta has sent no template news for this channel's business account yet"
		if ch.Spec.WhatsApp.BusinessAccountID == "" {
			c.Message = "set spec.whatsapp.businessAccountId to see Meta's template status and quality news here"
		}
		return c
	}
	var held []string
	reason := ""
	for _, t := range st.Templates {
		if h := cadence.HoldOf(t); h != nil {
			held = append(held, fmt.Sprintf("%s (%s) %s", t.Name, t.Language, h.Why))
			if reason == "" {
				reason = h.Reason
			}
		}
	}
	if len(held) == 0 {
		c.Status, c.Reason = metav1.ConditionTrue, v1.ReasonTemplatesHealthy
		c.Message = fmt.Sprintf("the %d templates Meta reported on can be sent", len(st.Templates))
		return c
	}
	slices.Sort(held)
	c.Status, c.Reason = metav1.ConditionFalse, reason
	c.Message = truncateMessage(fmt.Sprintf("%d templates cannot be sent, the steps that use them wait: %s",
		len(held), strings.Join(held, "; ")))
	return c
}

// withinMessagingLimit warns when the channel's rate limit lets more messages out in
// 24 hours than the number's tier allows customers; nil while the tier is unknown.
func withinMessagingLimit(ch *v1.Channel, gen int64) *metav1.Condition {
	l := ch.Status.WhatsApp
	if l == nil || l.MessagingLimit == nil || l.MessagingLimit.Tier == "" && l.MessagingLimit.BusinessTier == "" {
		return nil
	}
	tier := l.MessagingLimit.Tier
	if b := l.MessagingLimit.BusinessTier; b != "" {
		tier = b // Meta's portfolio limit replaces the per-number tier
	}
	c := &metav1.Condition{Type: v1.ConditionWithinMessagingLimit, ObservedGeneration: gen}
	limit, bounded := tierLimits[tier]
	daily := int64(ch.Spec.RateLimit.PerMinute) * 24 * 60
	switch {
	case !bounded:
		c.Status, c.Reason, c.Message = metav1.ConditionTrue, v1.ReasonWithinTier, "messaging limit "+tier+" bounds no rate"
	case daily > limit:
		c.Status, c.Reason = metav1.ConditionFalse, v1.ReasonRateLimitAboveTier
		c.Message = fmt.Sprintf("spec.rateLimit.perMinute %d lets %d messages out in 24 hours, but messaging limit %s allows %d customers: conversations past it are refused by Meta",
			ch.Spec.RateLimit.PerMinute, daily, tier, limit)
	default:
		c.Status, c.Reason = metav1.ConditionTrue, v1.ReasonWithinTier
		c.Message = fmt.Sprintf("spec.rateLimit.perMinute %d stays within messaging limit %s (%d customers in 24 hours)",
			ch.Spec.RateLimit.PerMinute, tier, limit)
	}
	return c
}

func truncateMessage(s string) string {
	if len(s) > 1024 {
		return s[:1021] + "..."
	}
	return s
}

// whatsAppStatusChanged passes a Channel update whose status.whatsApp changed: the
// channel controller's For watch passes spec changes only otherwise.
var whatsAppStatusChanged = channelUpdated(func(o, n *v1.Channel) bool {
	return !equality.Semantic.DeepEqual(o.Status.WhatsApp, n.Status.WhatsApp)
})

// heldTemplatesChanged says whether a Channel update changed which templates hold steps.
func heldTemplatesChanged(o, n *v1.Channel) bool {
	return !equality.Semantic.DeepEqual(cadence.HeldTemplates(o.Status.WhatsApp), cadence.HeldTemplates(n.Status.WhatsApp))
}

// TemplateHoldsChanged passes a Channel update that holds or releases a template: the
// leads of the policies naming the channel are looked at again (a held step resumes).
func TemplateHoldsChanged() predicate.Predicate { return channelUpdated(heldTemplatesChanged) }

// channelUpdated passes only Channel updates for which changed says yes.
func channelUpdated(changed func(o, n *v1.Channel) bool) predicate.Funcs {
	return predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, ok1 := e.ObjectOld.(*v1.Channel)
			n, ok2 := e.ObjectNew.(*v1.Channel)
			return ok1 && ok2 && changed(o, n)
		},
	}
}

// leadsOfChannel are the leads of the policies that name a channel.
func (r *LeadReconciler) leadsOfChannel(ctx context.Context, o client.Object) []reconcile.Request {
	var policies v1.FollowUpPolicyList
	if err := r.List(ctx, &policies, client.InNamespace(o.GetNamespace()), client.MatchingFields{indexes.PolicyChannel: o.GetName()}); err != nil {
		log.FromContext(ctx).Error(err, "listing policies for channel")
		return nil
	}
	var reqs []reconcile.Request
	afterSales := map[string]bool{}
	for i := range policies.Items {
		p := &policies.Items[i]
		reqs = append(reqs, r.leadsBy(indexes.LeadPolicy)(ctx, p)...)
		if len(p.Spec.Steps) > 0 && p.Spec.Steps[0].Trigger != nil {
			afterSales[p.Name] = true
		}
	}
	if len(afterSales) == 0 {
		return reqs
	}
	// An after-sales policy's won leads follow it from their sales policy: wake those.
	var all v1.FollowUpPolicyList
	if err := r.List(ctx, &all, client.InNamespace(o.GetNamespace())); err != nil {
		log.FromContext(ctx).Error(err, "listing policies for after-sales leads")
		return reqs
	}
	for i := range all.Items {
		if as := all.Items[i].Spec.AfterSales; as != nil && afterSales[as.PolicyRef] {
			reqs = append(reqs, r.leadsBy(indexes.LeadPolicy)(ctx, &all.Items[i])...)
		}
	}
	return reqs
}
