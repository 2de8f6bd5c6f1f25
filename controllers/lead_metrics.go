package controllers

import (
	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/metrics"
)

// recordMetrics counts what a status write changed: SLA outcomes and time to first
// contact, touches reaching a result, new replies. It runs after a successful write, like
// the events, so a conflict never counts twice. Labels are bounded: no lead names.
func recordMetrics(l *v1.Lead, before, after *v1.LeadStatus) {
	ns, campaign, policy, tier, region := l.Namespace, l.Spec.Source.Campaign, after.Policy, l.Spec.Tier, l.Spec.Source.Region
	fr, was := after.FirstResponse, before.FirstResponse
	submitted := cadence.SubmittedAt(l)
	switch {
	case was.State != v1.SLAMet && fr.State == v1.SLAMet && fr.ContactedAt != nil:
		metrics.FirstContact(ns, campaign, policy, tier, region, fr.ContactedAt.Sub(submitted), true)
	case was.State != v1.SLABreached && fr.State == v1.SLABreached && fr.ContactedAt != nil:
		metrics.FirstContact(ns, campaign, policy, tier, region, fr.ContactedAt.Sub(submitted), false)
	case was.State != v1.SLABreached && fr.State == v1.SLABreached:
		metrics.SLABreached(ns, campaign, policy, tier, region)
	case was.ContactedAt == nil && fr.ContactedAt != nil:
		metrics.FirstContactLatency(ns, campaign, policy, tier, region, fr.ContactedAt.Sub(submitted))
	}

	prev := make(map[string]v1.TouchResult, len(before.Touches))
	for _, t := range before.Touches {
		prev[t.Key] = t.Result
	}
	for _, t := range after.Touches {
		if t.Result == prev[t.Key] {
			continue
		}
		switch t.Result {
		case v1.TouchSent, v1.TouchFailed, v1.TouchDone, v1.TouchSkipped, v1.TouchTaskAssigned:
			metrics.TouchRecorded(ns, policy, t.Channel, string(t.Result))
		}
	}

	if n := int(after.Engagement.Replies - before.Engagement.Replies); n > 0 {
		for i := len(l.Spec.Interactions) - 1; i >= 0 && n > 0; i-- {
			if in := l.Spec.Interactions[i]; in.Kind == v1.InteractionReply {
				q := int32(0)
				if in.Quality != nil {
					q = *in.Quality
				}
				metrics.ReplyRecorded(ns, campaign, q)
				n--
			}
		}
	}
}
