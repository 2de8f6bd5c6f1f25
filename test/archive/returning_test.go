package archive_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/indexes"
)

// TestReturningContactFoundLiveAndArchived: a new lead of a known contact is linked to
// the most recent earlier lead, whether that one is still in the cluster or already in
// the archive, matched by email or by phone, within the policy's window.
func TestReturningContactFoundLiveAndArchived(t *testing.T) {
	store, _ := newArchive(t)
	ns := newNamespace(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)

	// Hanna's first lead, lost 50 days ago, is archived; her second, lost 20 days ago
	// and written from another address but the same phone, is still live.
	archived := createLead(t, ns, leadSpec{name: "hanna-1", email: "hanna@maszyny.pl", phone: "+48501234567",
		submitted: now.Add(-80 * day), phase: v1.PhaseLost, outcome: v1.OutcomeLost, closedAt: now.Add(-50 * day), touches: 3})
	var got v1.Lead
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(archived), &got); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(ctx, archive.NewRecord(&got, nil), now); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Delete(ctx, &got); err != nil {
		t.Fatal(err)
	}
	createLead(t, ns, leadSpec{name: "hanna-2", email: "h.kowalczyk@gmail.com", phone: "+48501234567",
		submitted: now.Add(-30 * day), phase: v1.PhaseLost, outcome: v1.OutcomeLost, closedAt: now.Add(-20 * day), touches: 2})
	// A colleague at the same company is somebody else.
	createLead(t, ns, leadSpec{name: "jan", email: "jan@maszyny.pl", submitted: now.Add(-5 * day), phase: v1.PhaseInCadence})

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
	live := mgr.GetClient()

	newLead := createLead(t, ns, leadSpec{name: "hanna-3", email: "HANNA@maszyny.pl", submitted: now, phase: v1.PhaseInCadence})
	eventually(t, 10*time.Second, func() string {
		var l v1.LeadList
		if err := live.List(ctx, &l, client.InNamespace(ns)); err != nil || len(l.Items) != 3 {
			return fmt.Sprintf("cache: %d leads %v", len(l.Items), err)
		}
		return ""
	})

	// By email only, the archived lead is the one: the live one has another address.
	link, err := controllers.ReturningContact(ctx, live, store, newLead, nil)
	if err != nil {
		t.Fatal(err)
	}
	if link == nil || link.PreviousLead != "hanna-1" || !link.Archived || link.MatchedBy != v1.MatchedByEmail ||
		link.PreviousPhase != v1.PhaseLost || link.EarlierLeads != 1 || !link.LastActiveAt.Time.Equal(now.Add(-50*day)) {
		t.Fatalf("link by email to the archived lead: %+v", link)
	}

	// With the phone number too, the live lead (active more recently) is the link and
	// both earlier leads count.
	withPhone := createLead(t, ns, leadSpec{name: "hanna-4", email: "hanna@maszyny.pl", phone: "+48501234567", submitted: now, phase: v1.PhaseInCadence})
	eventually(t, 10*time.Second, func() string {
		var l v1.LeadList
		_ = live.List(ctx, &l, client.InNamespace(ns))
		if len(l.Items) != 4 {
			return "cache behind"
		}
		return ""
	})
	link, err = controllers.ReturningContact(ctx, live, store, withPhone, nil)
	if err != nil {
		t.Fatal(err)
	}
	// hanna-3 came in at the same instant as hanna-4: not earlier, not counted.
	if link == nil || link.PreviousLead != "hanna-2" || link.Archived || link.MatchedBy != v1.MatchedByPhone || link.EarlierLeads != 2 {
		t.Fatalf("link by phone to the live lead: %+v", link)
	}

	// A policy window of 40 days leaves the archived lead (last active 50 days ago) out.
	link, _ = controllers.ReturningContact(ctx, live, store, newLead, &v1.ReturningContactPolicy{Within: dur(40 * day)})
	if link != nil {
		t.Fatalf("outside the window: %+v", link)
	}

	// Without an archive only live leads are found.
	link, _ = controllers.ReturningContact(ctx, live, nil, newLead, nil)
	if link != nil {
		t.Fatalf("no archive, no live lead with that address: %+v", link)
	}
}
