package cadence

import (
	"fmt"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// SLA is the first-response state of a lead.
type SLA struct {
	Deadline    time.Time
	ContactedAt time.Time // zero until first contact
	State       v1.SLAState
	// Summary is stable between events (it never counts time live), so status is not
	// rewritten as the clock moves: "Met (14m)", "Breached (+5m)", "Breached (no contact)".
	Summary string
	// Message is for the condition: the deadline and how it was met or missed.
	Message string
	// TierNote is set when the lead's tier is not in the policy.
	TierNote string
}

// deadlineFor is the first-response window for a tier. An unknown tier gets the
// strictest window, so a typo never makes a lead wait longer.
func deadlineFor(p *v1.FollowUpPolicySpec, tier string) (time.Duration, string) {
	var strictest time.Duration
	for _, f := range p.FirstResponse {
		if f.Tier == tier {
			return f.Within.Duration, ""
		}
		if strictest == 0 || f.Within.Duration < strictest {
			strictest = f.Within.Duration
		}
	}
	if strictest == 0 {
		strictest = 24 * time.Hour
	}
	return strictest, fmt.Sprintf("tier %q is not in the policy; using the strictest deadline, %s", tier, short(strictest))
}

func firstResponse(p *v1.FollowUpPolicySpec, tier string, submitted, contacted, now time.Time) SLA {
	within, note := deadlineFor(p, tier)
	s := SLA{Deadline: submitted.Add(within), ContactedAt: contacted, TierNote: note}
	dl := s.Deadline.UTC().Format(time.RFC3339)
	switch {
	case !contacted.IsZero() && !contacted.After(s.Deadline):
		s.State = v1.SLAMet
		s.Summary = fmt.Sprintf("Met (%s)", short(contacted.Sub(submitted)))
		s.Message = fmt.Sprintf("first contact %s after submission, within the %s deadline (%s)", short(contacted.Sub(submitted)), short(within), dl)
	case !contacted.IsZero():
		s.State = v1.SLABreached
		s.Summary = fmt.Sprintf("Breached (+%s)", short(contacted.Sub(s.Deadline)))
		s.Message = fmt.Sprintf("first contact %s late: deadline was %s (%s after submission)", short(contacted.Sub(s.Deadline)), dl, short(within))
	case now.Before(s.Deadline):
		s.State = v1.SLAPending
		s.Summary = "Pending"
		s.Message = fmt.Sprintf("no contact yet; deadline %s (%s after submission)", dl, short(within))
	default:
		s.State = v1.SLABreached
		s.Summary = "Breached (no contact)"
		s.Message = fmt.Sprintf("no contact by the deadline %s (%s after submission)", dl, short(within))
	}
	return s
}

// short prints a duration the way people read it: 45s, 14m, 2h5m, 3d4h.
func short(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		h := int(d.Hours())
		if m := int(d.Minutes()) % 60; m != 0 {
			return fmt.Sprintf("%dh%dm", h, m)
		}
		return fmt.Sprintf("%dh", h)
	default:
		days := int(d.Hours()) / 24
		if h := int(d.Hours()) % 24; h != 0 {
			return fmt.Sprintf("%dd%dh", days, h)
		}
		return fmt.Sprintf("%dd", days)
	}
}
