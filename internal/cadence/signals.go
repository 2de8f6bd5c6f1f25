package cadence

import (
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// signals is what the recorded interactions and touches say about the customer.
type signals struct {
	engagement   v1.Engagement
	firstContact time.Time // first performed touch, recorded call or reply; zero if none
	stop         v1.StopEvent
	stopAt       time.Time
	handToHuman  bool
	handAt       time.Time
}

// stopKinds maps interaction kinds to the stop event they raise.
var stopKinds = map[v1.InteractionKind]v1.StopEvent{
	v1.InteractionReply:         v1.StopReplied,
	v1.InteractionMeetingBooked: v1.StopMeetingBooked,
	v1.InteractionUnsubscribed:  v1.StopUnsubscribed,
	v1.InteractionBounced:       v1.StopBounced,
}

// readSignals folds interactions and touches, in time order, into engagement figures,
// the first contact, the first stop event the policy honours and a hand-over to a human.
func readSignals(lead *v1.Lead, p *v1.FollowUpPolicySpec) signals {
	var s signals
	stopOn := map[v1.StopEvent]bool{}
	for _, e := range p.StopOn {
		stopOn[e] = true
	}
	type ev struct {
		at       time.Time
		outbound bool
		in       *v1.InteractionEntry
	}
	var evs []ev
	for _, t := range lead.Status.Touches {
		if performed(t) {
			evs = append(evs, ev{at: t.PerformedAt.Time, outbound: true})
		}
	}
	for i := range lead.Spec.Interactions {
		in := &lead.Spec.Interactions[i]
		evs = append(evs, ev{at: in.At.Time, outbound: in.Direction == v1.Outbound, in: in})
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].at.Before(evs[j].at) })

	threshold := p.HandToHuman.ReplyQualityAtLeast
	if threshold == 0 {
		threshold = 3
	}
	var firstOutbound time.Time
	sinceReplyOutbound := false
	for _, e := range evs {
		if e.in == nil || (e.outbound && e.in.Kind != v1.InteractionCallConnected && e.in.Kind != v1.InteractionCallNoAnswer) {
			// A performed touch or another outbound message.
			if firstOutbound.IsZero() {
				firstOutbound = e.at
			}
			sinceReplyOutbound = true
			s.contact(e.at)
			continue
		}
		in := e.in
		switch in.Kind {
		case v1.InteractionReply:
			en := &s.engagement
			en.Replies++
			if sinceReplyOutbound {
				en.Turns++
			}
			sinceReplyOutbound = false
			if firstOutbound.IsZero() && en.Replies == 1 {
				en.CustomerInitiated = true
			}
			if in.Quality != nil && *in.Quality > en.BestQuality {
				en.BestQuality = *in.Quality
			}
			at := metav1.NewTime(in.At.Time)
			en.LastReplyAt = &at
			s.contact(in.At.Time)
			if !s.handToHuman && (in.HandToHuman || (in.Quality != nil && *in.Quality >= threshold)) {
				s.handToHuman, s.handAt = true, in.At.Time
			}
		case v1.InteractionCallConnected, v1.InteractionCallNoAnswer:
			// A call the rep made and recorded counts as contact, answered or not.
			if firstOutbound.IsZero() {
				firstOutbound = in.At.Time
			}
			sinceReplyOutbound = true
			s.contact(in.At.Time)
		case v1.InteractionDelivered:
			s.engagement.Delivered++
		case v1.InteractionRead:
			s.engagement.Read++
		}
		if ev, ok := stopKinds[in.Kind]; ok && stopOn[ev] && s.stop == "" {
			s.stop, s.stopAt = ev, in.At.Time
		}
	}
	return s
}

func (s *signals) contact(at time.Time) {
	if s.firstContact.IsZero() || at.Before(s.firstContact) {
		s.firstContact = at
	}
}

// performed says whether a touch reached the customer or was done by the rep.
func performed(t v1.TouchRecord) bool {
	return t.PerformedAt != nil && (t.Result == v1.TouchSent || t.Result == v1.TouchDone)
}
