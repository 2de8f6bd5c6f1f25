// Package returning decides whether a new lead is a customer coming back: an earlier
// lead (live or archived) with the same email or phone, active within the policy's
// window. Pure: the new lead's identity and the candidates in, the link out. The lead
// controller gathers the candidates (a field index for live leads, the archive's contact
// keys for archived ones) and records the link in status.returningContact.
package returning

import (
	"sort"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/contactkey"
	"github.com/followup-io/followup-operator/internal/leadfacts"
)

// DefaultWindow is 90 days: a contact last heard of within a quarter is a returning
// customer, not a new one.
const DefaultWindow = 90 * 24 * time.Hour

// WindowOf reads spec.returningContact.within; unset is DefaultWindow.
func WindowOf(p *v1.ReturningContactPolicy) time.Duration {
	if p != nil && p.Within != nil && p.Within.Duration > 0 {
		return p.Within.Duration
	}
	return DefaultWindow
}

// Candidate is an earlier lead sharing an email or a phone number with the new one.
type Candidate struct {
	UID, Namespace, Name string
	Archived             bool
	Phase                v1.LeadPhase
	SubmittedAt          time.Time
	LastActiveAt         time.Time
	// MatchedBy is Email when the email matched (it wins over a phone match).
	MatchedBy v1.MatchedBy
}

// Input is the new lead and what was found for it.
type Input struct {
	// UID and SubmittedAt of the new lead.
	UID         string
	SubmittedAt time.Time
	Window      time.Duration
	Candidates  []Candidate
}

// Link is the status.returningContact of the new lead, or nil when it is a new contact.
// Counted are earlier leads (submitted before the new one, never the lead itself) last
// active no longer than Window before the new lead came in; the link names the most
// recently active of them.
func Link(in Input) *v1.ReturningContactStatus {
	window := in.Window
	if window <= 0 {
		window = DefaultWindow
	}
	from := in.SubmittedAt.Add(-window)
	seen := map[string]bool{}
	var hits []Candidate
	for _, c := range in.Candidates {
		if c.UID == in.UID || seen[c.UID] || !c.SubmittedAt.Before(in.SubmittedAt) || c.LastActiveAt.Before(from) {
			continue
		}
		seen[c.UID] = true
		hits = append(hits, c)
	}
	if len(hits) == 0 {
		return nil
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if !a.LastActiveAt.Equal(b.LastActiveAt) {
			return a.LastActiveAt.After(b.LastActiveAt)
		}
		if !a.SubmittedAt.Equal(b.SubmittedAt) {
			return a.SubmittedAt.After(b.SubmittedAt)
		}
		return a.UID < b.UID
	})
	best := hits[0]
	return &v1.ReturningContactStatus{PreviousLead: best.Name, PreviousUID: best.UID, Archived: best.Archived,
		PreviousPhase: best.Phase, LastActiveAt: metav1Time(best.LastActiveAt), MatchedBy: best.MatchedBy,
		EarlierLeads: int32(len(hits))}
}

// FromLive turns live leads that share a key with contact into candidates.
func FromLive(contact v1.Contact, leads []v1.Lead) []Candidate {
	email, _ := contactkey.ForEmail(contact.Email)
	mine := contactkey.Identity(contact)
	var out []Candidate
	for i := range leads {
		l := &leads[i]
		theirs := contactkey.Identity(l.Spec.Contact)
		by := MatchedByOf(email, mine, theirs)
		if by == "" {
			continue
		}
		out = append(out, Candidate{UID: string(l.UID), Namespace: l.Namespace, Name: l.Name, Phase: l.Status.Phase,
			SubmittedAt: leadfacts.SubmittedAt(l), LastActiveAt: leadfacts.LastActivity(l), MatchedBy: by})
	}
	return out
}

// MatchedByOf says how two identities match: Email when the email key is shared,
// Phone when only a number is, "" when nothing is.
func MatchedByOf(email contactkey.Key, mine, theirs []contactkey.Key) v1.MatchedBy {
	var by v1.MatchedBy
	for _, a := range mine {
		for _, b := range theirs {
			if a != b {
				continue
			}
			if a == email && a.Kind == contactkey.Email {
				return v1.MatchedByEmail
			}
			by = v1.MatchedByPhone
		}
	}
	return by
}

// FirstTemplate is the template of a touch: the policy's welcome-back template for the
// first touch of a returning contact's cadence (round 0, touch 1), else the step's own.
func FirstTemplate(p *v1.ReturningContactPolicy, st *v1.LeadStatus, round, touchNumber int32, stepTemplate string) string {
	if p == nil || p.Template == "" || st == nil || st.ReturningContact == nil || round != 0 || touchNumber != 1 {
		return stepTemplate
	}
	return p.Template
}
