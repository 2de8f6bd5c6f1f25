// Package assign picks reps for leads. It has no Kubernetes client: the caller passes
// each rep's load, counted from the leads themselves.
package assign

import (
	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Load is what a rep holds in one campaign.
type Load struct {
	// Open leads take the rep's time: not closed, not finally dormant.
	Open int
	// Total leads ever given to the rep in this campaign.
	Total int
}

// Pick chooses a rep for a lead among the available reps with room (open < capacity;
// the CRD defaults capacity to 30, so 0 means the rep takes none), other than exclude:
//   - RoundRobin: the rep given the fewest leads so far, which deals leads out in turn
//     without a counter that a restart or a second writer could lose;
//   - LeastLoaded: the rep with the fewest open leads.
//
// Ties go to the rep listed first, so the choice is stable. ok is false when nobody
// has room: the lead stays unassigned.
func Pick(reps []v1.Rep, strategy v1.AssignmentStrategy, loads map[string]Load, exclude string) (name string, ok bool) {
	best := -1
	score := func(r v1.Rep) int {
		if strategy == v1.AssignLeastLoaded {
			return loads[r.Name].Open
		}
		return loads[r.Name].Total
	}
	for i, r := range reps {
		if r.Unavailable || r.Name == exclude || loads[r.Name].Open >= int(r.Capacity) {
			continue
		}
		if best < 0 || score(r) < score(reps[best]) {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return reps[best].Name, true
}
