package cadence

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Event is a transition to announce.
type Event struct {
	Warning bool
	Reason  string
	Message string
}

// change is one transition found between two statuses; rank orders them, lowest first,
// to pick the event's reason.
type change struct {
	rank    int
	warning bool
	reason  string
	message string
}

// Announce sums up what changed between two statuses of a lead as one event (nil when
// nothing worth saying changed), so a reconcile emits at most one: the most important
// transition names it and the message lists them all. Messages carry step names,
// counts, channels and reps, never contact data.
func Announce(before, after *v1.LeadStatus) *Event {
	var cs []change
	add := func(rank int, warning bool, reason, format string, args ...any) {
		cs = append(cs, change{rank, warning, reason, fmt.Sprintf(format, args...)})
	}
	if a := meta.FindStatusCondition(after.Conditions, v1.ConditionStalled); a != nil {
		if b := meta.FindStatusCondition(before.Conditions, v1.ConditionStalled); b == nil || b.Reason != a.Reason || b.Message != a.Message {
			add(0, true, a.Reason, "%s", a.Message)
		}
	}
	touchChanges(before, after, add)
	templateHoldChanges(before, after, add)
	afterSalesChanges(before, after, add)
	noticeChanges(before, after, add)
	if b, a := before.FirstResponse.State, after.FirstResponse.State; a != b {
		switch a {
		case v1.SLAMet:
			add(80, false, v1.EventSLAMet, "first response %s", after.FirstResponse.Summary)
		case v1.SLABreached:
			add(1, true, v1.EventSLABreached, "first response %s", after.FirstResponse.Summary)
		}
	}
	if before.Phase != after.Phase {
		switch after.Phase {
		case v1.PhaseHandedOff:
			add(20, false, v1.EventHandedToHuman, "a reply asks for a human: automated touches stopped; %s", handOffNote(after))
		case v1.PhaseStopped:
			if meta.FindStatusCondition(after.Conditions, v1.ConditionSameCompany) == nil {
				add(21, false, v1.EventCadenceStopped, "cadence %s", after.Stage)
			}
		case v1.PhaseWon:
			add(22, false, v1.EventWon, "lead won")
		case v1.PhaseLost:
			add(22, false, v1.EventLost, "lead lost")
		case v1.PhaseOutOfOffice:
			add(25, false, v1.EventOutOfOffice, "an automatic reply is not a reply: %s", after.Stage)
		case v1.PhaseInCadence:
			switch before.Phase {
			case v1.PhaseOutOfOffice:
				add(26, false, v1.EventCadenceResumed, "back from out of office: %s", after.Stage)
			case v1.PhasePaused:
				add(26, false, v1.EventCadenceResumed, "the same-company pause is over: %s", after.Stage)
			}
		case v1.PhaseDormant, v1.PhaseFinished:
			if before.Phase != v1.PhaseDormant {
				add(30, false, v1.EventDormant, "no answer after the last step: %s", after.Stage)
			}
		}
	}
	if after.Reactivations > before.Reactivations {
		add(29, false, v1.EventReactivated, "reactivation %d started", after.Reactivations)
	}
	switch b, a := before.Owner, after.Owner; {
	case b == "" && a != "" && !newIntent(before, after):
		// With the first touch's intent in the same write, the touch's own event names
		// the owner: one event per automated touch, not two.
		add(90, false, v1.EventOwnerAssigned, "owner %s", a)
	case b != "" && a != b:
		add(40, false, v1.EventReassigned, "reassigned from %s to %s", b, a)
	}
	if a := meta.FindStatusCondition(after.Conditions, v1.ConditionAssigned); a != nil && meta.FindStatusCondition(before.Conditions, v1.ConditionAssigned) == nil {
		add(15, true, v1.EventNoRepAvailable, "%s", a.Message)
	}
	if a := meta.FindStatusCondition(after.Conditions, v1.ConditionSameCompany); a != nil &&
		meta.FindStatusCondition(before.Conditions, v1.ConditionSameCompany) == nil {
		reason := v1.EventSameCompanyPaused
		if after.Phase == v1.PhaseStopped {
			reason = v1.EventSameCompanyStopped
		}
		add(19, false, reason, "%s", a.Message)
	}
	if a := meta.FindStatusCondition(after.Conditions, v1.ConditionTranslationMissing); a != nil &&
		meta.FindStatusCondition(before.Conditions, v1.ConditionTranslationMissing) == nil {
		add(48, true, v1.EventTranslationMissing, "%s", a.Message)
	}
	if len(cs) == 0 {
		return nil
	}
	best := cs[0]
	var msgs []string
	warning := false
	for _, c := range cs {
		if c.rank < best.rank {
			best = c
		}
		warning = warning || c.warning
		msgs = append(msgs, c.message)
	}
	return &Event{Warning: warning, Reason: best.reason, Message: truncate(strings.Join(msgs, "; "), 1024)}
}

func touchChanges(before, after *v1.LeadStatus, add func(int, bool, string, string, ...any)) {
	prev := make(map[string]v1.TouchRecord, len(before.Touches))
	for _, t := range before.Touches {
		prev[t.Key] = t
	}
	for _, t := range after.Touches {
		p, known := prev[t.Key]
		if known && p.Result == t.Result && p.Attempts == t.Attempts && len(p.FailedChannels) == len(t.FailedChannels) {
			continue
		}
		name := fmt.Sprintf("touch %d/%s", t.Number, t.Step)
		switch t.Result {
		case v1.TouchSent:
			add(50, false, v1.EventTouchPerformed, "%s sent via %s%s", name, t.Channel, ownerNote(t, after))
		case v1.TouchTaskAssigned:
			add(51, false, v1.EventTaskAssigned, "%s assigned to %s", name, orNobody(after.Owner))
		case v1.TouchDone:
			add(52, false, v1.EventTouchPerformed, "%s done: %s", name, t.Message)
		case v1.TouchFailed:
			reason := v1.EventTouchFailed
			if strings.HasPrefix(t.Message, "template ") {
				reason = v1.EventTemplateFailed
			}
			add(2, true, reason, "%s failed: %s%s", name, t.Message, ownerNote(t, after))
		case v1.TouchSkipped:
			switch {
			case strings.Contains(t.Message, "overdue"):
				add(35, true, v1.EventTaskSkipped, "%s %s", name, t.Message)
			case ownerNote(t, after) != "":
				add(53, false, v1.EventOwnerAssigned, "%s skipped: %s%s", name, t.Message, ownerNote(t, after))
			}
		case v1.TouchPending:
			if t.Attempts > p.Attempts || len(t.FailedChannels) > len(p.FailedChannels) {
				add(60, true, v1.EventTouchRetry, "%s via %s: %s", name, orNobody(t.Channel), t.Message)
			}
		}
	}
}

func noticeChanges(before, after *v1.LeadStatus, add func(int, bool, string, string, ...any)) {
	prev := make(map[string]v1.NoticeResult, len(before.Notices))
	for _, n := range before.Notices {
		prev[n.Key] = n.Result
	}
	for _, n := range after.Notices {
		if prev[n.Key] == n.Result {
			continue
		}
		switch n.Result {
		case v1.NoticeSent:
			add(70, false, v1.EventNoticeSent, "%s notice to %s sent via %s", n.Reason, n.Recipient, n.Channel)
		case v1.NoticeFailed:
			add(45, true, v1.EventNoticeFailed, "%s notice to %s not delivered: %s", n.Reason, n.Recipient, n.Message)
		case v1.NoticePending:
			if n.Reason == v1.NoticeTaskOverdue || n.Reason == v1.NoticeTaskEscalated || n.Reason == v1.NoticeTaskReassigned {
				add(36, true, v1.EventTaskOverdue, "%s", n.Message)
			}
		}
	}
}

// handOffNote says truthfully whether the owner is being told about a hand-over.
func handOffNote(st *v1.LeadStatus) string {
	for _, n := range st.Notices {
		if n.Reason != v1.NoticeHandedToHuman {
			continue
		}
		switch n.Result {
		case v1.NoticeFailed:
			return fmt.Sprintf("owner %s NOT told: %s", n.Recipient, n.Message)
		case v1.NoticeSent:
			return fmt.Sprintf("owner %s told via %s", n.Recipient, n.Channel)
		}
		return fmt.Sprintf("telling owner %s via %s", n.Recipient, n.Channel)
	}
	return "owner " + orNobody(st.Owner)
}

// firstTouch is the lead's very first touch (round 0, number 1): the owner assigned with
// its intent is named in the event of its result instead of an event of its own.
func firstTouch(t v1.TouchRecord) bool { return t.Round == 0 && t.Number == 1 }

// ownerNote names the owner in the first touch's result event.
func ownerNote(t v1.TouchRecord, after *v1.LeadStatus) string {
	if !firstTouch(t) || after.Owner == "" {
		return ""
	}
	return " (owner " + after.Owner + ")"
}

// newIntent says whether after records the first touch's intent, which before did not
// have: its result's event will name the owner.
func newIntent(before, after *v1.LeadStatus) bool {
	for _, t := range before.Touches {
		if firstTouch(t) {
			return false
		}
	}
	for _, t := range after.Touches {
		if firstTouch(t) && t.Result == v1.TouchPending {
			return true
		}
	}
	return false
}
