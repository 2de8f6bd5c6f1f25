package controllers_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
)

// TestNoRepTakesMoreThanItsCapacity runs every controller as the operator does (the lead
// controller assigning reps, the campaign controller recomputing rep loads for status)
// while 60 leads arrive at once into a campaign whose three reps take 5 leads each. No
// rep ever gets a sixth lead, exactly 15 are assigned, the others say why they wait, and
// the campaign shows the loads without ever having had them overwritten under a
// reservation.
func TestNoRepTakesMoreThanItsCapacity(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"},
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
		Cache:      cacheFor(ns)})
	if err != nil {
		t.Fatal(err)
	}
	if err := controllers.Setup(mgr, controllers.Options{Concurrency: 8}); err != nil {
		t.Fatal(err)
	}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(mctx) }()
	t.Cleanup(func() { cancel(); <-done })

	objs := []client.Object{
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "tasks", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelTask}},
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "calls", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
			Schedule: v1.Schedule{TimeZone: "UTC", BusinessHours: v1.BusinessHours{
				Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, From: "00:00", To: "24:00"}},
			Steps: []v1.Step{{Name: "call", PerformedBy: v1.PerformedByOwner, Channel: "tasks"}}}},
		&v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "busy", Namespace: ns}, Spec: v1.CampaignSpec{
			Source: v1.CampaignSource{Platform: "Web"}, Policy: "calls", Assignment: v1.AssignLeastLoaded,
			Reps: []v1.Rep{{Name: "ana", Capacity: 5}, {Name: "ben", Capacity: 5}, {Name: "cy", Capacity: 5}}}},
	}
	for _, o := range objs {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < 60; i += 6 {
				l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("burst-%02d", i), Namespace: ns}, Spec: v1.LeadSpec{
					Contact: v1.Contact{Email: fmt.Sprintf("b%d@example.com", i)}, Source: v1.LeadSource{Campaign: "busy"}}}
				if err := k8s.Create(ctx, l); err != nil {
					t.Error(err)
				}
			}
		}(w)
	}
	wg.Wait()

	var leads v1.LeadList
	eventually(t, 60*time.Second, func() string {
		if err := k8s.List(ctx, &leads, client.InNamespace(ns)); err != nil {
			return err.Error()
		}
		owners, waiting := map[string]int{}, 0
		for _, l := range leads.Items {
			switch {
			case l.Status.Owner != "":
				owners[l.Status.Owner]++
			case condition(l.Status.Conditions, v1.ConditionAssigned) != nil:
				waiting++
			}
		}
		for rep, n := range owners {
			if n > 5 {
				t.Fatalf("rep %s holds %d leads, capacity 5", rep, n)
			}
		}
		if owners["ana"]+owners["ben"]+owners["cy"] != 15 || waiting != 45 {
			return fmt.Sprintf("owners %v, %d waiting", owners, waiting)
		}
		var c v1.Campaign
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "busy"}, &c); err != nil {
			return err.Error()
		}
		if fmt.Sprint(c.Status.Reps) != "[{ana 5} {ben 5} {cy 5}]" {
			return fmt.Sprintf("campaign status reps %v", c.Status.Reps)
		}
		return ""
	})

	// A rep who closes a lead takes the next waiting one, without anyone's help.
	var first v1.Lead
	for _, l := range leads.Items {
		if l.Status.Owner == "ana" {
			first = l
			break
		}
	}
	first.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeLost, Reason: "price", At: metav1.Now()}
	if err := k8s.Update(ctx, &first); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() string {
		if err := k8s.List(ctx, &leads, client.InNamespace(ns)); err != nil {
			return err.Error()
		}
		ana := 0
		for _, l := range leads.Items {
			if l.Status.Owner == "ana" && l.Spec.Outcome == nil {
				ana++
			}
		}
		if ana != 5 {
			return fmt.Sprintf("ana holds %d open leads, want 5 again", ana)
		}
		return ""
	})
}

// cacheFor limits a test manager to one namespace, so it never acts on the leads other
// tests drive by hand.
func cacheFor(ns string) cache.Options {
	return cache.Options{DefaultNamespaces: map[string]cache.Config{ns: {}}}
}
