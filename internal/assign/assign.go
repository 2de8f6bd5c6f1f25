// Package assign picks reps for leads. It has no Kubernetes client.
package assign

import (
	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// RoundRobin picks the first available rep at or after position next (wrapping) and
// returns it with the position to start from next time. ok is false when no rep is
// available.
func RoundRobin(reps []v1.Rep, next int32) (name string, after int32, ok bool) {
	n := int32(len(reps))
	for i := int32(0); i < n; i++ {
		k := (next%n + n + i) % n
		if !reps[k].Unavailable {
			return reps[k].Name, (k + 1) % n, true
		}
	}
	return "", next, false
}

// Other picks the next available rep after current in list order, for reassignment
// after a missed deadline. ok is false when nobody else is available.
func Other(reps []v1.Rep, current string) (string, bool) {
	start := int32(0)
	for i, r := range reps {
		if r.Name == current {
			start = int32(i) + 1
		}
	}
	name, _, ok := RoundRobin(reps, start)
	if !ok || name == current {
		return "", false
	}
	return name, true
}
