package cadence

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestRemoveCondition: only the named type goes, the list it came from is not changed
// under another holder, and an absent type costs no allocation.
func TestRemoveCondition(t *testing.T) {
	conds := []metav1.Condition{{Type: "Ready"}, {Type: "Reconciling"}, {Type: "Stalled"}}
	orig := conds
	if !RemoveCondition(&conds, "Reconciling") {
		t.Fatal("Reconciling not reported removed")
	}
	if len(conds) != 2 || conds[0].Type != "Ready" || conds[1].Type != "Stalled" {
		t.Fatalf("left %+v, want Ready and Stalled", conds)
	}
	if orig[1].Type != "Reconciling" {
		t.Errorf("the original list was changed: %+v", orig)
	}
	if RemoveCondition(&conds, "Reconciling") {
		t.Error("an absent type reported removed")
	}
	if n := testing.AllocsPerRun(100, func() { RemoveCondition(&conds, "Absent") }); n != 0 {
		t.Errorf("%v allocations to remove an absent condition, want 0", n)
	}
}
