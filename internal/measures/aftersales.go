package measures

import (
	"math"
	"sort"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
)

// AfterSales are the after-sales figures of won leads that followed an after-sales
// policy (status.afterSales). They are not windowed by submission: an after-sales
// cadence runs for months after the lead came in.
type AfterSales struct {
	Leads int
	// NPS is (promoters - detractors) / responses * 100: promoters scored 9-10,
	// detractors 0-6, each lead's latest score counted once.
	NPS                              float64
	NPSResponses, Promoters, Detract int
	// RepeatPurchaseRate is the leads that confirmed a second order id over the leads
	// with a confirmed order.
	RepeatPurchaseRate         float64
	WithOrder, RepeatPurchases int
	// MedianTimeToAnswer runs from a customer's message after the sale (the first of
	// a run of messages not yet answered) to our next answer: a call or message a rep
	// recorded, or an after-sales touch performed. Answered counts those pairs;
	// messages still waiting are not counted.
	MedianTimeToAnswer time.Duration
	Answered           int
	HandedOff          int
}

// ComputeAfterSales measures the leads with an after-sales cadence among leads.
func ComputeAfterSales(leads []v1.Lead) AfterSales {
	var m AfterSales
	var waits []time.Duration
	for i := range leads {
		l := &leads[i]
		as := l.Status.AfterSales
		if as == nil || l.Spec.Outcome == nil || l.Spec.Outcome.Result != v1.OutcomeWon {
			continue
		}
		m.Leads++
		if as.NPS != nil {
			m.NPSResponses++
			switch s := *as.NPS; {
			case s >= 9:
				m.Promoters++
			case s <= 6:
				m.Detract++
			}
		}
		if len(as.Orders) > 0 {
			m.WithOrder++
			if len(as.Orders) > 1 {
				m.RepeatPurchases++
			}
		}
		if as.HandedOffAt != nil {
			m.HandedOff++
		}
		waits = append(waits, answerWaits(l)...)
	}
	if m.NPSResponses > 0 {
		m.NPS = 100 * float64(m.Promoters-m.Detract) / float64(m.NPSResponses)
	}
	m.RepeatPurchaseRate = ratio(m.RepeatPurchases, m.WithOrder)
	m.Answered = len(waits)
	m.MedianTimeToAnswer = median(waits)
	return m
}

// NPSRounded is the NPS as a whole number, as status shows it.
func (m AfterSales) NPSRounded() int32 { return int32(math.Round(m.NPS)) }

// answerWaits are the waits of a won lead's customer messages after the sale for our
// next answer.
func answerWaits(l *v1.Lead) []time.Duration {
	wonAt := l.Spec.Outcome.At.Time
	type ev struct {
		at   time.Time
		ours bool
	}
	var evs []ev
	for _, e := range cadence.Entries(l) {
		switch {
		case e.At.Time.Before(wonAt):
		case e.Kind == v1.InteractionReply:
			evs = append(evs, ev{e.At.Time, false})
		case e.Kind == v1.InteractionMessageSent || e.Kind == v1.InteractionCallConnected:
			evs = append(evs, ev{e.At.Time, true})
		}
	}
	for _, t := range l.Status.AfterSales.Touches {
		if (t.Result == v1.TouchSent || t.Result == v1.TouchDone) && t.PerformedAt != nil {
			evs = append(evs, ev{t.PerformedAt.Time, true})
		}
	}
	// Ours after theirs at the same instant: an answer never comes before the question.
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].at.Equal(evs[j].at) {
			return !evs[i].ours && evs[j].ours
		}
		return evs[i].at.Before(evs[j].at)
	})
	var waits []time.Duration
	var asked time.Time
	for _, e := range evs {
		switch {
		case !e.ours && asked.IsZero():
			asked = e.at
		case e.ours && !asked.IsZero():
			waits = append(waits, e.at.Sub(asked))
			asked = time.Time{}
		}
	}
	return waits
}

// median is the middle value, the mean of the two middle ones for an even count.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
