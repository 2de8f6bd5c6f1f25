// Package indexes declares every field index the operator's cache keeps, in one Setup,
// so controllers and the inbound edge look objects up by the same keys and no index is
// registered twice.
package indexes

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/contactkey"
	"github.com/followup-io/followup-operator/internal/policy"
)

// Index names.
const (
	// LeadPolicy: the policy a lead follows (spec.policy, and status.policy as resolved
	// through its campaign), so a policy change reaches its leads.
	LeadPolicy = "lead.policy"
	// LeadCampaign: a lead's spec.source.campaign. Named after the field, which the CRD
	// declares selectable, so an uncached client's field selector means the same.
	LeadCampaign = "spec.source.campaign"
	// InteractionLead: an Interaction's spec.lead (a selectable field too).
	InteractionLead = "spec.lead"
	// PolicyChannel: every channel a policy names.
	PolicyChannel = "policy.channel"
	// LeadContactKey: the hashed keys of a lead's email and phone numbers
	// (contactkey.Key.String()), so a new lead finds the same contact's live leads (a
	// returning contact). The index holds digests, never addresses.
	LeadContactKey = "lead.contactKey"
)

// Setup registers the indexes with the manager's cache.
func Setup(ctx context.Context, idx client.FieldIndexer) error {
	add := []struct {
		obj  client.Object
		name string
		fn   client.IndexerFunc
	}{
		{&v1.Lead{}, LeadPolicy, func(o client.Object) []string {
			l := o.(*v1.Lead)
			return distinct(l.Spec.Policy, l.Status.Policy)
		}},
		{&v1.Lead{}, LeadCampaign, func(o client.Object) []string { return distinct(o.(*v1.Lead).Spec.Source.Campaign) }},
		{&v1.Lead{}, LeadContactKey, func(o client.Object) []string {
			keys := contactkey.Identity(o.(*v1.Lead).Spec.Contact)
			out := make([]string, len(keys))
			for i, k := range keys {
				out[i] = k.String()
			}
			return out
		}},
		{&v1.Interaction{}, InteractionLead, func(o client.Object) []string { return distinct(o.(*v1.Interaction).Spec.Lead) }},
		{&v1.FollowUpPolicy{}, PolicyChannel, func(o client.Object) []string {
			var names []string
			for _, ref := range policy.ChannelRefs(&o.(*v1.FollowUpPolicy).Spec) {
				names = append(names, ref.Channel)
			}
			return names
		}},
	}
	for _, a := range add {
		if err := idx.IndexField(ctx, a.obj, a.name, a.fn); err != nil {
			return err
		}
	}
	return nil
}

// distinct is the non-empty values, each once.
func distinct(vals ...string) []string {
	var out []string
	for _, v := range vals {
		if v == "" {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == v
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}
