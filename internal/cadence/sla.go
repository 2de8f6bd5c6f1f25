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
	Clock       v1.SLAClock
	// Summary is stable between events (it never counts time live), so status is not
	// rewritten as the clock moves: "Met (14m)", "Breached (+5m)", "Breached (no contact)".
	Summary string
	// Message is for the condition: the deadline and how it was met or missed.
	Message string
}

// target is the first-response target for a tier. An unknown tier gets the strictest
// window, so a typo never makes a lead wait longer.
func target(p *v1.FollowUpPolicySpec, tier string) (v1.FirstResponseTarget, string) {
	var strictest v1.FirstResponseTarget
	for _, f := range p.FirstResponse {
		if f.Tier == tier {
			return f, ""
		}
		if strictest.Within.Duration == 0 || f.Within.Duration < strictest.Within.Duration {
			strictest = f
		}
	}
	if strictest.Within.Duration == 0 {
		strictest.Within.Duration = 24 * time.Hour
	}
	return strictest, fmt.Sprintf("tier %q is not in the policy; using the strictest deadline, %s", tier, Short(strictest.Within.Duration))
}

// deadline is submission plus the window, counted on the target's clock: only the
// team's working hours (the default), or every hour.
func deadline(t v1.FirstResponseTarget, submitted time.Time, team *Schedule) (time.Time, v1.SLAClock) {
	if t.Clock == v1.ClockCalendar {
		return submitted.Add(t.Within.Duration), v1.ClockCalendar
	}
	return team.Add(submitted, t.Within.Duration), v1.ClockBusinessHours
}

func firstResponse(p *v1.FollowUpPolicySpec, tier string, submitted, contacted, now time.Time, team *Schedule) SLA {
	t, _ := target(p, tier) // an unknown tier is reported by the Valid condition
	within := t.Within.Duration
	s := SLA{ContactedAt: contacted}
	s.Deadline, s.Clock = deadline(t, submitted, team)
	counted := "counted in the team's working hours"
	if s.Clock == v1.ClockCalendar {
		counted = "counted around the clock"
	}
	dl := s.Deadline.UTC().Format(time.RFC3339)
	switch {
	case !contacted.IsZero() && !contacted.After(s.Deadline):
		s.State = v1.SLAMet
		s.Summary = fmt.Sprintf("Met (%s)", Short(contacted.Sub(submitted)))
		s.Message = fmt.Sprintf("first contact %s after submission, within the %s deadline %s (%s)", Short(contacted.Sub(submitted)), Short(within), counted, dl)
	case !contacted.IsZero():
		s.State = v1.SLABreached
		s.Summary = fmt.Sprintf("Breached (+%s)", Short(contacted.Sub(s.Deadline)))
		s.Message = fmt.Sprintf("first contact %s late: deadline was %s (%s %s)", Short(contacted.Sub(s.Deadline)), dl, Short(within), counted)
	case now.Before(s.Deadline):
		s.State = v1.SLAPending
		s.Summary = "Pending"
		s.Message = fmt.Sprintf("no contact yet; deadline %s (%s %s)", dl, Short(within), counted)
	default:
		s.State = v1.SLABreached
		s.Summary = "Breached (no contact)"
		s.Message = fmt.Sprintf("no contact by the deadline %s (%s %s)", dl, Short(within), counted)
	}
	return s
}

// Short prints a duration the way people read it: 45s, 14m, 2h5m, 3d4h.
func Short(d time.Duration) string {
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
