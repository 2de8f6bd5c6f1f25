package cadence

import (
	"fmt"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// afterSalesChanges finds the after-sales transitions between two statuses: a step
// sent or failed, the hand-off to the owner, the cadence blocked. Step names, channels
// and reasons only, never contact data.
func afterSalesChanges(before, after *v1.LeadStatus, add func(int, bool, string, string, ...any)) {
	a := after.AfterSales
	if a == nil {
		return
	}
	b := before.AfterSales
	if b == nil {
		b = &v1.AfterSalesStatus{}
	}
	prev := make(map[string]v1.TouchResult, len(b.Touches))
	for _, t := range b.Touches {
		prev[t.Key] = t.Result
	}
	for _, t := range a.Touches {
		if prev[t.Key] == t.Result {
			continue
		}
		name := fmt.Sprintf("after-sales step %s", t.Step)
		switch t.Result {
		case v1.TouchSent:
			add(50, false, v1.EventAfterSalesTouch, "%s sent via %s", name, t.Channel)
		case v1.TouchFailed:
			add(2, true, v1.EventAfterSalesTouch, "%s failed: %s", name, t.Message)
		}
	}
	if a.Phase != b.Phase {
		switch a.Phase {
		case v1.AfterSalesHandedOff:
			add(20, false, v1.EventAfterSalesHandedOff, "after the sale: %s; the owner %s takes over, automated after-sales steps stopped",
				a.HandOffReason, orNobody(after.Owner))
		case v1.AfterSalesBlocked:
			add(3, true, v1.EventAfterSalesBlocked, "%s", a.Message)
		}
	}
}
