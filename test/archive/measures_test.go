package archive_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/indexes"
)

// TestArchivingNeverChangesACampaignFigure: the campaign's status (measures, breakdowns,
// recommendations, rep loads) is the same before and after its closed leads leave the
// cluster, and while a lead sits in both stores after a crash.
func TestArchivingNeverChangesACampaignFigure(t *testing.T) {
	store, _ := newArchive(t)
	ns := newNamespace(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	clk := clocktesting.NewFakeClock(now)
	if err := k8s.Create(ctx, policy(ns, "p", nil)); err != nil {
		t.Fatal(err)
	}
	camp := &v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "cnc", Namespace: ns}, Spec: v1.CampaignSpec{
		Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "21000000123"}, Policy: "p", Reps: []v1.Rep{{Name: "anna"}},
		Spend:  &v1.Spend{Money: v1.Money{Amount: "9000", Currency: "EUR"}, Period: dur(30 * day)},
		Window: dur(90 * day)}}
	if err := k8s.Create(ctx, camp); err != nil {
		t.Fatal(err)
	}
	specs := []leadSpec{
		// Archived by the default rules:
		{name: "won-40d", keyword: "cnc laser", submitted: now.Add(-60 * day), phase: v1.PhaseWon, outcome: v1.OutcomeWon, closedAt: now.Add(-40 * day), touches: 3, replyQuality: 3, value: "12000"},
		{name: "lost-35d", keyword: "fiber laser", submitted: now.Add(-50 * day), phase: v1.PhaseLost, outcome: v1.OutcomeLost, closedAt: now.Add(-35 * day), touches: 2, replyQuality: 2},
		{name: "finished-70d", keyword: "cnc laser", submitted: now.Add(-85 * day), phase: v1.PhaseFinished, closedAt: now.Add(-70 * day), touches: 3},
		{name: "lost-95d", keyword: "fiber laser", submitted: now.Add(-100 * day), phase: v1.PhaseLost, outcome: v1.OutcomeLost, closedAt: now.Add(-95 * day), touches: 1},
		// Still live:
		{name: "won-5d", keyword: "cnc laser", submitted: now.Add(-20 * day), phase: v1.PhaseWon, outcome: v1.OutcomeWon, closedAt: now.Add(-5 * day), touches: 2, replyQuality: 1, value: "8000"},
		{name: "open-3d", keyword: "cnc laser", submitted: now.Add(-3 * day), phase: v1.PhaseInCadence, touches: 1},
		{name: "finished-10d", keyword: "fiber laser", submitted: now.Add(-30 * day), phase: v1.PhaseFinished, closedAt: now.Add(-10 * day), touches: 3},
	}
	var leads []*v1.Lead
	for _, s := range specs {
		s.campaign = "cnc"
		leads = append(leads, createLead(t, ns, s))
	}

	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}, Cache: cacheFor(ns)})
	if err != nil {
		t.Fatal(err)
	}
	if err := indexes.Setup(ctx, mgr.GetFieldIndexer()); err != nil {
		t.Fatal(err)
	}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(mctx) }()
	defer func() { cancel(); <-done }()
	cached := mgr.GetClient()
	waitForLeads := func(n int) {
		t.Helper()
		eventually(t, 10*time.Second, func() string {
			var list v1.LeadList
			if err := cached.List(ctx, &list, client.InNamespace(ns)); err != nil {
				return err.Error()
			}
			if len(list.Items) != n {
				return fmt.Sprintf("cache holds %d leads, want %d", len(list.Items), n)
			}
			return ""
		})
	}
	waitForLeads(len(leads))

	withArchive := &controllers.CampaignReconciler{Client: cached, Clock: clk, Archive: store}
	liveOnly := &controllers.CampaignReconciler{Client: cached, Clock: clk}
	measure := func(r *controllers.CampaignReconciler) v1.CampaignStatus {
		t.Helper()
		if _, err := r.Reconcile(ctx, ctrl.Request{NamespacedName: client.ObjectKeyFromObject(camp)}); err != nil {
			t.Fatal(err)
		}
		var c v1.Campaign
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(camp), &c); err != nil {
			t.Fatal(err)
		}
		return c.Status
	}
	before := measure(withArchive)
	if before.Measures == nil || before.Measures.Leads != 6 || before.Measures.Revenue != "20000.00 EUR" {
		t.Fatalf("fixture: want 6 leads in the 90-day window and 20000 EUR, got %+v", before.Measures)
	}

	ret := &controllers.RetentionReconciler{Client: k8s, APIReader: k8s, Archive: store, Clock: clk}
	for _, l := range leads {
		reconcile(t, ret, l)
	}
	if sz, _ := store.Size(ctx); sz.Leads != 4 {
		t.Fatalf("want 4 leads archived, got %d", sz.Leads)
	}
	waitForLeads(3)

	after := measure(withArchive)
	if !equality.Semantic.DeepEqual(before, after) {
		t.Fatalf("archiving changed the campaign's status:\nbefore %+v\n after %+v", before, after)
	}
	if got := measure(liveOnly); got.Measures.Leads == before.Measures.Leads {
		t.Fatalf("the comparison has no teeth: live leads alone still count %d", got.Measures.Leads)
	}

	// A lead written to the archive whose delete never happened (the operator died in
	// between) is in both stores: it still counts once.
	var live v1.Lead
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "won-5d"}, &live); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(ctx, archive.NewRecord(&live, nil), now); err != nil {
		t.Fatal(err)
	}
	if again := measure(withArchive); !equality.Semantic.DeepEqual(before, again) {
		t.Fatalf("a lead in both stores changed the figures:\nbefore %+v\n  then %+v", before.Measures, again.Measures)
	}
}
