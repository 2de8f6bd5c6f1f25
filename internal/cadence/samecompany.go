package cadence

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// DefaultSameCompanyPause is how long a colleague's answer holds a lead (action Pause).
const DefaultSameCompanyPause = 14 * 24 * time.Hour

// Colleague is another lead of the same company in the namespace, as the sameCompany
// rule sees it: its name and its answers. The caller finds colleagues through the
// company index (internal/company, internal/gather); the lead itself is never one.
type Colleague struct {
	Name    string
	Answers []Answer
}

// Answer is a reply or a booked meeting.
type Answer struct {
	At      time.Time
	Meeting bool
}

// Answers are a lead's replies and booked meetings, for its colleagues' sameCompany
// rule: its interactions, and the first reply and a meeting stop compacted into
// status.earlier.
func Answers(l *v1.Lead) []Answer {
	var out []Answer
	for _, e := range Entries(l) {
		switch e.Kind {
		case v1.InteractionReply:
			out = append(out, Answer{At: e.At.Time})
		case v1.InteractionMeetingBooked:
			out = append(out, Answer{At: e.At.Time, Meeting: true})
		}
	}
	if e := l.Status.Earlier; e != nil {
		if e.FirstReplyAt != nil {
			out = append(out, Answer{At: e.FirstReplyAt.Time})
		}
		if e.Stop == v1.StopMeetingBooked && e.StopAt != nil {
			out = append(out, Answer{At: e.StopAt.Time, Meeting: true})
		}
	}
	return out
}

// SameCompanyHold decides what the colleagues' answers do to a lead submitted at
// submitted, at now, under the policy: nil when nothing holds it. Only answers from
// the lead's submission to now count (an older conversation with the company does not
// hold a new inquiry). Stop is held by the earliest such answer, for good; Pause by the
// latest, until pauseFor after it. Ties go to the colleague whose name sorts first, so
// the answer named does not depend on the order the cache lists leads in.
func SameCompanyHold(p *v1.SameCompanyPolicy, submitted, now time.Time, colleagues []Colleague) *v1.SameCompanyStatus {
	if p.Action != v1.SameCompanyPause && p.Action != v1.SameCompanyStop {
		return nil
	}
	var best *v1.SameCompanyStatus
	for _, c := range colleagues {
		for _, a := range c.Answers {
			if a.At.Before(submitted) || a.At.After(now) {
				continue
			}
			if best != nil {
				b := best.AnsweredAt.Time
				switch {
				case p.Action == v1.SameCompanyStop && (a.At.After(b) || a.At.Equal(b) && c.Name >= best.Lead):
					continue
				case p.Action == v1.SameCompanyPause && (a.At.Before(b) || a.At.Equal(b) && c.Name >= best.Lead):
					continue
				}
			}
			best = &v1.SameCompanyStatus{Lead: c.Name, Meeting: a.Meeting, AnsweredAt: metav1.NewTime(a.At), Action: p.Action}
		}
	}
	if best == nil || p.Action == v1.SameCompanyStop {
		return best
	}
	pause := DefaultSameCompanyPause
	if p.PauseFor != nil && p.PauseFor.Duration > 0 {
		pause = p.PauseFor.Duration
	}
	until := best.AnsweredAt.Add(pause)
	if !now.Before(until) {
		return nil
	}
	best.Until = metaTime(until)
	return best
}

// sameCompanyFrom records in status.sameCompany what holds the lead now. A hold
// already recorded outlives its colleague (deleted, archived, its interactions
// compacted): a stop for good, a pause until it ends; a policy that no longer asks for
// it (another action, None) lets it go. A lead that has finished its cadence is not
// held. The pause's end is moved to the customer's next business hour.
func (t *transition) sameCompanyFrom() {
	st, p := t.st, &t.in.Policy.SameCompany
	rec := st.SameCompany
	if rec != nil && (rec.Action != p.Action || rec.Action == v1.SameCompanyPause && rec.Until != nil && !t.now.Before(rec.Until.Time)) {
		rec = nil
	}
	h := SameCompanyHold(p, t.submitted, t.now, t.in.Colleagues)
	switch {
	case h == nil:
	case rec == nil && (st.Phase == v1.PhaseFinished || st.Phase.Closed()):
		h = nil // not an open lead
	case h.Action == v1.SameCompanyStop && rec != nil:
		h = rec // the first answer that stopped it stays the one named
	}
	if h != nil && h.Until != nil {
		h.Until = metaTime(t.customer.Next(h.Until.Time))
		if !t.now.Before(h.Until.Time) {
			h = nil
		}
	}
	if h == nil {
		h = rec
	}
	if h != nil && rec != nil && h.Lead == rec.Lead && h.AnsweredAt.Equal(&rec.AnsweredAt) {
		h = rec // unchanged: keep the recorded times byte for byte
	}
	st.SameCompany = h
}

// companyPause is when a colleague's answer stops pausing the lead; zero when none does.
func (t *transition) companyPause() time.Time {
	if s := t.st.SameCompany; s != nil && s.Action == v1.SameCompanyPause && s.Until != nil {
		return s.Until.Time
	}
	return time.Time{}
}

// companyStopped says whether a colleague's answer stopped the lead.
func (t *transition) companyStopped() bool {
	s := t.st.SameCompany
	return s != nil && s.Action == v1.SameCompanyStop
}

// answerText names a colleague's answer: the lead's name and what it did, never
// contact data.
func answerText(s *v1.SameCompanyStatus) string {
	did := "replied"
	if s.Meeting {
		did = "booked a meeting"
	}
	return fmt.Sprintf("lead %s of the same company %s", s.Lead, did)
}

// setSameCompany keeps the SameCompany condition while a colleague's answer pauses or
// stopped the lead (present only while true).
func setSameCompany(st *v1.LeadStatus, gen int64, held bool, loc *time.Location) {
	s := st.SameCompany
	var msg string
	switch {
	case s == nil || !held:
	case s.Action == v1.SameCompanyStop && st.Phase == v1.PhaseStopped:
		msg = answerText(s) + ": cadence stopped"
	case s.Action == v1.SameCompanyPause && st.Phase == v1.PhasePaused && s.Until != nil:
		msg = answerText(s) + ": cadence paused until " + s.Until.In(loc).Format("2006-01-02 15:04 MST")
	}
	if msg == "" {
		RemoveCondition(&st.Conditions, v1.ConditionSameCompany)
		return
	}
	meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: v1.ConditionSameCompany, Status: metav1.ConditionTrue,
		Reason: v1.ReasonColleagueAnswered, Message: msg, ObservedGeneration: gen})
}
