package cadence

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/returning"
)

// plan finds where the lead is in its cadence and what comes next, and returns the touch
// due now. A touch that settles without being sent (failed everywhere, a task skipped)
// lets the cadence move on, so planning runs again, a bounded number of times.
func (t *transition) plan() *Touch {
	p, st, now := t.in.Policy, t.st, t.now
	st.DormantSince = nil
	for pass := 0; pass < 8; pass++ {
		round := st.Reactivations
		steps := stepsFor(p, round)
		mine := touchesOfRound(st.Touches, round)

		if n := len(mine); n > 0 {
			last := &st.Touches[mine[n-1]]
			idx := stepIndex(steps, last.Step, n-1)
			step := stepOr(steps, idx, last.Step)
			switch last.Result {
			case v1.TouchPending:
				t.position(v1.PhaseInCadence, round, idx, steps)
				st.NextTouchAt = metaTime(last.Due.Time)
				if at := last.NextAttemptAt; at != nil {
					st.NextTouchAt = metaTime(at.Time) // a retry or a rate-limit slot: when this attempt is due
				}
				if t.inFlight(last.Key) {
					return nil // its outcome wakes the lead
				}
				if at := last.NextAttemptAt; at != nil && now.Before(at.Time) {
					st.NextTouchAt = metaTime(at.Time)
					t.at(at.Time)
					t.queued = last.Message == SlotMessage // still shown as being sent
					return nil
				}
				if t.away.After(now) {
					return nil // held with its key until the contact is back
				}
				if t.templateHold(step, last.Channel, last.FailedChannels) {
					return nil // held with its key until Meta approves the template again
				}
				if touch := t.retry(last, step); touch != nil {
					return t.awaitSendTime(last, touch, &st.NextTouchAt, sendHours(step, t.customer))
				}
				continue // failed on every channel: the cadence moves on
			case v1.TouchTaskAssigned:
				if t.overdueTask(last, step) {
					continue // skipped by policy: the cadence moves on
				}
				t.position(v1.PhaseAwaitingTask, round, idx, steps)
				st.NextTouchAt = last.TaskDeadline
				return nil
			}
		}

		idx, base := 0, t.submitted
		if round > 0 {
			base = reactivationStart(p, st.Touches, round)
		}
		if n := len(mine); n > 0 {
			idx = resumeIndex(steps, st.Touches, mine)
			base = touchTime(st.Touches[mine[n-1]])
		}
		if idx >= len(steps) {
			// The round is over with no answer: dormant, then maybe one more round.
			st.DormantSince = metaTime(touchTime(st.Touches[mine[len(mine)-1]]))
			if round >= reactivations(p) {
				t.position(v1.PhaseFinished, round, -1, steps)
				st.NextTouchAt = nil
				return nil
			}
			wake := st.DormantSince.Add(dormantFor(p))
			if now.Before(wake) {
				t.position(v1.PhaseDormant, round, -1, steps)
				st.NextTouchAt = metaTime(wake)
				t.at(wake)
				return nil
			}
			round++
			st.Reactivations, st.DormantSince = round, nil
			steps, idx, base = stepsFor(p, round), 0, wake
		}

		step := steps[idx]
		var window *Schedule // Anytime: sent when due, day or night
		if step.SendWindow != v1.SendAnytime {
			window = t.customer
		}
		due := withinCaps(later(base.Add(stepDelay(step, idx)), t.away), touchedTimes(st.Touches), p.WeeklyCaps, t.submitted, window)
		if due.IsZero() {
			t.position(v1.PhaseFinished, round, -1, steps)
			st.NextTouchAt = nil
			t.finishedNote = "the weekly cap of the silent stage is 0: no further touch can be scheduled"
			return nil
		}
		if !due.After(now) && window != nil {
			// Late (a held template released at night, an operator that was down): the
			// touch still lands inside the customer's hours.
			if open := window.Next(now); open.After(now) {
				due = open
			}
		}
		t.position(v1.PhaseInCadence, round, idx, steps)
		st.NextTouchAt = metaTime(due)
		if due.After(now) {
			t.at(due)
			return nil
		}
		if t.templateHold(step, "", nil) {
			return nil // no intent while held: the step waits for the template
		}
		number := int32(1)
		if n := len(st.Touches); n > 0 {
			number = st.Touches[n-1].Number + 1
		}
		// A returning contact's first touch greets them with the policy's welcome-back
		// template (status.returningContact is set before the first transition).
		template := returning.FirstTemplate(p.ReturningContact, st, round, number, step.Template)
		rec := v1.TouchRecord{Number: number, Round: round, Step: step.Name, Template: template,
			Due: metav1.NewTime(due), Result: v1.TouchPending, Key: Key(string(t.in.Lead.UID), t.in.Revision, round, number),
			PerformedBy: v1.PerformedByAutomation}
		if template == step.Template { // a welcome-back greeting is no experiment's arm
			chooseVariant(&rec, step, string(t.in.Lead.UID))
		}
		chooseLanguage(&rec, p, t.in.Lead)
		st.Touches = append(st.Touches, rec)
		if touch := t.retry(&st.Touches[len(st.Touches)-1], step); touch != nil {
			touch.Retry = false
			return t.awaitSendTime(&st.Touches[len(st.Touches)-1], touch, &st.NextTouchAt, window)
		}
	}
	return nil
}

// position records where the lead stands; idx -1 is no step (dormant, finished).
func (t *transition) position(phase v1.LeadPhase, round int32, idx int, steps []v1.Step) {
	st := t.st
	st.Phase, st.Round, st.Steps, st.Step = phase, round, int32(len(steps)), int32(idx+1)
	if phase == v1.PhaseDormant || phase == v1.PhaseFinished {
		st.Step = 0
	}
	t.stepNames = steps
}

// retry readies a touch whose intent is recorded (or just made) for sending on the first
// channel that can still deliver it. With none left, the touch becomes a task for the
// owner, or, when the lead has no owner, fails: it returns nil and the cadence moves on.
func (t *transition) retry(rec *v1.TouchRecord, step v1.Step) *Touch {
	owner := t.st.Owner
	if step.PerformedBy == v1.PerformedByOwner || rec.PerformedBy == v1.PerformedByOwner {
		if owner == "" {
			t.fail(rec, "no owner to perform the task: set spec.owner or give the lead's campaign reps")
			return nil
		}
		if step.PerformedBy == v1.PerformedByOwner && rec.Channel == "" {
			rec.Channel = step.Channel
		}
		rec.PerformedBy = v1.PerformedByOwner
		return &Touch{Record: *rec, Step: step, Notify: t.ownerChannel(owner, rec.Channel), Retry: true}
	}
	if ch := t.chooseChannel(step, rec.FailedChannels); ch != "" {
		rec.Channel = ch
		if t.in.Channels[ch].Type == v1.ChannelTask {
			rec.PerformedBy = v1.PerformedByOwner
			return &Touch{Record: *rec, Step: step, Notify: t.ownerChannel(owner, ch), Retry: true}
		}
		return &Touch{Record: *rec, Step: step, Retry: true}
	}
	tried := append([]string{step.Channel}, step.Fallback...)
	if owner == "" {
		t.fail(rec, fmt.Sprintf("no channel could deliver (%s) and the lead has no owner", joinNames(tried)))
		return nil
	}
	// Nothing is silently dropped: the owner gets it as a task.
	rec.PerformedBy, rec.Channel, rec.NextAttemptAt = v1.PerformedByOwner, "", nil
	rec.Message = fmt.Sprintf("no channel could deliver (%s): a task for the owner instead", joinNames(tried))
	return &Touch{Record: *rec, Step: step, Notify: t.ownerChannel(owner, ""), Retry: true}
}

// fail settles a touch as failed; planning goes on from its due time.
func (t *transition) fail(rec *v1.TouchRecord, why string) {
	rec.Result, rec.Message, rec.NextAttemptAt = v1.TouchFailed, why, nil
}

// stepsFor is the step list of a round: the cadence, then the reactivation steps (or
// the last cadence step again, at once, when the policy names none).
func stepsFor(p *v1.FollowUpPolicySpec, round int32) []v1.Step {
	if round == 0 {
		return p.Steps
	}
	if len(p.AfterLastStep.Reactivation) > 0 {
		return p.AfterLastStep.Reactivation
	}
	last := p.Steps[len(p.Steps)-1]
	last.After = &metav1.Duration{}
	return []v1.Step{last}
}

// stepIndex finds a recorded step in the current list by name; a step that no longer
// exists is shown at its old position.
func stepIndex(steps []v1.Step, name string, position int) int {
	for i, s := range steps {
		if s.Name == name {
			return i
		}
	}
	return min(position, len(steps)-1)
}

// resumeIndex is the step after the latest touch of the round whose step still exists
// in the policy: progress is kept by step name across policy edits, and steps added
// before it are not sent retroactively. With no such touch the round starts over.
func resumeIndex(steps []v1.Step, touches []v1.TouchRecord, mine []int) int {
	for k := len(mine) - 1; k >= 0; k-- {
		for i, s := range steps {
			if s.Name == touches[mine[k]].Step {
				return i + 1
			}
		}
	}
	return 0
}

// stepOr is the step at idx if it still has the recorded name; a step removed from the
// policy while its touch was open is kept as a task so the rep can still close it.
func stepOr(steps []v1.Step, idx int, name string) v1.Step {
	if idx >= 0 && idx < len(steps) && steps[idx].Name == name {
		return steps[idx]
	}
	return v1.Step{Name: name, PerformedBy: v1.PerformedByOwner}
}

func touchesOfRound(touches []v1.TouchRecord, round int32) []int {
	var idx []int
	for i, t := range touches {
		if t.Round == round {
			idx = append(idx, i)
		}
	}
	return idx
}

// reactivationStart is when round r began: the end of round r-1 plus the dormancy.
func reactivationStart(p *v1.FollowUpPolicySpec, touches []v1.TouchRecord, round int32) time.Time {
	prev := touchesOfRound(touches, round-1)
	if len(prev) == 0 {
		return time.Time{}
	}
	return touchTime(touches[prev[len(prev)-1]]).Add(dormantFor(p))
}

// touchTime is when a touch happened: performed, or due when it never completed.
func touchTime(t v1.TouchRecord) time.Time {
	if t.PerformedAt != nil {
		return t.PerformedAt.Time
	}
	return t.Due.Time
}

// touchedTimes are the touches that count against weekly caps: every touch made or
// under way, not the skipped or failed ones.
func touchedTimes(touches []v1.TouchRecord) []time.Time {
	var out []time.Time
	for _, t := range touches {
		if t.Result != v1.TouchSkipped && t.Result != v1.TouchFailed {
			out = append(out, touchTime(t))
		}
	}
	return out
}

func stepDelay(s v1.Step, idx int) time.Duration {
	if s.After != nil {
		return s.After.Duration
	}
	if idx == 0 {
		return 0
	}
	return DefaultStepGap
}

func dormantFor(p *v1.FollowUpPolicySpec) time.Duration {
	if d := p.AfterLastStep.DormantFor; d != nil && d.Duration > 0 {
		return d.Duration
	}
	return DefaultDormantFor
}

func reactivations(p *v1.FollowUpPolicySpec) int32 {
	if r := p.AfterLastStep.Reactivations; r != nil {
		return *r
	}
	return DefaultReactivates
}
