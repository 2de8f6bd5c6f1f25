package main

import (
	"k8s.io/apimachinery/pkg/api/meta"
	toolscache "k8s.io/client-go/tools/cache"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// lastApplied is the annotation `kubectl apply` (client-side) keeps: a full JSON copy of
// the object as last applied, often as large as the spec itself.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// trimForCache drops, before an object enters the informer cache, what no controller
// reads: managedFields (typically a third of a lead's bytes, and a lead is the object
// there are 100k of) and the last-applied annotation. The cache then holds less per lead
// and every deep copy out of it is cheaper. A lead's repeated strings are shared besides
// (internLead): the same values, less memory.
//
// It is safe because the controllers write cached objects back only through the status
// subresource (the API server ignores metadata there) or as merge patches computed
// against the cached copy (a field missing from both sides is no change), and an update
// that carries no managedFields keeps the stored ones. A controller that ever sends a
// whole cached object back with Update must read it from the API reader instead, or the
// annotation would be lost.
var trimForCache toolscache.TransformFunc = func(in any) (any, error) {
	obj, err := meta.Accessor(in)
	if err != nil {
		// Tombstones (DeletedFinalStateUnknown) and other non-objects pass unchanged.
		return in, nil
	}
	obj.SetManagedFields(nil)
	if a := obj.GetAnnotations(); a != nil {
		if _, ok := a[lastApplied]; ok {
			trimmed := make(map[string]string, len(a)-1)
			for k, v := range a {
				if k != lastApplied {
					trimmed[k] = v
				}
			}
			if len(trimmed) == 0 {
				trimmed = nil
			}
			obj.SetAnnotations(trimmed)
		}
	}
	if l, ok := in.(*v1.Lead); ok {
		internLead(l)
	}
	return in, nil
}
