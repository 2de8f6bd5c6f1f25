package cadence

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// setConditions writes the lead's conditions from its transition. Messages carry
// deadlines, counts and step names, never contact data.
func setConditions(st *v1.LeadStatus, gen int64, sla SLA, deliveryReason, deliveryProblem, finishedNote string, reps Reps, busy bool) {
	set := func(typ string, status metav1.ConditionStatus, reason, msg string) {
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: typ, Status: status, Reason: reason,
			Message: truncate(msg, 1024), ObservedGeneration: gen})
	}
	RemoveCondition(&st.Conditions, v1.ConditionStalled)
	if busy {
		msg := "sending: " + st.Stage
		set(v1.ConditionReconciling, metav1.ConditionTrue, v1.ReasonTouchInFlight, msg)
		set(v1.ConditionReady, metav1.ConditionFalse, v1.ReasonTouchInFlight, msg)
	} else {
		RemoveCondition(&st.Conditions, v1.ConditionReconciling)
		set(v1.ConditionReady, metav1.ConditionTrue, string(st.Phase), st.Stage)
	}

	msg := sla.Message
	switch sla.State {
	case v1.SLAMet:
		set(v1.ConditionFirstResponseSLA, metav1.ConditionTrue, v1.ReasonSLAMet, msg)
	case v1.SLABreached:
		set(v1.ConditionFirstResponseSLA, metav1.ConditionFalse, v1.ReasonSLABreached, msg)
	default:
		set(v1.ConditionFirstResponseSLA, metav1.ConditionUnknown, v1.ReasonSLAPending, msg)
	}

	en := st.Engagement
	if en.Replies > 0 {
		m := fmt.Sprintf("%d replies, %d turns, best quality %d", en.Replies, en.Turns, en.BestQuality)
		if en.CustomerInitiated {
			m += ", customer wrote first"
		}
		set(v1.ConditionEngaged, metav1.ConditionTrue, v1.ReasonReplied, m)
	} else {
		set(v1.ConditionEngaged, metav1.ConditionFalse, v1.ReasonNoReply, fmt.Sprintf("no reply; %d delivered, %d read", en.Delivered, en.Read))
	}

	switch {
	case st.Phase == v1.PhaseDormant:
		set(v1.ConditionDormant, metav1.ConditionTrue, v1.ReasonNoAnswer, "no answer after the last step; reactivation "+timeText(st.NextTouchAt))
	case st.Phase == v1.PhaseFinished && finishedNote != "":
		set(v1.ConditionDormant, metav1.ConditionTrue, v1.ReasonFinal, finishedNote)
	case st.Phase == v1.PhaseFinished:
		set(v1.ConditionDormant, metav1.ConditionTrue, v1.ReasonFinal, "no answer after the last step and the reactivations")
	default:
		set(v1.ConditionDormant, metav1.ConditionFalse, v1.ReasonActive, st.Stage)
	}

	if st.Phase.Closed() {
		set(v1.ConditionClosed, metav1.ConditionTrue, string(st.Phase), "lead closed as "+strings.ToLower(string(st.Phase)))
	} else {
		set(v1.ConditionClosed, metav1.ConditionFalse, v1.ReasonOpen, "lead is open")
	}

	if deliveryProblem != "" {
		set(v1.ConditionDelivering, metav1.ConditionFalse, deliveryReason, deliveryProblem)
	} else {
		set(v1.ConditionDelivering, metav1.ConditionTrue, v1.ReasonDelivering, "touches and notices are going out")
	}

	if st.Owner == "" && reps.Count > 0 {
		set(v1.ConditionAssigned, metav1.ConditionFalse, v1.ReasonNoRepAvailable,
			fmt.Sprintf("all %d reps of campaign %s are unavailable or at capacity", reps.Count, reps.Campaign))
	} else {
		RemoveCondition(&st.Conditions, v1.ConditionAssigned)
	}
}

// setValid says whether the lead's own spec holds what the engine had to work around.
func setValid(st *v1.LeadStatus, gen int64, problems []problem) {
	c := metav1.Condition{Type: v1.ConditionValid, Status: metav1.ConditionTrue, Reason: v1.ReasonValid,
		Message: "the lead's spec is complete and consistent", ObservedGeneration: gen}
	if len(problems) > 0 {
		var msgs []string
		for _, p := range problems {
			msgs = append(msgs, p.message)
		}
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, problems[0].reason, truncate(strings.Join(msgs, "; "), 1024)
	}
	meta.SetStatusCondition(&st.Conditions, c)
}

// Blocked marks a lead that cannot progress until someone fixes its configuration (a
// missing campaign or policy, a policy that is not ready, a bad time zone): Ready False,
// Stalled True, phase Blocked. What it had recorded is kept.
func Blocked(st *v1.LeadStatus, gen int64, reason, msg string) {
	st.Phase, st.Stage, st.ObservedGeneration = v1.PhaseBlocked, "blocked: "+msg, gen
	st.Stage = truncate(st.Stage, 200)
	for _, typ := range []string{v1.ConditionReady, v1.ConditionStalled} {
		status := metav1.ConditionFalse
		if typ == v1.ConditionStalled {
			status = metav1.ConditionTrue
		}
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: typ, Status: status, Reason: reason,
			Message: truncate(msg, 1024), ObservedGeneration: gen})
	}
	RemoveCondition(&st.Conditions, v1.ConditionReconciling)
}

// deliveryHealth says why the lead's touches or notices do not go out, if they do not:
// the last touch failed or is being retried, the channel of the next touch is not
// ready, a notice could not be delivered.
func (t *transition) deliveryHealth(due *Touch) {
	st := t.st
	for i := len(st.Notices) - 1; i >= 0; i-- {
		n := st.Notices[i]
		if n.Result == v1.NoticeFailed {
			t.deliveryReason, t.deliveryProblem = v1.ReasonNoticeUndeliverable, fmt.Sprintf("%s notice to %s: %s", n.Reason, n.Recipient, n.Message)
		}
		if n.Result != v1.NoticePending || n.Attempts > 0 {
			break // only the latest settled notice speaks
		}
	}
	if n := len(st.Touches); n > 0 {
		last := st.Touches[n-1]
		switch {
		case last.Result == v1.TouchFailed && strings.HasPrefix(last.Message, "template "):
			t.deliveryReason, t.deliveryProblem = v1.ReasonTemplateRenderFailed, fmt.Sprintf("touch %d (%s): %s", last.Number, last.Step, last.Message)
		case last.Result == v1.TouchFailed:
			t.deliveryReason, t.deliveryProblem = v1.ReasonChannelFailing, fmt.Sprintf("touch %d (%s) failed: %s", last.Number, last.Step, last.Message)
		case last.Result == v1.TouchPending && (last.Attempts > 0 || len(last.FailedChannels) > 0) && last.Message != "":
			t.deliveryReason, t.deliveryProblem = v1.ReasonChannelFailing, fmt.Sprintf("touch %d (%s) via %s: %s", last.Number, last.Step, last.Channel, last.Message)
		}
	}
	ch := ""
	switch {
	case due != nil:
		ch = due.Record.Channel
	case st.Phase == v1.PhaseInCadence && st.Step > 0 && int(st.Step) <= len(t.stepNames):
		ch = t.stepNames[st.Step-1].Channel
	}
	if c, ok := t.in.Channels[ch]; ok && ch != "" && !c.Ready && t.deliveryProblem == "" {
		t.deliveryReason, t.deliveryProblem = v1.ReasonChannelFailing, fmt.Sprintf("channel %s is not ready: %s", ch, c.Problem)
	}
}

func timeText(t *metav1.Time) string {
	if t == nil {
		return "none left"
	}
	return "at " + t.UTC().Format(time.RFC3339)
}

// RemoveCondition drops the condition of the type, as meta.RemoveStatusCondition does,
// but copies the list only when the condition is there: every transition removes
// conditions that are mostly absent, and the copy was a measurable share of a burst's
// allocations.
func RemoveCondition(conds *[]metav1.Condition, typ string) bool {
	i := slices.IndexFunc(*conds, func(c metav1.Condition) bool { return c.Type == typ })
	if i < 0 {
		return false
	}
	*conds = slices.Concat((*conds)[:i:i], (*conds)[i+1:])
	return true
}
