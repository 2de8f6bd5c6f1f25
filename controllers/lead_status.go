package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/log"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/assign"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
)

// setLeadConditions turns a decision into the lead's conditions. Messages carry
// deadlines, counts and step names, never contact data.
func setLeadConditions(st *v1.LeadStatus, gen int64, d cadence.Decision) {
	set := func(typ string, status metav1.ConditionStatus, reason, msg string) {
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: typ, Status: status, Reason: reason,
			Message: msg, ObservedGeneration: gen})
	}
	setReady(&st.Conditions, gen, true, string(d.Phase), d.Stage)

	sla := d.SLA
	msg := sla.Message
	if sla.TierNote != "" {
		msg += "; " + sla.TierNote
	}
	switch sla.State {
	case v1.SLAMet:
		set(v1.ConditionFirstResponseSLA, metav1.ConditionTrue, "Met", msg)
	case v1.SLABreached:
		set(v1.ConditionFirstResponseSLA, metav1.ConditionFalse, "Breached", msg)
	default:
		set(v1.ConditionFirstResponseSLA, metav1.ConditionUnknown, "Pending", msg)
	}

	en := d.Engagement
	if en.Replies > 0 {
		m := fmt.Sprintf("%d replies, %d turns, best quality %d", en.Replies, en.Turns, en.BestQuality)
		if en.CustomerInitiated {
			m += ", customer wrote first"
		}
		set(v1.ConditionEngaged, metav1.ConditionTrue, "Replied", m)
	} else {
		set(v1.ConditionEngaged, metav1.ConditionFalse, "NoReply", fmt.Sprintf("no reply; %d delivered, %d read", en.Delivered, en.Read))
	}

	switch d.Phase {
	case cadence.PhaseDormant:
		set(v1.ConditionDormant, metav1.ConditionTrue, "NoAnswer", "no answer after the last step; reactivation "+timeText(d.NextTouchAt))
	case cadence.PhaseFinished:
		set(v1.ConditionDormant, metav1.ConditionTrue, "Final", "no answer after the last step and the reactivations")
	default:
		set(v1.ConditionDormant, metav1.ConditionFalse, "Active", d.Stage)
	}

	switch d.Phase {
	case cadence.PhaseWon, cadence.PhaseLost:
		set(v1.ConditionClosed, metav1.ConditionTrue, string(d.Phase), "lead closed as "+strings.ToLower(string(d.Phase)))
	default:
		set(v1.ConditionClosed, metav1.ConditionFalse, "Open", "lead is open")
	}
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return "none left"
	}
	return "at " + t.UTC().Format(time.RFC3339)
}

// transitionEvents emits one event per transition between two statuses.
func (r *LeadReconciler) transitionEvents(ctx context.Context, l *v1.Lead, before *v1.LeadStatus, d *cadence.Decision) {
	after := &l.Status
	recordMetrics(l, before, after)
	emit := func(typ, reason, note string, args ...any) {
		r.Recorder.Eventf(l, nil, typ, reason, "Reconcile", note, args...)
	}
	if b, a := before.FirstResponse.State, after.FirstResponse.State; a != b {
		switch a {
		case v1.SLAMet:
			emit("Normal", "SLAMet", "first response %s", after.FirstResponse.Summary)
		case v1.SLABreached:
			emit("Warning", "SLABreached", "first response %s", after.FirstResponse.Summary)
		}
	}
	if d == nil {
		if c := meta.FindStatusCondition(after.Conditions, v1.ConditionStalled); c != nil && readyTransition(before.Conditions, after.Conditions) {
			emit("Warning", c.Reason, "%s", c.Message)
		}
		return
	}
	if before.DormantSince == nil && after.DormantSince != nil {
		emit("Normal", "Dormant", "no answer after the last step: %s", after.Stage)
	}
	if after.Reactivations > before.Reactivations {
		emit("Normal", "Reactivated", "reactivation %d started", after.Reactivations)
	}
	if before.HandedOffAt == nil && after.HandedOffAt != nil {
		emit("Normal", "HandedToHuman", "reply asks for a human: automated touches stopped, owner %s told", after.Owner)
		r.notifyOwner(ctx, l, "HandedToHuman", "a reply asks for a human: follow up now")
	}
	if before.Stage != after.Stage {
		switch d.Phase {
		case cadence.PhaseWon:
			emit("Normal", "Won", "lead won")
		case cadence.PhaseLost:
			emit("Normal", "Lost", "lead lost")
		case cadence.PhaseStopped:
			emit("Normal", "CadenceStopped", "cadence stopped: %s", d.Stop)
		}
	}
	if b, a := before.Owner, after.Owner; b == "" && a != "" {
		emit("Normal", "OwnerAssigned", "owner %s", a)
	}
}

// otherRep picks another available rep of the campaign.
func otherRep(c *v1.Campaign, current string) (string, bool) {
	return assign.Other(c.Spec.Reps, current)
}

func controllerOptions(concurrency int) controller.Options {
	return controller.Options{MaxConcurrentReconciles: concurrency}
}

// notifyOwner tells the lead's owner through their chat channel in the campaign, or the
// policy's first task channel. Notices are at-least-once; they carry no contact data.
func (r *LeadReconciler) notifyOwner(ctx context.Context, l *v1.Lead, reason, msg string) {
	n := dispatch.Notice{Lead: client.ObjectKeyFromObject(l), Owner: l.Status.Owner, Reason: reason, Message: msg}
	if err := r.Dispatcher.Notify(ctx, n); err != nil {
		log.FromContext(ctx).Error(err, "owner notice failed", "reason", reason)
	}
}
