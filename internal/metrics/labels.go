package metrics

import (
	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Other is the label value of anything ops did not declare: a region or tier typed into
// a form, a campaign or policy that does not exist. One fixed value, so a hostile or
// sloppy form cannot grow the number of series.
const Other = "other"

// LeadLabels are the labels of a lead's series. They can only be made by LabelsFor,
// which takes every value from an object ops declared (the lead's Campaign and
// FollowUpPolicy, which live in Git), never from the lead's own fields as a form filled
// them.
type LeadLabels struct {
	namespace, campaign, policy, tier, region string
}

// LabelsFor is the labels of lead l whose campaign is c (nil when the lead names none or
// it does not exist) and whose policy is p (nil when it cannot be read):
//   - campaign: c's name; Other when the lead names a campaign that does not exist;
//   - policy: p's name, else Other;
//   - tier: the lead's tier when p declares it (spec.firstResponse[].tier), else Other;
//   - region: c's spec.region; Other when the lead carries a region no campaign declared.
//
// A lead without a campaign, tier or region has the empty value, as before.
func LabelsFor(l *v1.Lead, c *v1.Campaign, p *v1.FollowUpPolicy) LeadLabels {
	lb := LeadLabels{namespace: l.Namespace, policy: Other, tier: declaredTier(l.Spec.Tier, p)}
	switch {
	case c != nil:
		lb.campaign = c.Name
	case l.Spec.Source.Campaign != "":
		lb.campaign = Other
	}
	if p != nil {
		lb.policy = p.Name
	}
	switch {
	case c != nil && c.Spec.Region != "":
		lb.region = c.Spec.Region
	case l.Spec.Source.Region != "":
		lb.region = Other
	}
	return lb
}

func declaredTier(tier string, p *v1.FollowUpPolicy) string {
	if tier == "" {
		return ""
	}
	if p != nil {
		for _, fr := range p.Spec.FirstResponse {
			if fr.Tier == tier {
				return tier
			}
		}
	}
	return Other
}

// Namespace, Campaign and Policy are the bounded values, for series keyed by fewer labels.
func (lb LeadLabels) Namespace() string { return lb.namespace }
func (lb LeadLabels) Campaign() string  { return lb.campaign }
func (lb LeadLabels) Policy() string    { return lb.policy }
