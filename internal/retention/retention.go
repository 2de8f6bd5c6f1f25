// Package retention decides when a lead leaves the cluster for the archive: a won or
// lost lead some time after its outcome, a lead dormant for good some time after it went
// dormant. Pure: the lead's phase and times and the clock in, a decision out; the
// retention controller performs it.
package retention

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Defaults: a month after a won/lost outcome, two months after final dormancy. Long
// enough for a rep to reopen a lead by mistake closed, short enough that etcd holds live
// work rather than years of closed deals.
const (
	DefaultClosedFor   = 30 * 24 * time.Hour
	DefaultFinishedFor = 60 * 24 * time.Hour
)

// Rule is a policy's retention with the defaults filled in.
type Rule struct {
	ClosedFor, FinishedFor time.Duration
	// Keep: never archive.
	Keep bool
}

// RuleOf reads a policy's spec.retention; nil (or no policy) is the defaults.
func RuleOf(r *v1.Retention) Rule {
	out := Rule{ClosedFor: DefaultClosedFor, FinishedFor: DefaultFinishedFor}
	if r == nil {
		return out
	}
	if r.ClosedFor != nil && r.ClosedFor.Duration > 0 {
		out.ClosedFor = r.ClosedFor.Duration
	}
	if r.FinishedFor != nil && r.FinishedFor.Duration > 0 {
		out.FinishedFor = r.FinishedFor.Duration
	}
	out.Keep = r.Keep
	return out
}

// Input is what the decision reads.
type Input struct {
	Now time.Time
	// Phase is status.phase.
	Phase v1.LeadPhase
	// OutcomeAt is spec.outcome.at (won or lost); nil without an outcome.
	OutcomeAt *time.Time
	// DormantSince is status.dormantSince; nil when never dormant.
	DormantSince *time.Time
	// Deleting: the lead already has a deletionTimestamp (someone else deletes it).
	Deleting bool
	Rule     Rule
	// AfterSalesLast is the latest after-sales activity of a won lead (an order event,
	// a touch performed, the hand-off); AfterSalesNext its next scheduled step. Zero
	// without an after-sales cadence.
	AfterSalesLast, AfterSalesNext time.Time
}

// InputOf reads a lead.
func InputOf(l *v1.Lead, rule Rule, now time.Time) Input {
	in := Input{Now: now, Phase: l.Status.Phase, Rule: rule, Deleting: !l.DeletionTimestamp.IsZero()}
	if o := l.Spec.Outcome; o != nil {
		t := o.At.Time
		in.OutcomeAt = &t
	}
	if d := l.Status.DormantSince; d != nil {
		t := d.Time
		in.DormantSince = &t
	}
	if as := l.Status.AfterSales; as != nil {
		for _, t := range []*metav1.Time{as.ConfirmedAt, as.ShippedAt, as.DeliveredAt, as.HandedOffAt} {
			if t != nil && t.Time.After(in.AfterSalesLast) {
				in.AfterSalesLast = t.Time
			}
		}
		for _, tr := range as.Touches {
			if tr.PerformedAt != nil && tr.PerformedAt.Time.After(in.AfterSalesLast) {
				in.AfterSalesLast = tr.PerformedAt.Time
			}
		}
		if n := as.NextTouchAt; n != nil && as.Phase == v1.AfterSalesActive {
			in.AfterSalesNext = n.Time
		}
	}
	return in
}

// Decision says whether to archive now, or when to look again.
type Decision struct {
	// Due: archive now.
	Due bool
	// At is when the lead becomes due; zero when it will not in its current phase (a
	// later change of phase wakes the controller again).
	At time.Time
	// Reason says why, for logs and tests (no contact data).
	Reason string
}

// Decide applies the rule. Only Won, Lost and Finished leads are ever archived: every
// other phase still has work for the cadence or a person.
func Decide(in Input) Decision {
	if in.Deleting {
		return Decision{Reason: "being deleted"}
	}
	if in.Rule.Keep {
		return Decision{Reason: "the policy keeps its leads"}
	}
	var since *time.Time
	var after time.Duration
	switch in.Phase {
	case v1.PhaseWon, v1.PhaseLost:
		since, after = in.OutcomeAt, in.Rule.ClosedFor
		// A won lead in its after-sales cadence stays until its next step is sent, and
		// closedFor after its latest after-sales activity.
		if since != nil && in.AfterSalesLast.After(*since) {
			since = &in.AfterSalesLast
		}
		// A step that is due is being sent (or waits for its retry or its template):
		// never archived from under it, looked at again a minute on.
		if next := in.AfterSalesNext; !next.IsZero() && since != nil && next.After(since.Add(after)) {
			return Decision{At: later(next, in.Now.Add(time.Minute)), Reason: fmt.Sprintf("%s; its after-sales step is due first", in.Phase)}
		}
		if next := in.AfterSalesNext; !next.IsZero() && !in.Now.Before(next) {
			return Decision{At: in.Now.Add(time.Minute), Reason: fmt.Sprintf("%s; its after-sales step is due", in.Phase)}
		}
	case v1.PhaseFinished:
		since, after = in.DormantSince, in.Rule.FinishedFor
	default:
		return Decision{Reason: fmt.Sprintf("phase %q is not closed", in.Phase)}
	}
	if since == nil || since.IsZero() {
		return Decision{Reason: fmt.Sprintf("phase %s without the time it began", in.Phase)}
	}
	at := since.Add(after)
	if in.Now.Before(at) {
		return Decision{At: at, Reason: fmt.Sprintf("%s; archived %s after", in.Phase, after)}
	}
	return Decision{Due: true, At: at, Reason: fmt.Sprintf("%s for %s (rule %s)", in.Phase, in.Now.Sub(*since).Round(time.Second), after)}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
