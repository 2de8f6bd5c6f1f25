// Package indexes declares every field index the operator's cache keeps, in one Setup,
// so controllers and the inbound edge look objects up by the same keys and no index is
// registered twice.
//
// Lead indexes answer lookups in one namespace only (client.InNamespace): every caller
// looks a lead up in the namespace it serves, and keying each value only by its
// namespace halves what the indexes hold (see namespacedIndex).
package indexes

import (
	"context"
	"strings"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/company"
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

	// The inbound edge's lookups. The number and email indexes hold contact data in
	// memory only; it is never logged.

	// LeadNumber: the digits of spec.contact.whatsapp and spec.contact.phone (a reply on
	// WhatsApp often comes from the phone number of the form), and the WhatsApp ids
	// (wa_id) sends were answered with where they differ from the number.
	LeadNumber = "lead.number"
	// A lead's email is found through LeadContactKey (EmailKey): an index of its own
	// would hold a second entry per lead for the same address.
	// LeadExternalID: spec.source.externalID.
	LeadExternalID = "lead.externalID"
	// LeadMessageID: the provider message ids (WhatsApp wamids) of a lead's touches,
	// status.touches[].messageId: a receipt without callback data finds its touch.
	LeadMessageID = "lead.messageId"
	// CampaignSource: "<platform>/<campaignId>" of a campaign (CampaignKey): the edge
	// finds a Google Ads lead's campaign by it, and two campaigns claiming one are found.
	CampaignSource = "campaign.source"
	// CampaignRepChat: the chat channels a campaign's reps name.
	CampaignRepChat = "campaign.repChat"
	// ChannelPhoneNumberID: spec.whatsapp.phoneNumberId of a WhatsApp Channel: a webhook
	// change is routed to the namespaces owning the business number it names.
	ChannelPhoneNumberID = "channel.phoneNumberId"
	// ChannelBusinessAccountID: spec.whatsapp.businessAccountId of a WhatsApp Channel:
	// template and messaging limit changes come per business account (entry[].id).
	ChannelBusinessAccountID = "channel.businessAccountId"
	// LeadContactKey: the hashed keys of a lead's email and phone numbers
	// (contactkey.Key.String()), so a new lead finds the same contact's live leads (a
	// returning contact). The index holds digests, never addresses.
	LeadContactKey = "lead.contactKey"
	// LeadCompany: a lead's company keys (company.Keys: its spec.contact.companyId and
	// the hashed domain of a non-free-mail email), so a colleague's answer reaches the
	// other leads of the same company.
	LeadCompany = "lead.company"
)

var (
	setupMu sync.Mutex
	setupOn = map[client.FieldIndexer]bool{}
)

// Setup registers the indexes with the manager's cache, once per cache: the controllers
// and the edge both call it, and either may run without the other.
func Setup(ctx context.Context, idx client.FieldIndexer) error {
	setupMu.Lock()
	defer setupMu.Unlock()
	if setupOn[idx] {
		return nil
	}
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
		{&v1.Lead{}, LeadCompany, func(o client.Object) []string { return company.Keys(o.(*v1.Lead).Spec.Contact) }},
		{&v1.Interaction{}, InteractionLead, func(o client.Object) []string { return distinct(o.(*v1.Interaction).Spec.Lead) }},
		{&v1.FollowUpPolicy{}, PolicyChannel, func(o client.Object) []string {
			var names []string
			for _, ref := range policy.ChannelRefs(&o.(*v1.FollowUpPolicy).Spec) {
				names = append(names, ref.Channel)
			}
			return names
		}},
		{&v1.Lead{}, LeadNumber, func(o client.Object) []string {
			l := o.(*v1.Lead)
			nums := []string{Digits(l.Spec.Contact.WhatsApp), Digits(l.Spec.Contact.Phone)}
			for _, t := range l.Status.Touches {
				nums = append(nums, t.WhatsAppID) // the wa_id Meta answered with: replies come from it
			}
			if as := l.Status.AfterSales; as != nil {
				for _, t := range as.Touches {
					nums = append(nums, t.WhatsAppID)
				}
			}
			return distinct(nums...)
		}},
		{&v1.Lead{}, LeadExternalID, func(o client.Object) []string { return distinct(o.(*v1.Lead).Spec.Source.ExternalID) }},
		{&v1.Lead{}, LeadMessageID, func(o client.Object) []string {
			var ids []string
			for _, t := range o.(*v1.Lead).Status.Touches {
				ids = append(ids, t.MessageID)
			}
			return distinct(ids...)
		}},
		{&v1.Campaign{}, CampaignSource, func(o client.Object) []string { return distinct(CampaignSourceKey(o.(*v1.Campaign))) }},
		{&v1.Campaign{}, CampaignRepChat, func(o client.Object) []string {
			var names []string
			for _, r := range o.(*v1.Campaign).Spec.Reps {
				names = append(names, r.Chat)
			}
			return distinct(names...)
		}},
		{&v1.Channel{}, ChannelPhoneNumberID, func(o client.Object) []string {
			if c := o.(*v1.Channel); c.Spec.WhatsApp != nil {
				return distinct(c.Spec.WhatsApp.PhoneNumberID)
			}
			return nil
		}},
		{&v1.Channel{}, ChannelBusinessAccountID, func(o client.Object) []string {
			if c := o.(*v1.Channel); c.Spec.WhatsApp != nil {
				return distinct(c.Spec.WhatsApp.BusinessAccountID)
			}
			return nil
		}},
	}
	for _, a := range add {
		var err error
		if _, lead := a.obj.(*v1.Lead); lead {
			err = namespacedIndex(ctx, idx, a.obj, a.name, a.fn)
		} else {
			err = idx.IndexField(ctx, a.obj, a.name, a.fn)
		}
		if err != nil {
			return err
		}
	}
	setupOn[idx] = true
	return nil
}

// EmailKey is the LeadContactKey value that finds the leads of an email address (trimmed
// and lower case, as the lead's own key is made). Something that is not an address finds
// no lead: a lead's email is always one (CEL).
func EmailKey(email string) string {
	k, _ := contactkey.ForEmail(email)
	return k.String()
}

// CampaignSourceKey is a campaign's CampaignSource key, "" without a campaign id.
func CampaignSourceKey(c *v1.Campaign) string {
	return CampaignKey(string(c.Spec.Source.Platform), c.Spec.Source.CampaignID)
}

// CampaignKey is the CampaignSource key of an ad platform's campaign id.
func CampaignKey(platform, id string) string {
	if id == "" {
		return ""
	}
	return platform + "/" + id
}

// Digits keeps the digits of a phone number: "+48 501-234-567" and WhatsApp's
// "48501234567" are one key.
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
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
