// Package controllers holds the reconcilers: thin glue between the API server and the
// pure decision packages under internal/.
package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// setReady records a finished reconcile the way kstatus reads health: Ready says
// whether the object is usable; Reconciling is gone; Stalled is present only when the
// object cannot progress until someone changes it.
func setReady(conds *[]metav1.Condition, gen int64, ready bool, reason, msg string) {
	status := metav1.ConditionTrue
	if !ready {
		status = metav1.ConditionFalse
	}
	meta.SetStatusCondition(conds, metav1.Condition{Type: v1.ConditionReady, Status: status,
		Reason: reason, Message: msg, ObservedGeneration: gen})
	meta.RemoveStatusCondition(conds, v1.ConditionReconciling)
	if ready {
		meta.RemoveStatusCondition(conds, v1.ConditionStalled)
		return
	}
	meta.SetStatusCondition(conds, metav1.Condition{Type: v1.ConditionStalled, Status: metav1.ConditionTrue,
		Reason: reason, Message: msg, ObservedGeneration: gen})
}

// setReconciling marks work in progress that will finish without anyone's help.
func setReconciling(conds *[]metav1.Condition, gen int64, reason, msg string) {
	meta.SetStatusCondition(conds, metav1.Condition{Type: v1.ConditionReconciling, Status: metav1.ConditionTrue,
		Reason: reason, Message: msg, ObservedGeneration: gen})
	meta.SetStatusCondition(conds, metav1.Condition{Type: v1.ConditionReady, Status: metav1.ConditionFalse,
		Reason: reason, Message: msg, ObservedGeneration: gen})
	meta.RemoveStatusCondition(conds, v1.ConditionStalled)
}

// readyTransition says whether Ready changed between two condition lists, so events are
// emitted on transitions only.
func readyTransition(before, after []metav1.Condition) bool {
	b := meta.FindStatusCondition(before, v1.ConditionReady)
	a := meta.FindStatusCondition(after, v1.ConditionReady)
	if a == nil {
		return false
	}
	return b == nil || b.Status != a.Status || b.Reason != a.Reason || b.Message != a.Message
}
