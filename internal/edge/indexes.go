package edge

import (
	"context"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Field index names, prefixed "edge." so they never clash with the controllers' indexes.
// The number and email indexes hold contact data in memory only; it is never logged.
const (
	// IndexNumber: the digits of spec.contact.whatsapp and spec.contact.phone (a reply
	// on WhatsApp often comes from the phone number of the form).
	IndexNumber = "edge.number"
	// IndexEmail: spec.contact.email, lower case.
	IndexEmail = "edge.email"
	// IndexExternalID: spec.source.externalID.
	IndexExternalID = "edge.externalID"
	// IndexCampaignID: "<platform>/<spec.source.campaignId>" of a Campaign.
	IndexCampaignID = "edge.campaignId"
	// IndexMessageID: the provider message ids (WhatsApp wamids) of a lead's touches,
	// status.touches[].messageId: a receipt without callback data finds its touch.
	IndexMessageID = "edge.messageId"
	// IndexPhoneNumberID: spec.whatsapp.phoneNumberId of a WhatsApp Channel: a webhook
	// change is routed to the namespaces owning the business number it names.
	IndexPhoneNumberID = "edge.phoneNumberId"
)

// SetupIndexes registers the field indexes the edge looks leads and campaigns up by.
func SetupIndexes(ctx context.Context, idx client.FieldIndexer) error {
	leadIndexes := map[string]func(*v1.Lead) []string{
		IndexNumber: func(l *v1.Lead) []string {
			var out []string
			for _, n := range []string{digits(l.Spec.Contact.WhatsApp), digits(l.Spec.Contact.Phone)} {
				if n != "" && (len(out) == 0 || out[0] != n) {
					out = append(out, n)
				}
			}
			return out
		},
		IndexEmail:      func(l *v1.Lead) []string { return nonEmpty(strings.ToLower(l.Spec.Contact.Email)) },
		IndexExternalID: func(l *v1.Lead) []string { return nonEmpty(l.Spec.Source.ExternalID) },
		IndexMessageID: func(l *v1.Lead) []string {
			var out []string
			for _, t := range l.Status.Touches {
				if t.MessageID != "" {
					out = append(out, t.MessageID)
				}
			}
			return out
		},
	}
	for name, f := range leadIndexes {
		if err := idx.IndexField(ctx, &v1.Lead{}, name, func(o client.Object) []string { return f(o.(*v1.Lead)) }); err != nil {
			return err
		}
	}
	if err := idx.IndexField(ctx, &v1.Channel{}, IndexPhoneNumberID, func(o client.Object) []string {
		if c := o.(*v1.Channel); c.Spec.WhatsApp != nil {
			return nonEmpty(c.Spec.WhatsApp.PhoneNumberID)
		}
		return nil
	}); err != nil {
		return err
	}
	return idx.IndexField(ctx, &v1.Campaign{}, IndexCampaignID, func(o client.Object) []string {
		c := o.(*v1.Campaign)
		return nonEmpty(campaignKey(string(c.Spec.Source.Platform), c.Spec.Source.CampaignID))
	})
}

func campaignKey(platform, id string) string {
	if id == "" {
		return ""
	}
	return platform + "/" + id
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// digits keeps the digits of a phone number: "+48 501-234-567" and WhatsApp's
// "48501234567" are one key.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
