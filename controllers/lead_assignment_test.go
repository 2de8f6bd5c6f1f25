package controllers_test

import (
	"context"
	"fmt"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestLeastLoadedRespectsCapacity: reps take leads by load up to their capacity; when
// everyone is full the lead says so instead of silently going unowned.
func TestLeastLoadedRespectsCapacity(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	h.fixtures()
	ctx := context.Background()
	c := &v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "loaded", Namespace: h.ns}, Spec: v1.CampaignSpec{
		Source: v1.CampaignSource{Platform: "Web"}, Policy: "industrial", Assignment: v1.AssignLeastLoaded,
		Reps: []v1.Rep{{Name: "ana", Capacity: 1}, {Name: "ben", Capacity: 2}, {Name: "cy", Capacity: 5, Unavailable: true}}}}
	if err := k8s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	var owners []string
	var last *v1.Lead
	for i := 0; i < 4; i++ {
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("ll-%d", i), Namespace: h.ns}, Spec: v1.LeadSpec{
			Contact: v1.Contact{Email: "x@example.com"},
			Source:  v1.LeadSource{Campaign: "loaded", SubmittedAt: ptr.To(metav1.NewTime(start))}}}
		if err := k8s.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		h.poke(l)
		last = h.get(l)
		owners = append(owners, last.Status.Owner)
	}
	if fmt.Sprint(owners) != "[ana ben ben ]" {
		t.Errorf("owners %q, want ana, ben, ben, then none", owners)
	}
	if s := condText(last.Status.Conditions, v1.ConditionAssigned); s != "False/NoRepAvailable: all 3 reps of campaign loaded are unavailable or at capacity" {
		t.Errorf("Assigned = %s", s)
	}
	if loads := h.r.Loads.Loads(h.ns, "loaded"); fmt.Sprint(loads) != "map[ana:1 ben:2]" {
		t.Errorf("rep loads %v", loads)
	}
}

func condText(conds []metav1.Condition, typ string) string {
	c := condition(conds, typ)
	if c == nil {
		return "<none>"
	}
	return fmt.Sprintf("%s/%s: %s", c.Status, c.Reason, c.Message)
}

func objKey(ns, name string) types.NamespacedName {
	return types.NamespacedName{Namespace: ns, Name: name}
}
