package cadence

import (
	"fmt"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// closeTasks marks each open task done by the first recorded call or message that
// answers it: one naming its touch key, or the first unclaimed one at or after the task
// was due.
func closeTasks(touches []v1.TouchRecord, entries []v1.InteractionEntry) {
	used := map[int]bool{}
	for i := range touches {
		t := &touches[i]
		if t.Result != v1.TouchTaskAssigned {
			continue
		}
		for j, in := range entries {
			if used[j] || !ourContact[in.Kind] {
				continue
			}
			if in.TouchKey == t.Key || (in.TouchKey == "" && !in.At.Before(&t.Due)) {
				used[j] = true
				at := in.At
				t.Result, t.PerformedAt, t.Message, t.TaskDeadline = v1.TouchDone, &at, string(in.Kind), nil
				break
			}
		}
	}
}

// overdueTask gives an open task its deadline (counted in the team's hours) and, once it
// passes, takes the step's next onTaskOverdue action. It reports whether the task was
// skipped, so the cadence moves on.
func (t *transition) overdueTask(tr *v1.TouchRecord, step v1.Step) (skipped bool) {
	window := DefaultTaskDeadline
	if step.TaskDeadline != nil {
		window = step.TaskDeadline.Duration
	}
	if tr.TaskDeadline == nil {
		tr.TaskDeadline = metaTime(t.team.Add(tr.Due.Time, window))
	}
	if until := snoozedUntil(t.entries, tr.Key); until.After(tr.TaskDeadline.Time) {
		tr.TaskDeadline = metaTime(until)
	}
	actions := step.OnTaskOverdue
	if len(actions) == 0 {
		actions = DefaultOverdueActions
	}
	if int(tr.OverdueActions) >= len(actions) {
		return false // every action taken: the task stays open, shown as overdue
	}
	if t.now.Before(tr.TaskDeadline.Time) {
		t.at(tr.TaskDeadline.Time)
		return false
	}
	action := actions[tr.OverdueActions]
	tr.OverdueActions++
	since := tr.TaskDeadline.UTC().Format(time.RFC3339)
	subject := fmt.Sprintf("%s/%d", tr.Key, tr.OverdueActions)
	switch action {
	case v1.OverdueRemind:
		t.notifyOwner(v1.NoticeTaskOverdue, subject, fmt.Sprintf("task %q is overdue since %s: perform it and record the outcome", tr.Step, since))
	case v1.OverdueEscalate:
		t.notifyTeamLead(v1.NoticeTaskEscalated, subject, fmt.Sprintf("task %q of %s is overdue since %s", tr.Step, t.st.Owner, since))
	case v1.OverdueReassign:
		from := t.st.Owner
		if t.reassign() {
			t.notifyOwner(v1.NoticeTaskReassigned, subject, fmt.Sprintf("task %q handed over from %s, overdue since %s", tr.Step, from, since))
		}
	case v1.OverdueSkip:
		tr.Result, tr.TaskDeadline = v1.TouchSkipped, nil
		tr.Message = fmt.Sprintf("task overdue since %s: skipped (onTaskOverdue)", since)
		return true
	}
	tr.TaskDeadline = metaTime(t.team.Add(t.now, window))
	if int(tr.OverdueActions) < len(actions) {
		t.at(tr.TaskDeadline.Time)
	}
	return false
}

// taskOverdue says whether the lead's open task is past its first deadline.
func (t *transition) taskOverdue() bool {
	for _, tr := range t.st.Touches {
		if tr.Result == v1.TouchTaskAssigned && (tr.OverdueActions > 0 || (tr.TaskDeadline != nil && !t.now.Before(tr.TaskDeadline.Time))) {
			return true
		}
	}
	return false
}

// SnoozeFor is how long a rep's snooze (a Snoozed interaction) puts a task off.
const SnoozeFor = time.Hour

// snoozedUntil is the end of the latest snooze of the task with this key: SnoozeFor
// after each Snoozed entry naming it. Zero when it was never snoozed.
func snoozedUntil(entries []v1.InteractionEntry, key string) time.Time {
	var until time.Time
	for _, in := range entries {
		if in.Kind == v1.InteractionSnoozed && in.TouchKey == key {
			if end := in.At.Add(SnoozeFor); end.After(until) {
				until = end
			}
		}
	}
	return until
}
