package controllers

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// readIsCurrent says whether the lead read from the cache is the stored version. A send
// that a status write precedes has the write's optimistic lock behind it; a send that
// none precedes (a touch at its rate-limit slot, a pending touch sent again after a
// restart) has only this: a cache behind a reply, a close or the touch's own recorded
// result must send nothing. It reads metadata only, one small GET per such send.
func (r *LeadReconciler) readIsCurrent(ctx context.Context, l *v1.Lead) (bool, error) {
	reader := r.APIReader
	if reader == nil {
		reader = r.Client
	}
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(v1.GroupVersion.WithKind("Lead"))
	if err := reader.Get(ctx, client.ObjectKeyFromObject(l), m); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	return m.ResourceVersion == l.ResourceVersion, nil
}
