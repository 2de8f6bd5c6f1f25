package controllers

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/gather"
	"github.com/followup-io/followup-operator/internal/indexes"
)

// SetupWithManager watches leads (spec changes: our own status writes do not feed
// back; a new answer wakes the other leads of the same company), the policies and campaigns they follow, the Interactions recorded for them, and
// the sends that completed.
func (r *LeadReconciler) SetupWithManager(mgr ctrl.Manager, concurrency int) error {
	b := ctrl.NewControllerManagedBy(mgr).
		Named("lead").
		For(&v1.Lead{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1.FollowUpPolicy{}, handler.EnqueueRequestsFromMapFunc(r.leadsBy(indexes.LeadPolicy)),
			builder.WithPredicates(policyMattersToLeads)).
		Watches(&v1.Campaign{}, handler.EnqueueRequestsFromMapFunc(r.leadsBy(indexes.LeadCampaign)),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1.Interaction{}, handler.EnqueueRequestsFromMapFunc(interactionLead),
			builder.WithPredicates(predicate.Funcs{
				UpdateFunc: func(event.UpdateEvent) bool { return false },
				DeleteFunc: func(event.DeleteEvent) bool { return false }, // our own deletes
			})).
		Watches(&v1.Lead{}, handler.EnqueueRequestsFromMapFunc(r.colleagues), builder.WithPredicates(answered)).
		Watches(&v1.Channel{}, handler.EnqueueRequestsFromMapFunc(r.leadsOfChannel), builder.WithPredicates(TemplateHoldsChanged())).
		WatchesRawSource(source.Channel(r.Sends.wake, &handler.EnqueueRequestForObject{})).
		WatchesRawSource(source.Channel(r.Loads.freed, handler.EnqueueRequestsFromMapFunc(r.waitingLeads)))
	if concurrency > 0 {
		b = b.WithOptions(controller.Options{MaxConcurrentReconciles: concurrency})
	}
	return b.Complete(r)
}

// leadsBy finds the leads an object names through a field index: the leads of a policy
// that became ready or changed, the leads of a campaign whose reps changed.
func (r *LeadReconciler) leadsBy(index string) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		var list v1.LeadList
		if err := r.List(ctx, &list, client.InNamespace(o.GetNamespace()), client.MatchingFields{index: o.GetName()}); err != nil {
			log.FromContext(ctx).Error(err, "listing leads", "index", index)
			return nil
		}
		reqs := make([]reconcile.Request, 0, len(list.Items))
		for i := range list.Items {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&list.Items[i])})
		}
		return reqs
	}
}

// waitingLeads are the leads of a campaign that had no rep with room, when one frees up.
func (r *LeadReconciler) waitingLeads(_ context.Context, o client.Object) []reconcile.Request {
	var reqs []reconcile.Request
	for _, key := range r.Loads.Waiting(o.GetNamespace(), o.GetName()) {
		reqs = append(reqs, reconcile.Request{NamespacedName: key})
	}
	return reqs
}

// answered passes a lead update that adds a reply or a booked meeting: the other leads
// of its company may have to pause or stop (the policy's sameCompany rule).
var answered = predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	DeleteFunc:  func(event.DeleteEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
	UpdateFunc: func(e event.UpdateEvent) bool {
		o, okOld := e.ObjectOld.(*v1.Lead)
		n, okNew := e.ObjectNew.(*v1.Lead)
		return okOld && okNew && len(cadence.Answers(n)) > len(cadence.Answers(o))
	},
}

// colleagues are the other leads of a lead's company, through the company index.
func (r *LeadReconciler) colleagues(ctx context.Context, o client.Object) []reconcile.Request {
	leads, err := gather.SameCompany(ctx, r.Client, o.(*v1.Lead))
	if err != nil {
		log.FromContext(ctx).Error(err, "listing the leads of a company")
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(leads))
	for i := range leads {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&leads[i])})
	}
	return reqs
}

func interactionLead(_ context.Context, o client.Object) []reconcile.Request {
	in := o.(*v1.Interaction)
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: in.Namespace, Name: in.Spec.Lead}}}
}
