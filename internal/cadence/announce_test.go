package cadence

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestOneEventPerAutomatedTouch: the write that assigns the owner together with the
// first touch's intent announces nothing of its own; the send's event names the owner.
// An owner assigned while no touch is due (a night lead) is still announced.
func TestOneEventPerAutomatedTouch(t *testing.T) {
	empty := &v1.LeadStatus{}
	intent := &v1.LeadStatus{Owner: "anna", Touches: []v1.TouchRecord{{Number: 1, Step: "introduce", Key: "k1",
		Channel: "email", Result: v1.TouchPending}}}
	if e := Announce(empty, intent); e != nil {
		t.Fatalf("owner with the first intent: want no event of its own, got %+v", e)
	}
	sent := intent.DeepCopy()
	at := metav1.Now()
	sent.Touches[0].Result, sent.Touches[0].PerformedAt = v1.TouchSent, &at
	e := Announce(intent, sent)
	if e == nil || e.Reason != v1.EventTouchPerformed || !strings.Contains(e.Message, "(owner anna)") {
		t.Fatalf("the send names the owner: %+v", e)
	}
	failed := intent.DeepCopy()
	failed.Touches[0].Result, failed.Touches[0].Message = v1.TouchFailed, "template intro: no such variable"
	if e := Announce(intent, failed); e == nil || !strings.Contains(e.Message, "(owner anna)") {
		t.Fatalf("a failed first touch names the owner too: %+v", e)
	}
	// An owner set together with a later touch's intent (a lead that waited for a rep)
	// is announced on its own: no later event would name it.
	later := &v1.LeadStatus{Touches: []v1.TouchRecord{{Number: 1, Key: "k1", Result: v1.TouchSent}}}
	withOwner := later.DeepCopy()
	withOwner.Owner = "jonas"
	withOwner.Touches = append(withOwner.Touches, v1.TouchRecord{Number: 2, Key: "k2", Channel: "email", Result: v1.TouchPending})
	if e := Announce(later, withOwner); e == nil || e.Reason != v1.EventOwnerAssigned {
		t.Fatalf("owner with a later intent: %+v", e)
	}
	waiting := &v1.LeadStatus{Owner: "anna"}
	if e := Announce(empty, waiting); e == nil || e.Reason != v1.EventOwnerAssigned {
		t.Fatalf("an owner with no touch due is announced: %+v", e)
	}
}
