package cadence

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Defaults the API leaves to the engine because they depend on the step's position.
const (
	DefaultStepGap     = 36 * time.Hour  // between touches, inside the brief's 1-2 days
	DefaultDormantFor  = 720 * time.Hour // 30 days
	DefaultReactivates = 1
)

// Input is everything one decision needs.
type Input struct {
	Now      time.Time
	Policy   *v1.FollowUpPolicySpec
	Revision string
	Lead     *v1.Lead
	// Channels maps the namespace's channel names to their types. A step channel that
	// is missing here, or cannot reach the contact, is skipped for the next fallback.
	Channels map[string]v1.ChannelType
}

// Phase is where a lead stands.
type Phase string

// Phases.
const (
	PhaseSuspended    Phase = "Suspended"
	PhaseCadence      Phase = "InCadence"
	PhaseAwaitingTask Phase = "AwaitingTask"
	PhaseDormant      Phase = "Dormant"
	PhaseFinished     Phase = "Finished" // dormant with no reactivation left
	PhaseHandedOff    Phase = "HandedOff"
	PhaseStopped      Phase = "Stopped"
	PhaseWon          Phase = "Won"
	PhaseLost         Phase = "Lost"
)

// Touch is a touch to perform now.
type Touch struct {
	// Record is the touch as it goes into status (Result Pending: the intent).
	Record v1.TouchRecord
	// Step is the policy step, for the template.
	Step v1.Step
	// Retry is true when the intent was already recorded: send again with the same key.
	Retry bool
}

// Decision is what the engine concluded.
type Decision struct {
	Phase Phase
	Stop  v1.StopEvent
	Stage string

	// Due is a touch to perform now, or nil.
	Due *Touch
	// NextTouchAt is when the next touch is due (or the reactivation); zero if none.
	NextTouchAt time.Time
	// NextAt is the next instant at which anything in this decision changes: a touch,
	// a retry, a reactivation, an SLA warning or deadline. Always after Now, or zero.
	NextAt time.Time

	SLA      SLA
	Warn     bool // the first-response deadline is near: warn now
	Escalate bool // the first-response deadline passed: run the escalation now

	Engagement    v1.Engagement
	Touches       []v1.TouchRecord // status.touches with open tasks closed or skipped
	DormantSince  time.Time
	Reactivations int32
	HandedOffAt   time.Time
}

// Evaluate decides for one lead at in.Now. It reads only its input.
func Evaluate(in Input) (Decision, error) {
	p, lead, now := in.Policy, in.Lead, in.Now
	sched, err := NewSchedule(p.Schedule, lead.Spec.Contact.TimeZone)
	if err != nil {
		return Decision{}, err
	}
	submitted := SubmittedAt(lead)
	d := Decision{Touches: closeTasks(lead), Reactivations: lead.Status.Reactivations}

	view := lead.DeepCopy()
	view.Status.Touches = d.Touches
	sig := readSignals(view, p)
	d.Engagement = sig.engagement
	d.SLA = firstResponse(p, lead.Spec.Tier, submitted, sig.firstContact, now)
	fr := lead.Status.FirstResponse
	var warnAt time.Time
	if e := p.Escalation; e != nil && e.WarnBefore != nil && d.SLA.State == v1.SLAPending && !fr.Warned {
		warnAt = d.SLA.Deadline.Add(-e.WarnBefore.Duration)
		d.Warn = !now.Before(warnAt)
	}
	d.Escalate = d.SLA.State == v1.SLABreached && !fr.Escalated && sig.firstContact.IsZero()
	if lead.Status.HandedOffAt != nil {
		d.HandedOffAt = lead.Status.HandedOffAt.Time
	}

	// Closed, suspended and stopped leads get no touch; their SLA still moves on time.
	switch {
	case lead.Spec.Outcome != nil:
		d.Phase, d.Stage = PhaseLost, "lost"
		d.Stop = v1.StopLost
		if lead.Spec.Outcome.Result == v1.OutcomeWon {
			d.Phase, d.Stage, d.Stop = PhaseWon, "won", v1.StopWon
		}
		d.Escalate = false
		skipOpen(d.Touches, "lead closed")
		return d, nil
	case sig.handToHuman:
		d.Phase, d.Stage = PhaseHandedOff, "handed-off"
		if d.HandedOffAt.IsZero() {
			d.HandedOffAt = sig.handAt
		}
		skipOpen(d.Touches, "handed to the owner")
		return d, nil
	case sig.stop != "":
		d.Phase, d.Stop = PhaseStopped, sig.stop
		d.Stage = "stopped: " + strings.ToLower(string(sig.stop))
		skipOpen(d.Touches, "cadence stopped: "+string(sig.stop))
		return d, nil
	case lead.Spec.Suspend:
		d.Phase, d.Stage = PhaseSuspended, "suspended"
		d.NextAt = earliestAfter(now, slaTimes(d.SLA, warnAt, d.Warn)...)
		return d, nil
	}

	next := planCadence(in, sched, submitted, &d)
	d.NextAt = earliestAfter(now, append(slaTimes(d.SLA, warnAt, d.Warn), next)...)
	return d, nil
}

// planCadence finds where the lead is in its cadence and what comes next. It returns
// the instant the plan itself changes (a touch, retry or reactivation), or zero.
func planCadence(in Input, sched *Schedule, submitted time.Time, d *Decision) time.Time {
	p, lead, now := in.Policy, in.Lead, in.Now
	round := d.Reactivations
	steps := stepsFor(p, round)
	mine := touchesOfRound(d.Touches, round)

	if n := len(mine); n > 0 {
		last := d.Touches[mine[n-1]]
		idx := stepIndex(steps, last.Step, n-1)
		switch last.Result {
		case v1.TouchPending:
			d.Phase, d.Stage = PhaseCadence, stage(round, idx, steps)
			d.NextTouchAt = last.Due.Time
			if last.NextAttemptAt != nil && now.Before(last.NextAttemptAt.Time) {
				d.NextTouchAt = last.NextAttemptAt.Time
				return last.NextAttemptAt.Time
			}
			d.Due = retryTouch(in, last, stepOr(steps, idx, last.Step))
			return time.Time{}
		case v1.TouchTaskAssigned:
			d.Phase, d.Stage = PhaseAwaitingTask, stage(round, idx, steps)+" (task open)"
			d.NextTouchAt = last.Due.Time
			return time.Time{}
		}
	}

	idx, base := 0, submitted
	if round > 0 {
		base = reactivationStart(p, d.Touches, round)
	}
	if n := len(mine); n > 0 {
		idx = resumeIndex(steps, d.Touches, mine)
		base = touchTime(d.Touches[mine[n-1]])
	}
	if idx >= len(steps) {
		// The round is over with no answer: dormant, then maybe one more round.
		d.DormantSince = touchTime(d.Touches[mine[len(mine)-1]])
		if round >= reactivations(p) {
			d.Phase, d.Stage = PhaseFinished, "dormant (final)"
			return time.Time{}
		}
		wake := d.DormantSince.Add(dormantFor(p))
		if now.Before(wake) {
			d.Phase, d.Stage, d.NextTouchAt = PhaseDormant, "dormant", wake
			return wake
		}
		round++
		d.Reactivations = round
		steps, idx, base = stepsFor(p, round), 0, wake
	}

	step := steps[idx]
	due := withinCaps(base.Add(stepDelay(step, idx, round)), touchedTimes(d.Touches), p.WeeklyCaps, submitted, sched)
	if due.IsZero() {
		d.Phase, d.Stage = PhaseFinished, "dormant (weekly cap 0)"
		return time.Time{}
	}
	d.Phase, d.Stage, d.NextTouchAt = PhaseCadence, stage(round, idx, steps), due
	if due.After(now) {
		return due
	}
	number := int32(1)
	if n := len(d.Touches); n > 0 {
		number = d.Touches[n-1].Number + 1
	}
	rec := v1.TouchRecord{Number: number, Round: round, Step: step.Name, Template: step.Template,
		Due: metav1.NewTime(due), Result: v1.TouchPending, Key: Key(string(lead.UID), in.Revision, round, number)}
	rec.Channel, rec.PerformedBy = chooseChannel(step, lead.Spec.Contact, in.Channels, nil)
	d.Due = &Touch{Record: rec, Step: step}
	return time.Time{}
}

// retryTouch resends a touch whose intent is recorded, with the same key, on the first
// channel that has not failed for it.
func retryTouch(in Input, rec v1.TouchRecord, step v1.Step) *Touch {
	rec = *rec.DeepCopy()
	if rec.PerformedBy != v1.PerformedByOwner {
		rec.Channel, rec.PerformedBy = chooseChannel(step, in.Lead.Spec.Contact, in.Channels, rec.FailedChannels)
	}
	return &Touch{Record: rec, Step: step, Retry: true}
}

// chooseChannel picks the step's channel or the first usable fallback. With none left
// the touch becomes a task for the owner: nothing is silently dropped.
func chooseChannel(step v1.Step, c v1.Contact, channels map[string]v1.ChannelType, failed []string) (string, v1.PerformedBy) {
	if step.PerformedBy == v1.PerformedByOwner {
		return step.Channel, v1.PerformedByOwner
	}
	tried := map[string]bool{}
	for _, f := range failed {
		tried[f] = true
	}
	for _, ch := range append([]string{step.Channel}, step.Fallback...) {
		typ, ok := channels[ch]
		if ch == "" || tried[ch] || !ok || !reaches(typ, c) {
			continue
		}
		if typ == v1.ChannelTask {
			return ch, v1.PerformedByOwner
		}
		return ch, v1.PerformedByAutomation
	}
	return "", v1.PerformedByOwner
}

// reaches says whether a channel type can reach the contact with what the lead holds.
func reaches(t v1.ChannelType, c v1.Contact) bool {
	switch t {
	case v1.ChannelSMTP:
		return c.Email != ""
	case v1.ChannelWhatsApp:
		return c.WhatsApp != ""
	}
	return true
}

// closeTasks returns a copy of the touches with each open task marked done by the
// first recorded call that answers it (by touch key, or the first unclaimed call at or
// after the task was due).
func closeTasks(lead *v1.Lead) []v1.TouchRecord {
	touches := make([]v1.TouchRecord, len(lead.Status.Touches))
	for i := range lead.Status.Touches {
		lead.Status.Touches[i].DeepCopyInto(&touches[i])
	}
	used := map[int]bool{}
	for i := range touches {
		t := &touches[i]
		if t.Result != v1.TouchTaskAssigned {
			continue
		}
		for j, in := range lead.Spec.Interactions {
			if used[j] || (in.Kind != v1.InteractionCallConnected && in.Kind != v1.InteractionCallNoAnswer) {
				continue
			}
			if in.TouchKey == t.Key || (in.TouchKey == "" && !in.At.Before(&t.Due)) {
				used[j] = true
				at := in.At
				t.Result, t.PerformedAt, t.Message = v1.TouchDone, &at, string(in.Kind)
				break
			}
		}
	}
	return touches
}

// skipOpen marks touches that were never confirmed as skipped: the cadence ended first.
func skipOpen(touches []v1.TouchRecord, why string) {
	for i := range touches {
		if touches[i].Result == v1.TouchPending || touches[i].Result == v1.TouchTaskAssigned {
			touches[i].Result, touches[i].Message, touches[i].NextAttemptAt = v1.TouchSkipped, why, nil
		}
	}
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

func stepDelay(s v1.Step, idx int, round int32) time.Duration {
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

func stage(round int32, idx int, steps []v1.Step) string {
	s := fmt.Sprintf("%d/%d %s", idx+1, len(steps), steps[idx].Name)
	if round > 0 {
		return fmt.Sprintf("reactivation %d: %s", round, s)
	}
	return s
}

// slaTimes are the instants at which the SLA state or its warning changes.
func slaTimes(s SLA, warnAt time.Time, warned bool) []time.Time {
	if s.State != v1.SLAPending {
		return nil
	}
	out := []time.Time{s.Deadline}
	if !warnAt.IsZero() && !warned {
		out = append(out, warnAt)
	}
	return out
}

// earliestAfter is the earliest of ts strictly after now, or zero.
func earliestAfter(now time.Time, ts ...time.Time) time.Time {
	var best time.Time
	for _, t := range ts {
		if t.After(now) && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	return best
}

// SubmittedAt starts the first-response clock: the source's time, else creation.
func SubmittedAt(l *v1.Lead) time.Time {
	if s := l.Spec.Source.SubmittedAt; s != nil {
		return s.Time
	}
	return l.CreationTimestamp.Time
}

// Key is the idempotency key of a touch: the same lead, cadence revision, round and
// touch number always give the same key, so a resend after a crash is recognisable.
func Key(leadUID, revision string, round, number int32) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d/%d", leadUID, revision, round, number)))
	return hex.EncodeToString(sum[:12])
}
