package controllers

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/followup-io/followup-operator/internal/indexes"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// inbox is the lead's Interaction objects not yet folded into its status.
func (r *LeadReconciler) inbox(ctx context.Context, l *v1.Lead) ([]v1.Interaction, error) {
	var list v1.InteractionList
	if err := r.List(ctx, &list, client.InNamespace(l.Namespace), client.MatchingFields{indexes.InteractionLead: l.Name}); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// deleteFolded removes Interaction objects once the status write that holds them has
// landed. A failed delete is harmless: the object is folded again, and its id is
// recognised, on the next reconcile.
func (r *LeadReconciler) deleteFolded(ctx context.Context, l *v1.Lead, names []string) {
	for _, name := range names {
		obj := &v1.Interaction{}
		obj.Namespace, obj.Name = l.Namespace, name
		if err := r.Delete(ctx, obj); err != nil && !apierrors.IsNotFound(err) {
			log.FromContext(ctx).Error(err, "removing a folded interaction", "interaction", name)
		}
	}
}
