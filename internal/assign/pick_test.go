package assign

import (
	"strings"
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// deal assigns n leads one after another, counting each pick, as the operator does.
func deal(reps []v1.Rep, strategy v1.AssignmentStrategy, loads map[string]Load, n int) string {
	var got []string
	for i := 0; i < n; i++ {
		name, ok := Pick(reps, strategy, loads, "")
		if !ok {
			got = append(got, "-")
			continue
		}
		l := loads[name]
		l.Open++
		l.Total++
		loads[name] = l
		got = append(got, name)
	}
	return strings.Join(got, " ")
}

func TestRoundRobinDealsInTurnAndSkipsUnavailableReps(t *testing.T) {
	reps := []v1.Rep{{Name: "anna", Capacity: 30}, {Name: "jonas", Capacity: 30}, {Name: "mei", Unavailable: true, Capacity: 30}}
	if got, want := deal(reps, v1.AssignRoundRobin, map[string]Load{}, 5), "anna jonas anna jonas anna"; got != want {
		t.Errorf("assignments %q, want %q", got, want)
	}
	// Closed leads free capacity but still count as dealt: the turn does not go back.
	loads := map[string]Load{"anna": {Open: 0, Total: 4}, "jonas": {Open: 3, Total: 3}}
	if got, _ := Pick(reps, v1.AssignRoundRobin, loads, ""); got != "jonas" {
		t.Errorf("round robin picked %s, want jonas (fewest dealt)", got)
	}
	if _, ok := Pick([]v1.Rep{{Name: "x", Unavailable: true, Capacity: 30}}, v1.AssignRoundRobin, nil, ""); ok {
		t.Error("assigned an unavailable rep")
	}
	if _, ok := Pick(nil, v1.AssignRoundRobin, nil, ""); ok {
		t.Error("assigned from no reps")
	}
}

func TestLeastLoadedRespectsCapacity(t *testing.T) {
	reps := []v1.Rep{{Name: "anna", Capacity: 2}, {Name: "jonas", Capacity: 1}, {Name: "mei", Capacity: 0}}
	if got, want := deal(reps, v1.AssignLeastLoaded, map[string]Load{}, 4), "anna jonas anna -"; got != want {
		t.Errorf("assignments %q, want %q", got, want)
	}
	// Round robin respects capacity too.
	if got, want := deal(reps, v1.AssignRoundRobin, map[string]Load{}, 4), "anna jonas anna -"; got != want {
		t.Errorf("round robin %q, want %q", got, want)
	}
}

func TestPickExcludesTheCurrentOwner(t *testing.T) {
	reps := []v1.Rep{{Name: "anna", Capacity: 30}, {Name: "jonas", Unavailable: true, Capacity: 30}, {Name: "mei", Capacity: 30}}
	if got, ok := Pick(reps, v1.AssignRoundRobin, nil, "anna"); !ok || got != "mei" {
		t.Errorf("Pick excluding anna = %q, %v; want mei", got, ok)
	}
	if _, ok := Pick([]v1.Rep{{Name: "anna", Capacity: 30}}, v1.AssignRoundRobin, nil, "anna"); ok {
		t.Error("reassigned to the same rep")
	}
}
