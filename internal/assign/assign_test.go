package assign

import (
	"strings"
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestRoundRobinSkipsUnavailableReps(t *testing.T) {
	reps := []v1.Rep{{Name: "anna"}, {Name: "jonas"}, {Name: "mei", Unavailable: true}}
	var got []string
	next := int32(0)
	for i := 0; i < 5; i++ {
		name, after, ok := RoundRobin(reps, next)
		if !ok {
			t.Fatal("no rep")
		}
		got = append(got, name)
		next = after
	}
	if want := "anna jonas anna jonas anna"; strings.Join(got, " ") != want {
		t.Errorf("assignments %q, want %q", strings.Join(got, " "), want)
	}
	if _, _, ok := RoundRobin([]v1.Rep{{Name: "x", Unavailable: true}}, 0); ok {
		t.Error("assigned an unavailable rep")
	}
	if _, _, ok := RoundRobin(nil, 0); ok {
		t.Error("assigned from no reps")
	}
}

func TestOtherForReassignment(t *testing.T) {
	reps := []v1.Rep{{Name: "anna"}, {Name: "jonas", Unavailable: true}, {Name: "mei"}}
	if got, ok := Other(reps, "anna"); !ok || got != "mei" {
		t.Errorf("Other(anna) = %q, %v; want mei", got, ok)
	}
	if got, ok := Other(reps, "mei"); !ok || got != "anna" {
		t.Errorf("Other(mei) = %q, %v; want anna", got, ok)
	}
	if _, ok := Other([]v1.Rep{{Name: "anna"}}, "anna"); ok {
		t.Error("reassigned to the same rep")
	}
}
