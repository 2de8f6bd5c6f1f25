package measures

import (
	"sort"
	"strconv"
	"strings"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Measures are the follow-up figures of a set of leads over a window.
type Measures struct {
	Leads, Contacted                    int
	MeanFirstResponse, P90FirstResponse time.Duration // submitted -> status.firstResponse.contactedAt
	SLAMet, SLABreached, SLAPending     int
	SLAAttainment                       float64 // met / (met+breached)
	Touches                             int     // performed touches (Sent/Done)
	TouchesPerLead                      float64
	DeliveryRate, ReadRate, ReplyRate   float64
	QualityMix                          [3]int // best reply quality 1,2,3 counts
	CompletedCadence                    int    // dormant, or closed with no touch left
	ThreeTouchLeads                     int    // leads with at least three performed touches
	CloseRateAfterCadence               float64
	CloseRateAfterThreeTouches          float64
	Won, Lost                           int
	MeanSalesCycle                      time.Duration // submitted -> outcome.at for won
	Revenue                             float64
	// Currency of Revenue; with mixed currencies it lists them ("EUR,USD") and Revenue and
	// ROAS stay 0, because summing different currencies would be wrong.
	Currency string
	ROAS     float64 // revenue / spend in window
	// ROASKnown: a spend in the revenue's currency makes ROAS a figure, 0 included (a
	// campaign that sold nothing is the case the ROAS rule exists for).
	ROASKnown bool
}

// Compute measures the leads submitted in the window.
func Compute(leads []v1.Lead, o Options) Measures {
	return compute(inWindow(leads, o), o)
}

func compute(leads []*v1.Lead, o Options) Measures {
	var m Measures
	m.Leads = len(leads)
	var firstResponses []time.Duration
	var delivered, read, replied, touchedLeads int
	var wonAfterCadence, wonAfterThree int
	var cycleSum time.Duration
	revenue := map[string]float64{}
	for _, l := range leads {
		sub := submittedAt(l)
		st := &l.Status
		if c := st.FirstResponse.ContactedAt; c != nil {
			m.Contacted++
			d := c.Sub(sub)
			if d < 0 {
				d = 0
			}
			firstResponses = append(firstResponses, d)
		}
		switch st.FirstResponse.State {
		case v1.SLAMet:
			m.SLAMet++
		case v1.SLABreached:
			m.SLABreached++
		case v1.SLAPending:
			m.SLAPending++
		}
		performed, open := touchCounts(st.Touches)
		m.Touches += performed
		if performed > 0 {
			touchedLeads++
		}
		delivered += int(st.Engagement.Delivered)
		read += int(st.Engagement.Read)
		if st.Engagement.Replies > 0 {
			replied++
		}
		if q := st.Engagement.BestQuality; q >= 1 && q <= 3 {
			m.QualityMix[q-1]++
		}
		won := l.Spec.Outcome != nil && l.Spec.Outcome.Result == v1.OutcomeWon
		completed := st.DormantSince != nil || (l.Spec.Outcome != nil && performed > 0 && open == 0 && st.NextTouchAt == nil)
		if completed {
			m.CompletedCadence++
			if won {
				wonAfterCadence++
			}
		}
		if performed >= 3 {
			m.ThreeTouchLeads++
			if won {
				wonAfterThree++
			}
		}
		if out := l.Spec.Outcome; out != nil {
			switch out.Result {
			case v1.OutcomeWon:
				m.Won++
				cycleSum += out.At.Sub(sub)
				if out.Value != nil {
					if a, err := strconv.ParseFloat(out.Value.Amount, 64); err == nil {
						revenue[out.Value.Currency] += a
					}
				}
			case v1.OutcomeLost:
				m.Lost++
			}
		}
	}
	m.MeanFirstResponse, m.P90FirstResponse = meanAndP90(firstResponses)
	m.SLAAttainment = ratio(m.SLAMet, m.SLAMet+m.SLABreached)
	m.TouchesPerLead = ratio(m.Touches, m.Leads)
	m.DeliveryRate = ratio(delivered, m.Touches)
	m.ReadRate = ratio(read, m.Touches)
	m.ReplyRate = ratio(replied, touchedLeads)
	m.CloseRateAfterCadence = ratio(wonAfterCadence, m.CompletedCadence)
	m.CloseRateAfterThreeTouches = ratio(wonAfterThree, m.ThreeTouchLeads)
	if m.Won > 0 {
		m.MeanSalesCycle = cycleSum / time.Duration(m.Won)
	}
	m.Revenue, m.Currency = sumRevenue(revenue)
	m.ROAS, m.ROASKnown = roas(m.Revenue, m.Currency, o)
	return m
}

// touchCounts returns performed (Sent/Done) and still open (Pending/TaskAssigned) touches.
func touchCounts(ts []v1.TouchRecord) (performed, open int) {
	for i := range ts {
		switch ts[i].Result {
		case v1.TouchSent, v1.TouchDone:
			performed++
		case v1.TouchPending, v1.TouchTaskAssigned:
			open++
		}
	}
	return performed, open
}

// meanAndP90 uses the nearest-rank p90: the ceil(0.9*n)-th smallest value.
func meanAndP90(ds []time.Duration) (mean, p90 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	rank := (9*len(ds) + 9) / 10 // ceil(0.9n) in integers
	return sum / time.Duration(len(ds)), ds[rank-1]
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func sumRevenue(byCurrency map[string]float64) (float64, string) {
	switch len(byCurrency) {
	case 0:
		return 0, ""
	case 1:
		for c, v := range byCurrency {
			return v, c
		}
	}
	cs := make([]string, 0, len(byCurrency))
	for c := range byCurrency {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return 0, strings.Join(cs, ",")
}

// roas divides revenue by the spend scaled to the window. It is known when there is a
// spend and the revenue is in its currency or there is no revenue at all.
func roas(revenue float64, currency string, o Options) (float64, bool) {
	s := o.Spend
	if s == nil || (currency != "" && s.Currency != currency) {
		return 0, false
	}
	amount, err := strconv.ParseFloat(s.Amount, 64)
	if err != nil || amount <= 0 {
		return 0, false
	}
	period := DefaultWindow
	if s.Period != nil && s.Period.Duration > 0 {
		period = s.Period.Duration
	}
	inWindow := amount * float64(o.window()) / float64(period)
	return revenue / inWindow, true
}
