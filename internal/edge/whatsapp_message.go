package edge

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// waMaxLeadsPerNumber bounds the leads one inbound message is recorded on.
const waMaxLeadsPerNumber = 20

// recordMessage records an inbound message as a reply on the leads with the sender's
// number, in the namespaces that own the business number it was sent to (never in
// another team's namespace that merely knows the same customer).
func (s *Server) recordMessage(ctx context.Context, owners []string, m waMessage) string {
	if !m.isReply() {
		s.count(waEndpoint, v1.InteractionReply, outcomeIgnored)
		return outcomeIgnored
	}
	var leads []v1.Lead
	if num := digits(m.From); num != "" {
		for _, ns := range owners {
			var list v1.LeadList
			if err := s.Client.List(ctx, &list, client.InNamespace(ns), client.MatchingFields{IndexNumber: num}); err != nil {
				s.Log.Error(err, "listing leads by number", "namespace", ns)
				return outcomeError
			}
			slices.SortFunc(list.Items, func(a, b v1.Lead) int { return strings.Compare(a.Name, b.Name) })
			leads = append(leads, list.Items...)
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
		in := v1.InteractionEntry{At: unixTime(m.Timestamp, s.Clock.Now()), Kind: v1.InteractionReply, Medium: waMedium,
			Direction: v1.Inbound, ID: clip("wa:msg:"+m.ID, 200), By: waBy}
		s.rateReply(ctx, l, &in, m.text(), nil)
		if out := s.record(ctx, waEndpoint, l, in); out == outcomeError || result == "" {
			result = out
		}
	}
	return result
}

// unixTime reads WhatsApp's Unix-seconds timestamps; missing, garbage or future ones are now.
func unixTime(ts string, now time.Time) metav1.Time {
	if n, err := strconv.ParseInt(ts, 10, 64); err == nil && n > 0 && n < 1<<40 {
		if t := time.Unix(n, 0); !t.After(now) {
			return metav1.NewTime(t.UTC())
		}
	}
	return metav1.NewTime(now.UTC().Truncate(time.Second))
}
