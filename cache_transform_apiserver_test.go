package main

import (
	"context"
	"reflect"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/testenv"
)

// TestTransformedCacheWritesLoseNothing: a lead read from a cache with the operator's
// transform (managedFields and the last-applied annotation dropped, strings interned)
// and written back as the controllers do, a status Update of the whole cached object
// and a merge patch computed against it, loses nothing the API server stored.
func TestTransformedCacheWritesLoseNothing(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := env.Client

	at := metav1.NewTime(time.Now().UTC().Truncate(time.Second))
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "kept", Namespace: "default",
		Labels:      map[string]string{"followup.io/region": "eu"},
		Annotations: map[string]string{lastApplied: `{"spec":{"policy":"p"}}`, "team": "eu"}},
		Spec: v1.LeadSpec{Contact: v1.Contact{Name: "Contact", Email: "c@example.com", Country: "DE"}, Policy: "p",
			Source:       v1.LeadSource{Campaign: "cnc-eu", Keyword: "fiber laser"},
			Interactions: []v1.InteractionEntry{{At: at, Kind: v1.InteractionNote, ID: "import-1", By: "crm"}}}}
	if err := c.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	l.Status = v1.LeadStatus{Phase: v1.PhaseInCadence, Policy: "p", Stage: "touch 1/3 (intro)",
		Conditions: []metav1.Condition{{Type: v1.ConditionReady, Status: metav1.ConditionTrue, Reason: "InCadence",
			Message: "touch 1/3 (intro)", LastTransitionTime: at}},
		Touches: []v1.TouchRecord{{Number: 1, Step: "intro", Channel: "mail", Due: at, Result: v1.TouchSent, Key: "k1"}}}
	if err := c.Status().Update(ctx, l); err != nil {
		t.Fatal(err)
	}
	var stored v1.Lead
	if err := c.Get(ctx, client.ObjectKeyFromObject(l), &stored); err != nil {
		t.Fatal(err)
	}
	if len(stored.ManagedFields) == 0 {
		t.Fatal("the API server kept no managedFields; the test proves nothing")
	}

	ca, err := cache.New(env.Config, cache.Options{Scheme: env.Scheme, DefaultTransform: trimForCache})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ca.Start(ctx) }()
	if !ca.WaitForCacheSync(ctx) {
		t.Fatal("cache never synced")
	}
	var cached v1.Lead
	if err := ca.Get(ctx, client.ObjectKeyFromObject(l), &cached); err != nil {
		t.Fatal(err)
	}
	if cached.ManagedFields != nil || cached.Annotations[lastApplied] != "" {
		t.Fatalf("the transform did not run: %v %v", cached.ManagedFields, cached.Annotations)
	}

	// A status write of the whole cached lead, as the lead controller makes.
	cached.Status.Stage = "touch 2/3 (call)"
	if err := c.Status().Update(ctx, &cached); err != nil {
		t.Fatal(err)
	}
	// A merge patch of the metadata computed against the cached copy.
	base := cached.DeepCopy()
	cached.Labels["followup.io/source"] = "bench"
	if err := c.Patch(ctx, &cached, client.MergeFrom(base)); err != nil {
		t.Fatal(err)
	}

	var after v1.Lead
	if err := c.Get(ctx, client.ObjectKeyFromObject(l), &after); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after.Spec, stored.Spec) {
		t.Errorf("spec changed:\n%+v\nwas\n%+v", after.Spec, stored.Spec)
	}
	if !reflect.DeepEqual(after.Annotations, stored.Annotations) {
		t.Errorf("annotations %v, were %v", after.Annotations, stored.Annotations)
	}
	if len(after.ManagedFields) < len(stored.ManagedFields) {
		t.Errorf("managedFields lost: %d entries, were %d", len(after.ManagedFields), len(stored.ManagedFields))
	}
	want := stored.Status.DeepCopy()
	want.Stage = "touch 2/3 (call)"
	if !reflect.DeepEqual(after.Status, *want) {
		t.Errorf("status:\n%+v\nwant\n%+v", after.Status, *want)
	}
	if after.Labels["followup.io/source"] != "bench" || after.Labels["followup.io/region"] != "eu" {
		t.Errorf("labels %v", after.Labels)
	}
}
