package controllers

import (
	"context"

	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// statusWriter writes an object's status once at the end of a reconcile, and only if it
// changed (Flux's patch helper, reduced to what these controllers need). The write is an
// Update carrying the object's resourceVersion: a stale read conflicts instead of
// overwriting what another write just stored.
type statusWriter[T client.Object] struct {
	c      client.Client
	obj    T
	before client.Object
}

// newStatusWriter remembers obj as read.
func newStatusWriter[T client.Object](c client.Client, obj T) *statusWriter[T] {
	return &statusWriter[T]{c: c, obj: obj, before: obj.DeepCopyObject().(client.Object)}
}

// write stores the status if it changed; changed says whether it did.
func (w *statusWriter[T]) write(ctx context.Context) (changed bool, err error) {
	if equality.Semantic.DeepEqual(w.before, client.Object(w.obj)) {
		return false, nil
	}
	if err := w.c.Status().Update(ctx, w.obj); err != nil {
		return false, err
	}
	return true, nil
}
