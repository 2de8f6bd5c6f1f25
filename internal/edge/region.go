package edge

import v1 "github.com/followup-io/followup-operator/api/v1alpha1"

// leadRegion is the market region a new lead is filed under, for every source alike:
// spec.source.region and the followup.io/region label, which region-sharded installs
// select leads by (--lead-selector). A lead's campaign declares its region (ops wrote
// it, in Git), so that wins over whatever a form says; a form's region counts only for
// a lead whose campaign declares none, or that has no campaign.
func leadRegion(c *v1.Campaign, given string) string {
	if c != nil && c.Spec.Region != "" {
		return c.Spec.Region
	}
	return given
}
