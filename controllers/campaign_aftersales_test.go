package controllers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestCampaignAfterSalesMeasures: the campaign controller shows the after-sales figures
// of its won leads in status.measures.afterSales, whatever their submission time: scores
// 10, 9 and 3 (two promoters, one detractor: NPS +33), one of three leads with a second
// order, and each question after the sale answered 90 minutes later.
func TestCampaignAfterSalesMeasures(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	now := time.Now().Truncate(time.Second)
	startCampaignController(t, now)
	for _, o := range []client.Object{
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
			Steps: []v1.Step{{Name: "call", PerformedBy: v1.PerformedByOwner, Channel: "tasks"}}}},
		&v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: ns}, Spec: v1.CampaignSpec{
			Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "21000000999"}, Policy: "p"}},
	} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	submitted := metav1.NewTime(now.Add(-60 * 24 * time.Hour)) // long outside the 7-day window
	wonAt := metav1.NewTime(now.Add(-30 * 24 * time.Hour))
	for i, score := range []int32{10, 9, 3} {
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("buyer-%d", i), Namespace: ns}, Spec: v1.LeadSpec{
			Contact: v1.Contact{Email: "buyer@example.com"}, Source: v1.LeadSource{Campaign: "shop", SubmittedAt: &submitted},
			Outcome: &v1.Outcome{Result: v1.OutcomeWon, At: wonAt}}}
		if err := k8s.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		orders := []string{fmt.Sprintf("SO-%d", i)}
		if i == 0 {
			orders = append(orders, "SO-9")
		}
		l.Status.AfterSales = &v1.AfterSalesStatus{Policy: "after-sales", Phase: v1.AfterSalesActive, Orders: orders, NPS: ptr.To(score)}
		l.Status.Interactions = []v1.InteractionEntry{
			{At: metav1.NewTime(wonAt.Add(time.Hour)), Kind: v1.InteractionReply},
			{At: metav1.NewTime(wonAt.Add(150 * time.Minute)), Kind: v1.InteractionMessageSent}}
		if err := k8s.Status().Update(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 30*time.Second, func() string {
		var c v1.Campaign
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "shop"}, &c); err != nil {
			return err.Error()
		}
		m := c.Status.Measures
		if m == nil || m.AfterSales == nil {
			return fmt.Sprintf("measures %+v", m)
		}
		a := *m.AfterSales
		if a.Leads != 3 || a.NPS == nil || *a.NPS != 33 || a.NPSResponses != 3 || a.RepeatPurchaseRate != "0.33" ||
			a.RepeatPurchases != 1 || a.MedianTimeToAnswer != "1h30m0s" || a.Answered != 3 {
			return fmt.Sprintf("after-sales %+v", a)
		}
		return ""
	})
}
