package edge

import (
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Vendors' clocks and payloads are not ours to trust: a year-old or future timestamp
// taken at face value would breach an SLA at once, stop a cadence in the past, or hide an
// event in the future. Every time the edge stores is bounded here, and each correction is
// said in the answer.
const (
	// clockSkew is how far a sender's clock may run ahead of ours, or an event precede
	// the lead, before the time is corrected (silently within it: clocks drift).
	clockSkew = 5 * time.Minute
	// maxSubmittedAge is the oldest submission time a new lead may carry: older ones
	// start the first-response clock now (the given time is kept in an annotation).
	maxSubmittedAge = 30 * 24 * time.Hour
)

// AnnotationSubmittedAtGiven keeps a submission time the edge did not take.
const AnnotationSubmittedAtGiven = "followup.io/submitted-at-given"

// Reasons a time was corrected.
const (
	adjInFuture   = "InFuture"   // later than now beyond the skew: recorded as now
	adjBeforeLead = "BeforeLead" // before the lead was submitted: recorded as its submission
	adjTooOld     = "TooOld"     // a submission older than maxSubmittedAge: recorded as now
	adjUnreadable = "Unreadable" // not a time: recorded as now
)

// adjustment tells the caller that a time it sent was not stored as sent.
type adjustment struct {
	Field    string `json:"field"`
	Reason   string `json:"reason"`
	Given    string `json:"given,omitempty"`
	Recorded string `json:"recorded"`
}

func newAdjustment(field, reason string, given *time.Time, recorded time.Time) *adjustment {
	a := &adjustment{Field: field, Reason: reason, Recorded: recorded.UTC().Format(time.RFC3339)}
	if given != nil {
		a.Given = given.UTC().Format(time.RFC3339)
	}
	return a
}

// leadStart is when the lead began: its submission, or its creation if that is earlier
// (a lead created from an old record) or the submission is unknown.
func leadStart(l *v1.Lead) time.Time {
	start := l.CreationTimestamp.Time
	if s := l.Spec.Source.SubmittedAt; s != nil && (start.IsZero() || s.Before(&l.CreationTimestamp)) {
		start = s.Time
	}
	return start
}

// eventTime is the time to store for an event on lead l: given (now when absent),
// corrected to now when in the future and to the lead's start when before it.
func eventTime(field string, given *time.Time, l *v1.Lead, now time.Time) (metav1.Time, *adjustment) {
	now = now.UTC().Truncate(time.Second)
	if given == nil || given.IsZero() {
		return metav1.NewTime(now), nil
	}
	t := given.UTC()
	switch start := leadStart(l); {
	case t.After(now.Add(clockSkew)):
		return metav1.NewTime(now), newAdjustment(field, adjInFuture, given, now)
	case t.After(now):
		return metav1.NewTime(now), nil
	case !start.IsZero() && t.Before(start.Add(-clockSkew)):
		return metav1.NewTime(start.UTC()), newAdjustment(field, adjBeforeLead, given, start)
	}
	return metav1.NewTime(t), nil
}

// unixEventTime is eventTime for a vendor's Unix-seconds string (WhatsApp).
func unixEventTime(ts string, l *v1.Lead, now time.Time) (metav1.Time, *adjustment) {
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || n <= 0 || n >= 1<<40 {
		now = now.UTC().Truncate(time.Second)
		return metav1.NewTime(now), &adjustment{Field: "timestamp", Reason: adjUnreadable, Recorded: now.Format(time.RFC3339)}
	}
	t := time.Unix(n, 0)
	return eventTime("timestamp", &t, l, now)
}

// submittedTime is the submission time to store for a new lead: given (now when absent),
// corrected to now when in the future or older than maxSubmittedAge.
func submittedTime(field string, given *time.Time, now time.Time) (*metav1.Time, *adjustment) {
	now = now.UTC().Truncate(time.Second)
	at := func(t time.Time) *metav1.Time { mt := metav1.NewTime(t.UTC().Truncate(time.Second)); return &mt }
	switch {
	case given == nil || given.IsZero():
		return at(now), nil
	case given.After(now.Add(clockSkew)):
		return at(now), newAdjustment(field, adjInFuture, given, now)
	case given.After(now):
		return at(now), nil
	case given.Before(now.Add(-maxSubmittedAge)):
		return at(now), newAdjustment(field, adjTooOld, given, now)
	}
	return at(*given), nil
}
