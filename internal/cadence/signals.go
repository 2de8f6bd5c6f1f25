package cadence

import (
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// The kinds of interaction, by what they say about the lead. The direction an entry
// carries is not trusted for this: a CRM may post a bounce as "outbound".
var (
	// ourContact: we reached out to the customer outside the cadence's own touches.
	ourContact = map[v1.InteractionKind]bool{v1.InteractionCallConnected: true, v1.InteractionCallNoAnswer: true,
		v1.InteractionMessageSent: true}
	// stopKinds maps interaction kinds to the stop event they raise.
	stopKinds = map[v1.InteractionKind]v1.StopEvent{
		v1.InteractionReply:         v1.StopReplied,
		v1.InteractionMeetingBooked: v1.StopMeetingBooked,
		v1.InteractionUnsubscribed:  v1.StopUnsubscribed,
		v1.InteractionBounced:       v1.StopBounced,
	}
)

// signals is what the recorded interactions and touches say about the customer.
type signals struct {
	engagement   v1.Engagement
	firstContact time.Time // first contact either way: our touch, call or message, or their reply
	firstOurs    time.Time // first contact we made
	firstReply   time.Time // first reply of theirs
	stop         v1.StopEvent
	stopAt       time.Time
	handToHuman  bool
	handAt       time.Time
}

// Entries is a lead's whole interaction record: spec.interactions (written by hand) and
// status.interactions (folded in from Interaction objects), oldest first, each id once.
func Entries(l *v1.Lead) []v1.InteractionEntry {
	out := make([]v1.InteractionEntry, 0, len(l.Spec.Interactions)+len(l.Status.Interactions))
	seen := map[string]bool{}
	for _, list := range [][]v1.InteractionEntry{l.Spec.Interactions, l.Status.Interactions} {
		for _, in := range list {
			if in.ID != "" {
				if seen[in.ID] {
					continue
				}
				seen[in.ID] = true
			}
			out = append(out, in)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(&out[j].At) })
	return out
}

// readSignals folds what was compacted (status.earlier), then the touches and the
// interactions after it, in time order, into engagement figures, the first contact, the
// first stop event the policy honours and a hand-over to a human.
func readSignals(entries []v1.InteractionEntry, touches []v1.TouchRecord, earlier *v1.EarlierInteractions, p *v1.FollowUpPolicySpec) signals {
	var s signals
	var through time.Time
	if e := earlier; e != nil {
		through = e.Through.Time
		en := &s.engagement
		en.Replies, en.Turns, en.BestQuality, en.Delivered, en.Read = e.Replies, e.Turns, e.BestQuality, e.Delivered, e.Read
		en.LastReplyAt = e.LastReplyAt
		if t := e.FirstContactAt; t != nil {
			s.ours(t.Time)
		}
		if t := e.FirstReplyAt; t != nil {
			s.reply(t.Time)
		}
		if e.FirstReplyAt != nil && (e.FirstContactAt == nil || e.FirstReplyAt.Before(e.FirstContactAt)) {
			en.CustomerInitiated = true
		}
		if e.Stop != "" && stopHonoured(p, e.Stop) && e.StopAt != nil {
			s.stop, s.stopAt = e.Stop, e.StopAt.Time
		}
		if e.HandToHumanAt != nil {
			s.handToHuman, s.handAt = true, e.HandToHumanAt.Time
		}
	}
	type ev struct {
		at time.Time
		in *v1.InteractionEntry // nil: a performed touch
	}
	var evs []ev
	for _, t := range touches {
		if performed(t) && t.PerformedAt.Time.After(through) {
			evs = append(evs, ev{at: t.PerformedAt.Time})
		}
	}
	for i := range entries {
		evs = append(evs, ev{at: entries[i].At.Time, in: &entries[i]})
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].at.Before(evs[j].at) })

	threshold := int32(3)
	if p != nil && p.HandToHuman.ReplyQualityAtLeast != 0 {
		threshold = p.HandToHuman.ReplyQualityAtLeast
	}
	weReached := earlier != nil && earlier.FirstContactAt != nil
	outbound := weReached // a reply right after compacted contact of ours is a turn
	for _, e := range evs {
		in := e.in
		if in == nil || ourContact[in.Kind] {
			outbound, weReached = true, true
			s.ours(e.at)
			continue
		}
		en := &s.engagement
		switch in.Kind {
		case v1.InteractionReply:
			en.Replies++
			if outbound {
				en.Turns++
			}
			outbound = false
			if !weReached && en.Replies == 1 {
				en.CustomerInitiated = true
			}
			if in.Quality != nil && *in.Quality > en.BestQuality {
				en.BestQuality = *in.Quality
			}
			at := metav1.NewTime(in.At.Time)
			en.LastReplyAt = &at
			s.reply(in.At.Time)
			if !s.handToHuman && (in.HandToHuman || (in.Quality != nil && *in.Quality >= threshold)) {
				s.handToHuman, s.handAt = true, in.At.Time
			}
		case v1.InteractionMeetingBooked:
			s.contact(in.At.Time)
		case v1.InteractionDelivered:
			en.Delivered++
		case v1.InteractionRead:
			en.Read++
		}
		if ev, ok := stopKinds[in.Kind]; ok && stopHonoured(p, ev) && (s.stop == "" || in.At.Time.Before(s.stopAt)) {
			s.stop, s.stopAt = ev, in.At.Time
		}
	}
	return s
}

func stopHonoured(p *v1.FollowUpPolicySpec, e v1.StopEvent) bool {
	if p == nil {
		return true
	}
	for _, s := range p.StopOn {
		if s == e {
			return true
		}
	}
	return false
}

func (s *signals) contact(at time.Time) { s.firstContact = sooner(s.firstContact, at) }

func (s *signals) ours(at time.Time) {
	s.firstOurs = sooner(s.firstOurs, at)
	s.contact(at)
}

func (s *signals) reply(at time.Time) {
	s.firstReply = sooner(s.firstReply, at)
	s.contact(at)
}

// sooner is the earlier of two times, a zero time counting as none.
func sooner(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// performed says whether a touch reached the customer or was done by the rep.
func performed(t v1.TouchRecord) bool {
	return t.PerformedAt != nil && (t.Result == v1.TouchSent || t.Result == v1.TouchDone)
}
