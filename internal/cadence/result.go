package cadence

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Outcome is what a dispatch attempt came to.
type Outcome string

// Dispatch outcomes.
const (
	// Sent: the channel accepted the message.
	Sent Outcome = "Sent"
	// TaskAssigned: the owner was given the touch as a task.
	TaskAssigned Outcome = "TaskAssigned"
	// Transient: try the same channel again later (5xx, timeout).
	Transient Outcome = "Transient"
	// Permanent: this channel will not work for this touch (4xx, unreachable): fall back.
	Permanent Outcome = "Permanent"
)

// MaxAttempts is how many transient failures a channel gets before it counts as failed.
const MaxAttempts = 5

// Backoff is the wait before retry n (1-based): 30s, 1m, 2m, 4m... at most 30m.
func Backoff(n int32) time.Duration {
	d := 30 * time.Second
	for i := int32(1); i < n && d < 30*time.Minute; i++ {
		d *= 2
	}
	if d > 30*time.Minute {
		d = 30 * time.Minute
	}
	return d
}

// Record applies a dispatch outcome to the touch's record. message is an error class,
// never customer data.
func Record(rec *v1.TouchRecord, o Outcome, message string, now time.Time) {
	at := metav1.NewTime(now)
	switch o {
	case Sent:
		rec.Result, rec.PerformedAt, rec.NextAttemptAt, rec.Message = v1.TouchSent, &at, nil, ""
	case TaskAssigned:
		rec.Result, rec.NextAttemptAt, rec.Message = v1.TouchTaskAssigned, nil, message
		rec.PerformedBy = v1.PerformedByOwner
	case Transient:
		rec.Attempts++
		rec.Message = message
		if rec.Attempts < MaxAttempts {
			next := metav1.NewTime(now.Add(Backoff(rec.Attempts)))
			rec.NextAttemptAt = &next
			return
		}
		fallthrough
	case Permanent:
		if rec.Channel != "" {
			rec.FailedChannels = append(rec.FailedChannels, rec.Channel)
		}
		rec.Attempts, rec.NextAttemptAt, rec.Message = 0, nil, message
	}
}
