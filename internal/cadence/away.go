package cadence

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Defaults of the policy's outOfOffice.
const (
	DefaultAwayPause    = 7 * 24 * time.Hour
	DefaultAwayMaxPause = 60 * 24 * time.Hour
)

// awayFrom reads the latest automatic reply into status.outOfOffice and returns when the
// cadence may go on: the return day's first business hour in the contact's zone (or the
// policy's pause after the reply, when the message gave no day), never more than
// maxPause after it. A reply or booked meeting after the automatic reply means the
// contact is back: no pause. A pause already recorded is kept when its entry has been
// compacted away. Zero: no pause now.
func (t *transition) awayFrom() time.Time {
	st := t.st
	var auto *v1.InteractionEntry
	var human time.Time
	for i := range t.entries {
		switch e := &t.entries[i]; e.Kind {
		case v1.InteractionAutoReply:
			auto = e
		case v1.InteractionReply, v1.InteractionMeetingBooked:
			human = e.At.Time
		}
	}
	if auto != nil && (st.OutOfOffice == nil || !auto.At.Time.Before(st.OutOfOffice.Since.Time)) {
		since := auto.At.Time
		until := awayUntil(t.in.Policy.OutOfOffice, t.customer, since, auto.ReturnDate)
		st.OutOfOffice = &v1.OutOfOfficeStatus{Since: metav1.NewTime(since), Until: metav1.NewTime(until), ReturnDate: auto.ReturnDate}
	}
	o := st.OutOfOffice
	if o == nil || !human.IsZero() && !human.Before(o.Since.Time) || !t.now.Before(o.Until.Time) {
		return time.Time{}
	}
	return o.Until.Time
}

// awayUntil is when a pause that began at since ends.
func awayUntil(p v1.OutOfOfficePolicy, customer *Schedule, since time.Time, returnDate string) time.Time {
	pause, maxPause := DefaultAwayPause, DefaultAwayMaxPause
	if p.Pause != nil && p.Pause.Duration > 0 {
		pause = p.Pause.Duration
	}
	if p.MaxPause != nil && p.MaxPause.Duration > 0 {
		maxPause = p.MaxPause.Duration
	}
	until := since.Add(pause)
	if d, err := time.Parse(time.DateOnly, returnDate); err == nil {
		until = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, customer.Location())
	}
	if limit := since.Add(maxPause); until.After(limit) {
		until = limit
	}
	return customer.Next(until)
}

// holdWhileAway keeps the cadence where it was while the contact is away (or a
// colleague's answer pauses it): the phase shows it and the next touch waits for the
// end (planning already put it there). It reports whether it held the lead.
func (t *transition) holdWhileAway(until time.Time, phase v1.LeadPhase) bool {
	st := t.st
	if until.IsZero() || st.Phase != v1.PhaseInCadence {
		return false
	}
	st.Phase = phase
	if st.NextTouchAt == nil || st.NextTouchAt.Time.Before(until) {
		st.NextTouchAt = metaTime(until)
	}
	t.at(until)
	return true
}

// awayStage is the stage of a lead out of office: until when, and where it resumes.
func (t *transition) awayStage() string {
	s := "out of office"
	if o := t.st.OutOfOffice; o != nil {
		s += " until " + o.Until.In(t.customer.Location()).Format(time.DateOnly)
	}
	return t.resumesAt(s)
}

// pausedStage is the stage of a lead a colleague's answer pauses.
func (t *transition) pausedStage() string {
	s := "paused"
	if c := t.st.SameCompany; c != nil && c.Until != nil {
		s += " until " + c.Until.In(t.customer.Location()).Format(time.DateOnly) + " (" + answerText(c) + ")"
	}
	return t.resumesAt(s)
}

// resumesAt adds to a held lead's stage where its cadence resumes.
func (t *transition) resumesAt(s string) string {
	st := t.st
	if st.Step >= 1 && int(st.Step) <= len(t.stepNames) {
		saved := st.Phase
		st.Phase = v1.PhaseInCadence
		s += ", then " + stageText(st, t.stepNames, "", false)
		st.Phase = saved
	}
	return s
}

// later is the later of two times, a zero time counting as none.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
