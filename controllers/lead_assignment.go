package controllers

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)


// reportAssignment says when no rep can take the lead (all unavailable or at capacity):
// an Assigned=False condition and one Warning event; the next reconcile tries again.
func (r *LeadReconciler) reportAssignment(l *v1.Lead, lc *leadContext, before *v1.LeadStatus) {
	if l.Status.Owner != "" || lc.campaign == nil || len(lc.campaign.Spec.Reps) == 0 {
		meta.RemoveStatusCondition(&l.Status.Conditions, v1.ConditionAssigned)
		return
	}
	msg := fmt.Sprintf("all %d reps of campaign %s are unavailable or at capacity", len(lc.campaign.Spec.Reps), lc.campaign.Name)
	meta.SetStatusCondition(&l.Status.Conditions, metav1.Condition{Type: v1.ConditionAssigned, Status: metav1.ConditionFalse,
		Reason: "NoRepAvailable", Message: msg, ObservedGeneration: l.Generation})
	if meta.FindStatusCondition(before.Conditions, v1.ConditionAssigned) == nil {
		r.Recorder.Eventf(l, nil, "Warning", "NoRepAvailable", "Assign", "%s", msg)
	}
}
