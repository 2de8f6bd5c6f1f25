package cadence

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// taskLead is a lead whose first step is a call task for anna, assigned on Monday at
// 09:00 Berlin, in a campaign where jonas can take it over.
func taskLead(t *testing.T, onOverdue []v1.TaskOverdueAction) (Input, Result) {
	t.Helper()
	p := industrial()
	p.Steps = []v1.Step{
		{Name: "call", PerformedBy: v1.PerformedByOwner, Channel: "tasks", TaskDeadline: dur("4h"), OnTaskOverdue: onOverdue},
		{Name: "follow-up", After: dur("24h"), Channel: "email", Template: "t", PerformedBy: v1.PerformedByAutomation},
	}
	p.Escalation = &v1.Escalation{OnBreach: &v1.BreachAction{Notify: "lead-chat"}}
	l := lead("Europe/Berlin", "standard", "2026-11-16T08:00:00Z")
	l.Spec.Owner = ""
	in := input(l, p, at("2026-11-16T08:00:00Z"))
	in.Reps = Reps{Campaign: "cnc", Count: 2, Chat: map[string]string{"anna": "anna-chat"}, Pick: pickFrom("anna", "jonas")}
	res := decide(t, in)
	if res.Touch == nil || res.Touch.Record.PerformedBy != v1.PerformedByOwner || res.Touch.Notify != "anna-chat" {
		t.Fatalf("task not due for anna: %+v", res.Touch)
	}
	res = send(t, in, res, TaskAssigned, "task for anna")
	if tr := l.Status.Touches[0]; tr.TaskDeadline == nil || !tr.TaskDeadline.Time.Equal(at("2026-11-16T12:00:00Z")) {
		t.Fatalf("task deadline %v, want 4 working hours later", tr.TaskDeadline)
	}
	if res.Status.NextTouchAt == nil || !res.Status.NextTouchAt.Time.Equal(at("2026-11-16T12:00:00Z")) || !res.NextAt.Equal(at("2026-11-16T12:00:00Z")) {
		t.Fatalf("next touch %v, wake %s: want the task deadline", res.Status.NextTouchAt, res.NextAt)
	}
	return in, res
}

// TestOverdueTaskLadder: a task nobody records climbs the step's ladder, one rung per
// deadline, each rung once: remind anna, escalate to the team lead, hand it to jonas,
// then skip it and go on.
func TestOverdueTaskLadder(t *testing.T) {
	in, res := taskLead(t, []v1.TaskOverdueAction{v1.OverdueRemind, v1.OverdueEscalate, v1.OverdueReassign, v1.OverdueSkip})
	l := in.Lead
	type rung struct {
		at, stage, owner string
		notice           v1.NoticeReason
		recipient, via   string
	}
	for i, r := range []rung{
		{"2026-11-16T12:00:00Z", "1/2 call (task overdue)", "anna", v1.NoticeTaskOverdue, "anna", "anna-chat"},
		{"2026-11-16T16:00:00Z", "1/2 call (task overdue)", "anna", v1.NoticeTaskEscalated, RecipientTeamLead, "lead-chat"},
		{"2026-11-17T11:00:00Z", "1/2 call (task overdue)", "jonas", v1.NoticeTaskReassigned, "jonas", ""},
	} {
		in.Now = at(r.at)
		if !res.NextAt.Equal(in.Now) {
			t.Fatalf("rung %d: lead wakes at %s, want %s", i+1, res.NextAt, in.Now)
		}
		res = decide(t, in)
		if len(res.Status.Notices) != i+1 {
			t.Fatalf("rung %d: %d notices, want %d: %+v", i+1, len(res.Status.Notices), i+1, res.Status.Notices)
		}
		n := res.Status.Notices[i]
		if n.Reason != r.notice || n.Recipient != r.recipient || n.Channel != r.via || res.Status.Stage != r.stage || res.Status.Owner != r.owner {
			t.Errorf("rung %d: notice %s to %s via %q, stage %q, owner %s", i+1, n.Reason, n.Recipient, n.Channel, res.Status.Stage, res.Status.Owner)
		}
		if r.via == "" && (n.Result != v1.NoticeFailed || len(res.Notices) != 0) {
			t.Errorf("rung %d: jonas has no channel; the notice must fail and say so, got %s", i+1, n.Result)
		}
		if r.via != "" && len(res.Notices) != 1 {
			t.Errorf("rung %d: %d notices due, want 1", i+1, len(res.Notices))
		}
		res = send(t, in, res, Sent, "")
		// Deciding again at the same instant repeats nothing.
		if again := decide(t, in); len(again.Notices) != 0 || len(again.Status.Notices) != i+1 {
			t.Fatalf("rung %d repeated: %+v", i+1, again.Status.Notices)
		}
	}
	// The last rung skips the task; the cadence goes on with the next step.
	in.Now = res.NextAt
	res = decide(t, in)
	if tr := l.Status.Touches[0]; tr.Result != v1.TouchSkipped || !strings.Contains(tr.Message, "overdue") {
		t.Fatalf("task after the last rung: %+v", tr)
	}
	if res.Status.Phase != v1.PhaseInCadence || res.Status.Stage != "2/2 follow-up" {
		t.Errorf("after the skip: phase %s stage %q", res.Status.Phase, res.Status.Stage)
	}
}

// TestRecordedCallClosesAnOverdueTask: the default ladder reminds, escalates and then
// leaves the task open as overdue; a recorded call closes it at any point.
func TestRecordedCallClosesAnOverdueTask(t *testing.T) {
	in, res := taskLead(t, nil)
	for _, ts := range []string{"2026-11-16T12:00:00Z", "2026-11-16T16:00:00Z"} {
		in.Now = at(ts)
		res = send(t, in, decide(t, in), Sent, "")
	}
	if !res.NextAt.IsZero() && res.NextAt.Before(at("2026-11-17T08:00:00Z")) {
		t.Errorf("after the default ladder the lead wakes at %s; nothing is left to do for the task", res.NextAt)
	}
	if res.Status.Stage != "1/2 call (task overdue)" || len(res.Status.Notices) != 2 {
		t.Fatalf("stage %q notices %+v", res.Status.Stage, res.Status.Notices)
	}
	in.Lead.Status.Interactions = []v1.InteractionEntry{{ID: "c", At: metav1.NewTime(at("2026-11-17T09:00:00Z")), Kind: v1.InteractionCallConnected,
		TouchKey: in.Lead.Status.Touches[0].Key}}
	in.Now = at("2026-11-17T09:00:00Z")
	res = decide(t, in)
	if tr := in.Lead.Status.Touches[0]; tr.Result != v1.TouchDone || tr.TaskDeadline != nil {
		t.Errorf("task = %+v, want done", tr)
	}
	if res.Status.Stage != "2/2 follow-up" {
		t.Errorf("stage %q", res.Status.Stage)
	}
	_ = time.Second
}

// TestSnoozePutsTheTaskOffAnHour: a rep snoozing the task at 11:30 moves its deadline
// from 12:00 to 12:30; the reminder comes then, not before.
func TestSnoozePutsTheTaskOffAnHour(t *testing.T) {
	in, res := taskLead(t, []v1.TaskOverdueAction{v1.OverdueRemind, v1.OverdueEscalate})
	in.Lead.Status.Interactions = []v1.InteractionEntry{{ID: "s", At: metav1.NewTime(at("2026-11-16T11:30:00Z")),
		Kind: v1.InteractionSnoozed, TouchKey: in.Lead.Status.Touches[0].Key}}
	in.Now = at("2026-11-16T11:30:00Z")
	res = decide(t, in)
	if !res.NextAt.Equal(at("2026-11-16T12:30:00Z")) || len(res.Notices) != 0 {
		t.Fatalf("after the snooze the lead wakes at %s with %d notices, want 12:30 and none", res.NextAt, len(res.Notices))
	}
	in.Now = at("2026-11-16T12:00:00Z")
	if res = decide(t, in); len(res.Notices) != 0 {
		t.Fatalf("reminded at the old deadline despite the snooze: %+v", res.Notices)
	}
	in.Now = at("2026-11-16T12:30:00Z")
	if res = decide(t, in); len(res.Notices) != 1 || res.Notices[0].Reason != v1.NoticeTaskOverdue {
		t.Fatalf("no reminder when the snooze ran out: %+v", res.Notices)
	}
	if tr := in.Lead.Status.Touches[0]; tr.Result != v1.TouchTaskAssigned {
		t.Errorf("a snooze closed the task: %+v", tr)
	}
}
