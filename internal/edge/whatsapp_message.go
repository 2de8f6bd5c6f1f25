package edge

import (
	"context"
	"github.com/followup-io/followup-operator/internal/indexes"
	"slices"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/autoreply"
)

// waMaxLeadsPerNumber bounds the leads one inbound message is recorded on.
const waMaxLeadsPerNumber = 20

// recordMessage records an inbound message as a reply on the leads with the sender's
// number, in the namespaces that own the business number it was sent to (never in
// another team's namespace that merely knows the same customer).
func (s *Server) recordMessage(ctx context.Context, owners []string, m waMessage, counts map[string]int) string {
	if !m.isReply() {
		s.count(waEndpoint, v1.InteractionReply, outcomeIgnored)
		return outcomeIgnored
	}
	var leads []v1.Lead
	if num := indexes.Digits(m.From); num != "" {
		for _, ns := range owners {
			var found []v1.Lead
			for _, form := range indexes.NumberForms(num) {
				var list v1.LeadList
				if err := s.Client.List(ctx, &list, client.InNamespace(ns), client.MatchingFields{indexes.LeadNumber: form}); err != nil {
					s.Log.Error(err, "listing leads by number", "namespace", ns)
					return outcomeError
				}
				for _, l := range list.Items {
					if !slices.ContainsFunc(found, func(f v1.Lead) bool { return f.UID == l.UID }) {
						found = append(found, l)
					}
				}
			}
			slices.SortFunc(found, func(a, b v1.Lead) int { return strings.Compare(a.Name, b.Name) })
			leads = append(leads, found...)
		}
	}
	if len(leads) > waMaxLeadsPerNumber {
		leads = leads[:waMaxLeadsPerNumber]
	}
	if len(leads) == 0 {
		// The customer is not (or no longer) a lead here: answer 200 so WhatsApp does not
		// retry for days; the count tells the team, the number stays out of the log.
		s.count(waEndpoint, v1.InteractionReply, outcomeUnmatched)
		s.Log.Info("whatsapp message matched no lead", "type", m.Type)
		return outcomeUnmatched
	}
	result := ""
	for i := range leads {
		l := &leads[i]
		at, adj := unixEventTime(m.Timestamp, l, s.Clock.Now())
		if adj != nil {
			counts["adjusted"]++
		}
		in := v1.InteractionEntry{At: at, Kind: v1.InteractionReply, Medium: waMedium,
			Direction: v1.Inbound, ID: clip("wa:msg:"+m.ID, 200), By: waBy}
		if !autoReplied(l, &in, autoreply.Message{Text: m.text()}) { // a WhatsApp Business away message
			s.rateReply(ctx, l, &in, m.text(), nil)
		}
		if out := s.record(ctx, waEndpoint, l, in); out == outcomeError || result == "" {
			result = out
		}
	}
	return result
}
