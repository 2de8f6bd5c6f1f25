package edge

import (
	"context"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/autoreply"
	"github.com/followup-io/followup-operator/internal/classify"
	"github.com/followup-io/followup-operator/internal/gather"
)

// autoReplied turns a reply into an AutoReply when its headers, subject or text say it
// is automatic (an out-of-office, a vacation responder), with the return day the text
// gives. An automatic reply is not a reply: it pauses the cadence (internal/cadence).
// It reports whether it did; the text is read here and dropped.
func autoReplied(l *v1.Lead, in *v1.InteractionEntry, m autoreply.Message) bool {
	m.Received, m.Country = in.At.Time, l.Spec.Contact.Country
	v := autoreply.Detect(m)
	if !v.Auto {
		return false
	}
	in.Kind, in.Quality, in.HandToHuman = v1.InteractionAutoReply, nil, false
	if !v.Return.IsZero() {
		in.ReturnDate = v.Return.String()
	}
	return true
}

// rateReply sets a reply's quality (from the text unless given), whether it asks for
// a human (a buying keyword of the lead's policy) and whether it complains. The text is read here and dropped.
func (s *Server) rateReply(ctx context.Context, l *v1.Lead, in *v1.InteractionEntry, text string, given *int32) {
	q := classify.Quality(text)
	if given != nil {
		q = *given
	}
	in.Quality = &q
	if text != "" && classify.BuyingIntent(text, s.handToHumanKeywords(ctx, l)) {
		in.HandToHuman = true
	}
	in.Complaint = text != "" && classify.Complaint(text) // after a sale, a complaint goes to the owner as one
}

// handToHumanKeywords are the buying keywords of the policy the lead follows (its own
// spec.policy, else its campaign's), resolved by the shared gatherer the lead controller
// uses, through the cache.
func (s *Server) handToHumanKeywords(ctx context.Context, l *v1.Lead) []string {
	p, err := gather.PolicyOf(ctx, s.Client, l)
	if err != nil || len(p.Spec.HandToHuman.Keywords) == 0 {
		return defaultKeywords
	}
	return p.Spec.HandToHuman.Keywords
}

// defaultKeywords are the CRD's default keywords, for a lead whose policy cannot be read
// (a buying word must not go unnoticed because a policy is missing).
var defaultKeywords = []string{"price", "quote", "discount", "sample", "PI", "proforma"}
