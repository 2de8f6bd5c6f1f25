package main

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestTrimForCache(t *testing.T) {
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "a", Namespace: "ns",
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}},
		Annotations:   map[string]string{lastApplied: `{"spec":{}}`, "team": "eu"},
		Labels:        map[string]string{"followup.io/region": "eu"}}}
	out, err := trimForCache(l)
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*v1.Lead)
	if got.ManagedFields != nil {
		t.Errorf("managedFields kept: %v", got.ManagedFields)
	}
	if _, ok := got.Annotations[lastApplied]; ok || got.Annotations["team"] != "eu" {
		t.Errorf("annotations = %v, want only team", got.Annotations)
	}
	if got.Labels["followup.io/region"] != "eu" {
		t.Errorf("labels changed: %v", got.Labels)
	}

	only := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{lastApplied: "{}"}}}
	if out, _ := trimForCache(only); out.(*v1.Lead).Annotations != nil {
		t.Errorf("want no annotations left, got %v", out.(*v1.Lead).Annotations)
	}

	// A tombstone is not an object; it passes through untouched.
	tomb := toolscache.DeletedFinalStateUnknown{Key: "ns/a", Obj: l}
	if out, err := trimForCache(tomb); err != nil || out != any(tomb) {
		t.Errorf("tombstone: %v, %v", out, err)
	}
}
