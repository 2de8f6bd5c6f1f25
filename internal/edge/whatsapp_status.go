package edge

import (
	"context"
	"github.com/followup-io/followup-operator/internal/indexes"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// waStatusKinds maps a status onto an interaction; "sent" is not recorded (the touch
// record already says sent).
var waStatusKinds = map[string]v1.InteractionKind{"delivered": v1.InteractionDelivered,
	"read": v1.InteractionRead, "failed": v1.InteractionDeliveryFailed}

// recordStatus records a receipt on the touch it is about: named by the callback data
// our sender put on the message, else found by the message id (wamid) the touch record
// keeps. Either way only in a namespace that owns the business number.
func (s *Server) recordStatus(ctx context.Context, owners []string, st waStatus, counts map[string]int) string {
	kind, ok := waStatusKinds[st.Status]
	if !ok || st.ID == "" || len(st.ID) > 256 {
		s.count(waEndpoint, "", outcomeIgnored)
		return outcomeIgnored
	}
	l, key, err := s.statusTouch(ctx, owners, st)
	if err != nil {
		s.apiError(err, "finding the lead of a whatsapp status", "", "")
		s.count(waEndpoint, kind, outcomeError)
		return outcomeError
	}
	if l == nil {
		s.count(waEndpoint, kind, outcomeUnmatched)
		s.Log.Info("whatsapp status matched no lead", "kind", kind, "hasCallbackData", st.CallbackData != "")
		return outcomeUnmatched
	}
	if kind == v1.InteractionDeliveryFailed && len(st.Errors) > 0 {
		s.Log.Info("whatsapp delivery failed", "namespace", l.Namespace, "lead", l.Name, "errorCode", st.Errors[0].Code)
	}
	at, adj := unixEventTime(st.Timestamp, l, s.Clock.Now())
	if adj != nil {
		counts["adjusted"]++
	}
	in := v1.InteractionEntry{At: at, Kind: kind, Medium: waMedium,
		TouchKey: key, MessageID: st.ID, ID: clip("wa:"+st.Status+":"+st.ID, 200), By: waBy}
	return s.record(ctx, waEndpoint, l, in)
}

// statusTouch is the lead and touch key a status is about, or a nil lead.
func (s *Server) statusTouch(ctx context.Context, owners []string, st waStatus) (*v1.Lead, string, error) {
	if ns, name, key, ok := parseCallbackData(st.CallbackData); ok && slices.Contains(owners, ns) && validName(name) && len(key) <= 128 {
		l, err := s.lead(ctx, ns, name)
		switch {
		case err == nil:
			return l, key, nil
		case !apierrors.IsNotFound(err):
			return nil, "", err
		}
	}
	// No (usable) callback data: a message sent before the sender set it, or by a tool
	// that does not. The touch record keeps the wamid the Cloud API answered with.
	for _, ns := range owners {
		var leads v1.LeadList
		if err := s.Client.List(ctx, &leads, client.InNamespace(ns), client.MatchingFields{indexes.LeadMessageID: st.ID}); err != nil {
			return nil, "", err
		}
		slices.SortFunc(leads.Items, func(a, b v1.Lead) int { return strings.Compare(a.Name, b.Name) })
		for i := range leads.Items {
			for _, t := range leads.Items[i].Status.Touches {
				if t.MessageID == st.ID {
					return &leads.Items[i], t.Key, nil
				}
			}
		}
	}
	return nil, "", nil
}
