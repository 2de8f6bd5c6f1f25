// Package leadfacts reads the times a lead's history turns on, the same way for a live
// lead and an archived one: when it came in, when it closed, when anything last
// happened. Pure: the lead in, times out.
package leadfacts

import (
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// SubmissionSkew is how far after the lead's creation a source's submission time may
// lie (clocks differ) and still be believed.
const SubmissionSkew = 5 * time.Minute

// EarliestSubmission: a source time before it is an unset clock, never a submission.
var EarliestSubmission = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// SubmittedAt is when the lead came in, the one rule for the SLA clock, the measures,
// the archive and returning contacts: the source's time, else the lead's creation. A
// source time after the creation (beyond SubmissionSkew) or before EarliestSubmission
// is not believed: the creation time is used.
func SubmittedAt(l *v1.Lead) time.Time {
	created := l.CreationTimestamp.Time
	s := l.Spec.Source.SubmittedAt
	switch {
	case s == nil || s.IsZero():
		return created
	case !created.IsZero() && (s.Time.After(created.Add(SubmissionSkew)) || s.Time.Before(EarliestSubmission)):
		return created
	}
	return s.Time
}

// ClosedAt is when the lead stopped needing work: the outcome's time for a won or lost
// lead, status.dormantSince for one finally dormant; zero otherwise.
func ClosedAt(l *v1.Lead) time.Time {
	switch l.Status.Phase {
	case v1.PhaseWon, v1.PhaseLost:
		if o := l.Spec.Outcome; o != nil {
			return o.At.Time
		}
	case v1.PhaseFinished:
		if d := l.Status.DormantSince; d != nil {
			return d.Time
		}
	}
	return time.Time{}
}

// LastActivity is the latest thing that happened to the lead: submission, a touch, an
// interaction (kept or compacted), a hand-over, dormancy or the outcome.
func LastActivity(l *v1.Lead) time.Time {
	last := SubmittedAt(l)
	see := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	for i := range l.Spec.Interactions {
		see(l.Spec.Interactions[i].At.Time)
	}
	for i := range l.Status.Interactions {
		see(l.Status.Interactions[i].At.Time)
	}
	if e := l.Status.Earlier; e != nil {
		see(e.Through.Time)
	}
	for i := range l.Status.Touches {
		if p := l.Status.Touches[i].PerformedAt; p != nil {
			see(p.Time)
		}
	}
	if h := l.Status.HandedOffAt; h != nil {
		see(h.Time)
	}
	if d := l.Status.DormantSince; d != nil {
		see(d.Time)
	}
	if o := l.Spec.Outcome; o != nil {
		see(o.At.Time)
	}
	return last
}
