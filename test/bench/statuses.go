package main

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// touchedStatus is what a lead's status looks like after its first automated touch,
// written by the bare ceiling in place of the operator: the same size of write.
func touchedStatus(gen int64, now time.Time) v1.LeadStatus {
	t := metav1.NewTime(now.UTC().Truncate(time.Second))
	next := metav1.NewTime(t.Add(36 * time.Hour))
	cond := func(typ string, s metav1.ConditionStatus, reason, msg string) metav1.Condition {
		return metav1.Condition{Type: typ, Status: s, Reason: reason, Message: msg, ObservedGeneration: gen, LastTransitionTime: t}
	}
	return v1.LeadStatus{ObservedGeneration: gen, Phase: v1.PhaseInCadence, Round: 0, Step: 2, Steps: 3,
		Stage: "2/3 send-catalog", Policy: "via-hook", StepsRevision: "5d41402abc4b", Owner: "rep-01",
		Touches:       []v1.TouchRecord{touch(1, t)},
		NextTouchAt:   &next,
		FirstResponse: v1.FirstResponseStatus{Deadline: &next, ContactedAt: &t, State: v1.SLAMet, Summary: "Met (0s)"},
		Conditions: []metav1.Condition{
			cond(v1.ConditionReady, metav1.ConditionTrue, "InCadence", "2/3 send-catalog"),
			cond(v1.ConditionFirstResponseSLA, metav1.ConditionTrue, v1.ReasonSLAMet, "first contact 0s after submission"),
			cond(v1.ConditionEngaged, metav1.ConditionFalse, v1.ReasonNoReply, "no reply; 0 delivered, 0 read"),
			cond(v1.ConditionDormant, metav1.ConditionFalse, v1.ReasonActive, "2/3 send-catalog"),
			cond(v1.ConditionClosed, metav1.ConditionFalse, v1.ReasonOpen, "lead is open"),
		}}
}

func touch(n int, at metav1.Time) v1.TouchRecord {
	return v1.TouchRecord{Number: int32(n), Step: "send-catalog", Channel: "email-eu", Template: "catalog", Due: at,
		PerformedAt: &at, Result: v1.TouchSent, Key: fmt.Sprintf("%016x", 0x5eed0000+n),
		MessageID: fmt.Sprintf("wamid.HBgLNDkxNTEyMzQ1Njc4FQIAERgSQjY%08dAA=", n)}
}

// interaction is one recorded event as a webhook would record it: ids of the length
// real providers use (a WhatsApp wamid), no text.
func interaction(i int, at metav1.Time) v1.InteractionEntry {
	kinds := []v1.InteractionKind{v1.InteractionDelivered, v1.InteractionRead, v1.InteractionReply, v1.InteractionNote}
	e := v1.InteractionEntry{At: at, Kind: kinds[i%len(kinds)], Medium: "WhatsApp", Direction: v1.Inbound,
		ID: fmt.Sprintf("wamid.HBgLNDkxNTEyMzQ1Njc4FQIAEhgUM0VCMDQ%08d", i), By: "whatsapp-webhook",
		TouchKey: fmt.Sprintf("%016x", 0x5eed0000+i%40)}
	if e.Kind == v1.InteractionReply {
		q := int32(1 + i%2)
		e.Quality = &q
	}
	if e.Kind == v1.InteractionDelivered || e.Kind == v1.InteractionRead {
		e.Direction = v1.Outbound
	}
	return e
}

func notice(i int, at metav1.Time) v1.NoticeRecord {
	return v1.NoticeRecord{Key: fmt.Sprintf("notice-%016x", i), Reason: v1.NoticeTaskOverdue, Recipient: "rep-01",
		Channel: "rep-chat", CreatedAt: at, SentAt: &at, Result: v1.NoticeSent,
		Message: "task for touch 3 (call-with-offer) is overdue since 2026-11-18T09:00:00Z"}
}
