package cadence

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Outcome is what sending a touch or a notice came to.
type Outcome string

// Outcomes.
const (
	// Sent: the channel accepted the message.
	Sent Outcome = "Sent"
	// TaskAssigned: the owner was given the touch as a task (and told, when they can be).
	TaskAssigned Outcome = "TaskAssigned"
	// Transient: try the same channel again later (5xx, timeout).
	Transient Outcome = "Transient"
	// Deferred: not attempted (the channel's rate limit); try again at RetryAt without
	// counting an attempt.
	Deferred Outcome = "Deferred"
	// Permanent: this channel will not work for this touch (4xx, unreachable): fall back.
	Permanent Outcome = "Permanent"
	// Unrenderable: the template does not render for this lead; nothing was sent.
	Unrenderable Outcome = "Unrenderable"
)

// MaxAttempts is how many transient failures a channel gets for one touch before the
// next fallback is tried, unless the channel says otherwise: with the default backoff,
// about four hours of trying.
const MaxAttempts = 10

// Retry is a channel's backoff for transient failures; the zero value is the default.
type Retry struct {
	Initial, Max time.Duration
	MaxAttempts  int32
}

func (r Retry) attempts() int32 {
	if r.MaxAttempts > 0 {
		return r.MaxAttempts
	}
	return MaxAttempts
}

// Wait is the wait before retry n (1-based): initial (30s), doubling, at most max (30m).
func (r Retry) Wait(n int32) time.Duration {
	d, top := r.Initial, r.Max
	if d <= 0 {
		d = 30 * time.Second
	}
	if top <= 0 {
		top = 30 * time.Minute
	}
	for i := int32(1); i < n && d < top; i++ {
		d *= 2
	}
	return min(d, top)
}

// Backoff is the default wait before retry n: 30s, 1m, 2m, 4m... at most 30m.
func Backoff(n int32) time.Duration { return Retry{}.Wait(n) }

// TouchOutcome is what one send of a touch came to.
type TouchOutcome struct {
	Key     string
	Outcome Outcome
	// Message is an error class for status ("HTTP 503"), never customer data.
	Message string
	// MessageID is the provider's id of the sent message (a WhatsApp wamid).
	MessageID string
	// WhatsAppID is the recipient's wa_id when it differs from the number sent to.
	WhatsAppID string
	// RetryAt is when a Deferred touch may be tried again.
	RetryAt time.Time
	// Retry is the backoff of the channel it went through.
	Retry Retry
}

// ApplyTouchOutcome records a send's outcome on the touch with its key, whatever became
// of the touch meanwhile: a touch marked skipped while its send was under way is
// recorded as sent when it was. It reports whether the touch was found; a touch already
// settled keeps its result.
func ApplyTouchOutcome(st *v1.LeadStatus, o TouchOutcome, now time.Time) bool {
	rec := touchWithKey(st, o.Key)
	if rec != nil {
		switch rec.Result {
		case v1.TouchPending:
		case v1.TouchSkipped:
			if o.Outcome != Sent && o.Outcome != TaskAssigned {
				return true // it stays skipped: nothing reached the customer
			}
		default:
			return true
		}
		applyTouchOutcome(rec, o, now)
		return true
	}
	return false
}

// touchWithKey is the sales or after-sales touch with the key, or nil.
func touchWithKey(st *v1.LeadStatus, key string) *v1.TouchRecord {
	for i := range st.Touches {
		if st.Touches[i].Key == key {
			return &st.Touches[i]
		}
	}
	if as := st.AfterSales; as != nil {
		for i := range as.Touches {
			if as.Touches[i].Key == key {
				return &as.Touches[i]
			}
		}
	}
	return nil
}

func applyTouchOutcome(rec *v1.TouchRecord, o TouchOutcome, now time.Time) {
	at := metav1.NewTime(now)
	rec.Message = truncate(o.Message, 512)
	switch o.Outcome {
	case Sent:
		rec.Result, rec.PerformedAt, rec.NextAttemptAt, rec.MessageID = v1.TouchSent, &at, nil, o.MessageID
		rec.WhatsAppID = o.WhatsAppID
	case TaskAssigned:
		rec.Result, rec.NextAttemptAt, rec.PerformedBy = v1.TouchTaskAssigned, nil, v1.PerformedByOwner
	case Deferred:
		retry := o.RetryAt
		if !retry.After(now) {
			retry = now.Add(time.Second)
		}
		rec.NextAttemptAt = metaTime(retry)
	case Transient:
		rec.Attempts++
		if limit := o.Retry.attempts(); rec.Attempts < limit {
			rec.NextAttemptAt = metaTime(now.Add(o.Retry.Wait(rec.Attempts)))
			rec.Message = truncate(fmt.Sprintf("%s (attempt %d of %d)", o.Message, rec.Attempts, limit), 512)
			return
		}
		if rec.PerformedBy == v1.PerformedByOwner {
			// The task stands even if the owner cannot be told; it is shown in their queue.
			rec.Result, rec.NextAttemptAt = v1.TouchTaskAssigned, nil
			rec.Message = truncate("assigned, but the owner could not be told: "+o.Message, 512)
			return
		}
		fallthrough
	case Permanent:
		addFailed(rec, rec.Channel)
		rec.Attempts, rec.NextAttemptAt = 0, nil
	case Unrenderable:
		rec.Result, rec.NextAttemptAt = v1.TouchFailed, nil
	}
}

// addFailed notes a channel as failed for the touch once, within the list's bound.
func addFailed(rec *v1.TouchRecord, ch string) {
	if ch == "" {
		return
	}
	for _, f := range rec.FailedChannels {
		if f == ch {
			return
		}
	}
	if len(rec.FailedChannels) < 6 {
		rec.FailedChannels = append(rec.FailedChannels, ch)
	}
}
