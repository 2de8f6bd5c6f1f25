package controllers

import (
	"context"

	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/metrics"
)

// metricLabels are a lead's metric labels read from the cache, for a blocked lead whose
// campaign and policy were not gathered (metrics.LabelsFor: only declared values).
func (r *LeadReconciler) metricLabels(ctx context.Context, l *v1.Lead, policy string) metrics.LeadLabels {
	var c *v1.Campaign
	if name := l.Spec.Source.Campaign; name != "" {
		var got v1.Campaign
		if r.Client.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: name}, &got) == nil {
			c = &got
		}
	}
	var p *v1.FollowUpPolicy
	if policy != "" {
		var got v1.FollowUpPolicy
		if r.Client.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: policy}, &got) == nil {
			p = &got
		}
	}
	return metrics.LabelsFor(l, c, p)
}

// recordMetrics counts what a status write changed: SLA outcomes and time to first
// contact, touches reaching a result, new replies. It runs after a successful write, like
// the events, so a conflict never counts twice. Labels are bounded: no lead names, and
// campaign, policy, tier and region only as ops declared them (lb).
func recordMetrics(l *v1.Lead, lb metrics.LeadLabels, before, after *v1.LeadStatus) {
	ns, policy := l.Namespace, after.Policy
	fr, was := after.FirstResponse, before.FirstResponse
	submitted := cadence.SubmittedAt(l)
	switch {
	case was.State != v1.SLAMet && fr.State == v1.SLAMet && fr.ContactedAt != nil:
		metrics.FirstContact(lb, fr.ContactedAt.Sub(submitted), true)
	case was.State != v1.SLABreached && fr.State == v1.SLABreached && fr.ContactedAt != nil:
		metrics.FirstContact(lb, fr.ContactedAt.Sub(submitted), false)
	case was.State != v1.SLABreached && fr.State == v1.SLABreached:
		metrics.SLABreached(lb)
	case was.ContactedAt == nil && fr.ContactedAt != nil:
		metrics.FirstContactLatency(lb, fr.ContactedAt.Sub(submitted))
	}

	countTouches(ns, policy, before.Touches, after.Touches)
	if as := after.AfterSales; as != nil {
		var prior []v1.TouchRecord
		if before.AfterSales != nil {
			prior = before.AfterSales.Touches
		}
		countTouches(ns, as.Policy, prior, as.Touches)
	}

	if n := int(after.Engagement.Replies - before.Engagement.Replies); n > 0 {
		for i := len(l.Spec.Interactions) - 1; i >= 0 && n > 0; i-- {
			if in := l.Spec.Interactions[i]; in.Kind == v1.InteractionReply {
				q := int32(0)
				if in.Quality != nil {
					q = *in.Quality
				}
				metrics.ReplyRecorded(lb, q)
				n--
			}
		}
	}
}

// countTouches counts the touches of one cadence (the sales one, or the after-sales
// policy's) that reached a result in this write.
func countTouches(ns, policy string, before, after []v1.TouchRecord) {
	prev := make(map[string]v1.TouchResult, len(before))
	for _, t := range before {
		prev[t.Key] = t.Result
	}
	for _, t := range after {
		if t.Result == prev[t.Key] {
			continue
		}
		switch t.Result {
		case v1.TouchSent, v1.TouchFailed, v1.TouchDone, v1.TouchSkipped, v1.TouchTaskAssigned:
			metrics.TouchRecorded(ns, policy, t.Channel, string(t.Result))
		}
	}
}
