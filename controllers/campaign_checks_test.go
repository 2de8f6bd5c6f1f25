package controllers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func campaignReady(t *testing.T, ns, name string) string {
	t.Helper()
	var c v1.Campaign
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &c); err != nil {
		return err.Error()
	}
	r, s := condition(c.Status.Conditions, v1.ConditionReady), condition(c.Status.Conditions, v1.ConditionStalled)
	if r == nil || c.Status.ObservedGeneration != c.Generation {
		return "not observed"
	}
	out := fmt.Sprintf("%s/%s", r.Status, r.Reason)
	if s != nil {
		out += " Stalled=" + string(s.Status)
	}
	return out
}

func waitCampaign(t *testing.T, ns, name, want string) {
	t.Helper()
	eventually(t, 15*time.Second, func() string {
		if got := campaignReady(t, ns, name); got != want {
			return name + ": " + got + ", want " + want
		}
		return ""
	})
}

// TestCampaignConflictsShowAndClearOnBothSides: two Campaigns claiming one Google Ads
// campaign both say so, and both recover when one of them moves to another id; a rep's
// chat channel that appears later clears the campaign without an edit.
func TestCampaignConflictsShowAndClearOnBothSides(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	startCampaignController(t, time.Now())
	pol := policyWithChannel(ns, "email-eu")
	if err := k8s.Create(ctx, pol); err != nil {
		t.Fatal(err)
	}
	camp := func(name, id string) *v1.Campaign {
		return &v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1.CampaignSpec{
			Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: id}, Policy: pol.Name}}
	}
	a, b := camp("cnc-de", "21000000777"), camp("cnc-de-copy", "21000000777")
	for _, c := range []*v1.Campaign{a, b} {
		if err := k8s.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	waitCampaign(t, ns, "cnc-de", "False/DuplicateCampaignID Stalled=True")
	waitCampaign(t, ns, "cnc-de-copy", "False/DuplicateCampaignID Stalled=True")

	if err := k8s.Get(ctx, client.ObjectKeyFromObject(b), b); err != nil {
		t.Fatal(err)
	}
	b.Spec.Source.CampaignID = "21000000778"
	b.Spec.Reps = []v1.Rep{{Name: "anna", Chat: "anna-chat"}}
	if err := k8s.Update(ctx, b); err != nil {
		t.Fatal(err)
	}
	waitCampaign(t, ns, "cnc-de", "True/Measured")
	waitCampaign(t, ns, "cnc-de-copy", "False/ChatChannelNotFound Stalled=True")

	if err := k8s.Create(ctx, webhookChannel(ns, "anna-chat")); err != nil {
		t.Fatal(err)
	}
	waitCampaign(t, ns, "cnc-de-copy", "True/Measured")
	eventually(t, 5*time.Second, func() string {
		if n := len(eventsFor(t, a)[v1.ReasonDuplicateCampaignID]); n != 1 {
			return fmt.Sprintf("cnc-de: %d DuplicateCampaignID events, want 1", n)
		}
		return ""
	})
}
