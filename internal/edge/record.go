package edge

import (
	"context"
	"errors"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/classify"
	"github.com/followup-io/followup-operator/internal/leadrecord"
)

// Outcomes of recording one event, beyond leadrecord's added/duplicate/skipped.
const (
	outcomeFull      = "full"      // the lead holds v1.MaxInteractions entries
	outcomeUnmatched = "unmatched" // no lead to record it on
	outcomeIgnored   = "ignored"   // an event kind the edge does not record
	outcomeError     = "error"     // the API server failed; the sender should retry
)

// record appends one interaction to a lead (conflict retries, dedupe by id, room kept
// for replies near the bound: internal/leadrecord) and says what happened.
func (s *Server) record(ctx context.Context, endpoint string, key client.ObjectKey, in v1.InteractionEntry) string {
	out, err := leadrecord.Append(ctx, s.Reader, s.Client, key, in)
	result := string(out)
	switch {
	case err == nil:
	case errors.Is(err, leadrecord.ErrFull):
		result = outcomeFull
	case errors.Is(err, leadrecord.ErrNotFound):
		result = outcomeUnmatched
	default:
		s.apiError(err, "recording "+string(in.Kind), key.Namespace, key.Name)
		result = outcomeError
	}
	s.count(endpoint, in.Kind, result)
	if result != outcomeUnmatched {
		s.Log.Info("event recorded", "endpoint", endpoint, "namespace", key.Namespace, "lead", key.Name,
			"kind", in.Kind, "outcome", result)
	}
	return result
}

func (s *Server) count(endpoint string, kind v1.InteractionKind, outcome string) {
	events.WithLabelValues(endpoint, string(kind), outcome).Inc()
}

// rateReply sets a reply's quality (from the text unless given) and whether it asks for
// a human (a buying keyword of the lead's policy). The text is read here and dropped.
func (s *Server) rateReply(ctx context.Context, l *v1.Lead, in *v1.InteractionEntry, text string, given *int32) {
	q := classify.Quality(text)
	if given != nil {
		q = *given
	}
	in.Quality = &q
	if text != "" && classify.BuyingIntent(text, s.handToHumanKeywords(ctx, l)) {
		in.HandToHuman = true
	}
}

// handToHumanKeywords are the buying keywords of the policy the lead follows: its own
// spec.policy, else its campaign's.
func (s *Server) handToHumanKeywords(ctx context.Context, l *v1.Lead) []string {
	name := l.Spec.Policy
	if name == "" && l.Spec.Source.Campaign != "" {
		var c v1.Campaign
		if err := s.Client.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: l.Spec.Source.Campaign}, &c); err == nil {
			name = c.Spec.Policy
		}
	}
	var p v1.FollowUpPolicy
	if name == "" || s.Client.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: name}, &p) != nil ||
		len(p.Spec.HandToHuman.Keywords) == 0 {
		return defaultKeywords
	}
	return p.Spec.HandToHuman.Keywords
}

// defaultKeywords are the CRD's default keywords, for a lead whose policy cannot be read
// (a buying word must not go unnoticed because a policy is missing).
var defaultKeywords = []string{"price", "quote", "discount", "sample", "PI", "proforma"}
