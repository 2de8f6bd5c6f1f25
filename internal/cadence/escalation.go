package cadence

import (
	"fmt"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// escalate climbs the policy's ladder around the first-response deadline while nobody
// has made contact, each rung once: a notice to the owner warnBefore the deadline, the
// team lead at the breach, reassignment at the breach or reassignAfter it.
func (t *transition) escalate() {
	st, fr := t.st, &t.st.FirstResponse
	if t.sla.State == v1.SLAPending {
		t.at(t.sla.Deadline)
	}
	e := t.in.Policy.Escalation
	if e == nil || !t.sig.firstContact.IsZero() || (st.Phase != v1.PhaseInCadence && st.Phase != v1.PhaseAwaitingTask) {
		return
	}
	deadline := t.sla.Deadline.UTC().Format(time.RFC3339)
	if e.WarnBefore != nil && !fr.Warned && t.sla.State == v1.SLAPending {
		if warnAt := t.sla.Deadline.Add(-e.WarnBefore.Duration); t.now.Before(warnAt) {
			t.at(warnAt)
		} else {
			fr.Warned = true
			t.notifyOwner(v1.NoticeSLAAtRisk, "sla", "no contact yet: the first-response deadline is "+deadline)
		}
	}
	if t.sla.State != v1.SLABreached {
		return
	}
	if !fr.Escalated {
		fr.Escalated = true
		if ob := e.OnBreach; ob != nil && ob.Notify != "" {
			t.notifyTeamLead(v1.NoticeSLABreached, "sla", fmt.Sprintf("owner %s made no contact by the first-response deadline %s", orNobody(st.Owner), deadline))
		}
	}
	at, ok := reassignAt(e, t.sla.Deadline)
	if !ok || fr.Reassigned {
		return
	}
	if t.now.Before(at) {
		t.at(at)
		return
	}
	fr.Reassigned = true
	from := st.Owner
	if t.reassign() {
		t.notifyOwner(v1.NoticeReassigned, "sla", fmt.Sprintf("lead reassigned to you from %s: no contact by the first-response deadline %s", orNobody(from), deadline))
	}
}

// reassignAt is when the ladder's reassignment rung is due, if the policy has one.
func reassignAt(e *v1.Escalation, deadline time.Time) (time.Time, bool) {
	switch {
	case e.ReassignAfter != nil:
		return deadline.Add(e.ReassignAfter.Duration), true
	case e.OnBreach != nil && e.OnBreach.Reassign:
		return deadline, true
	}
	return time.Time{}, false
}

// reassign gives the lead to another rep of its campaign, unless spec.owner pins it or
// nobody else has room.
func (t *transition) reassign() bool {
	if t.in.Lead.Spec.Owner != "" || t.in.Reps.Pick == nil {
		return false
	}
	rep, ok := t.in.Reps.Pick(t.st.Owner)
	if !ok || rep == t.st.Owner {
		return false
	}
	t.st.Owner = rep
	return true
}

// handOffNotice tells the owner, once, that the customer asked for a human.
func (t *transition) handOffNotice() {
	if t.st.Phase == v1.PhaseHandedOff && t.in.Lead.Status.HandedOffAt == nil {
		t.notifyOwner(v1.NoticeHandedToHuman, "handoff", "the customer asked for a human: follow up now")
	}
}

func orNobody(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
