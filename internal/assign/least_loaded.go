package assign

import (
	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// LeastLoaded picks the available rep with the fewest open leads who still has room
// (open < capacity; the CRD defaults capacity to 30, so 0 means the rep takes none).
// Ties go to the rep listed first, so the choice is stable. open maps rep name to its
// open-lead count; the caller counts the pick optimistically (open[name]++ in the same
// status update) so two leads created at once never both take the last slot.
// ok is false when no available rep has room: the lead stays unassigned.
func LeastLoaded(reps []v1.Rep, open map[string]int32) (name string, ok bool) {
	best := -1
	for i, r := range reps {
		if r.Unavailable || open[r.Name] >= r.Capacity {
			continue
		}
		if best < 0 || open[r.Name] < open[reps[best].Name] {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return reps[best].Name, true
}
