package controllers

import (
	"context"
	"slices"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/contactkey"
	"github.com/followup-io/followup-operator/internal/indexes"
	"github.com/followup-io/followup-operator/internal/leadfacts"
	"github.com/followup-io/followup-operator/internal/returning"
)

// ContactLookup is the archive side of a returning-contact link (internal/archive).
type ContactLookup interface {
	Matches(ctx context.Context, namespace string, keys []contactkey.Key, activeSince time.Time) ([]archive.Match, error)
}

// ReturningContact gathers what a returning-contact decision needs and makes it: the
// lead's earlier leads with the same email or phone, live (through live, a cached
// client with indexes.Setup registered) and archived (through archived; nil
// without an archive), active within the policy's window before the lead came in. It
// returns the lead's status.returningContact, nil for a new contact.
//
// The lead controller calls it once per lead, while status.returningContact is unset
// and the lead has no touch yet, and records the result (event ReturningContact on
// the transition); returning.FirstTemplate then picks the welcome-back template.
func ReturningContact(ctx context.Context, live client.Reader, archived ContactLookup, l *v1.Lead,
	p *v1.ReturningContactPolicy) (*v1.ReturningContactStatus, error) {
	keys := contactkey.Identity(l.Spec.Contact)
	if len(keys) == 0 {
		return nil, nil
	}
	window := returning.WindowOf(p)
	submitted := leadfacts.SubmittedAt(l)
	var candidates []returning.Candidate
	seen := map[string]bool{}
	for _, k := range keys {
		var list v1.LeadList
		if err := live.List(ctx, &list, client.InNamespace(l.Namespace), client.MatchingFields{indexes.LeadContactKey: k.String()}); err != nil {
			return nil, err
		}
		var fresh []v1.Lead
		for i := range list.Items {
			if uid := string(list.Items[i].UID); !seen[uid] {
				seen[uid] = true
				fresh = append(fresh, list.Items[i])
			}
		}
		candidates = append(candidates, returning.FromLive(l.Spec.Contact, fresh)...)
	}
	if archived != nil {
		ms, err := archived.Matches(ctx, l.Namespace, keys, submitted.Add(-window))
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			by := v1.MatchedByPhone
			if slices.Contains(m.Kinds, contactkey.Email) {
				by = v1.MatchedByEmail
			}
			candidates = append(candidates, returning.Candidate{UID: m.UID, Namespace: m.Namespace, Name: m.Name, Archived: true,
				Phase: m.Phase, SubmittedAt: m.SubmittedAt, LastActiveAt: m.LastActiveAt, MatchedBy: by})
		}
	}
	return returning.Link(returning.Input{UID: string(l.UID), SubmittedAt: submitted, Window: window, Candidates: candidates}), nil
}
