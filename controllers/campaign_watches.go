package controllers

import (
	"context"

	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/indexes"
)

// sameSourceHandler re-checks every campaign that shares (or shared) a platform campaign
// id with a campaign that was created, edited or deleted, so a conflict shows on both
// sides and clears on both when one side changes.
func (r *CampaignReconciler) sameSourceHandler() handler.EventHandler {
	enqueue := func(ctx context.Context, c client.Object, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		key := indexes.CampaignSourceKey(c.(*v1.Campaign))
		if key == "" {
			return
		}
		var list v1.CampaignList
		if err := r.List(ctx, &list, client.InNamespace(c.GetNamespace()), client.MatchingFields{indexes.CampaignSource: key}); err != nil {
			log.FromContext(ctx).Error(err, "listing campaigns by source")
			return
		}
		for i := range list.Items {
			if list.Items[i].Name != c.GetName() {
				q.Add(reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
			}
		}
	}
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, e.Object, q)
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			if e.ObjectOld.GetGeneration() == e.ObjectNew.GetGeneration() {
				return // a status write changes no claim
			}
			enqueue(ctx, e.ObjectOld, q)
			enqueue(ctx, e.ObjectNew, q)
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			enqueue(ctx, e.Object, q)
		},
	}
}

// campaignsForChat finds the campaigns whose reps chat in a channel.
func (r *CampaignReconciler) campaignsForChat(ctx context.Context, o client.Object) []reconcile.Request {
	var list v1.CampaignList
	if err := r.List(ctx, &list, client.InNamespace(o.GetNamespace()),
		client.MatchingFields{indexes.CampaignRepChat: o.GetName()}); err != nil {
		log.FromContext(ctx).Error(err, "listing campaigns for a chat channel")
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(list.Items))
	for i := range list.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
	}
	return reqs
}

// channelTypeChanged passes a channel created or deleted, or changing its type: all a
// campaign checks of its reps' chats.
func channelTypeChanged() predicate.Predicate {
	return predicate.Funcs{
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, ok1 := e.ObjectOld.(*v1.Channel)
			n, ok2 := e.ObjectNew.(*v1.Channel)
			return !ok1 || !ok2 || o.Spec.Type != n.Spec.Type
		},
	}
}
