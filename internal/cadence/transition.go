package cadence

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Input is everything one transition needs. The caller gathers it (internal/gather for
// the operator, the YAML files for the simulator); the engine reads nothing else.
type Input struct {
	Now  time.Time
	Lead *v1.Lead
	// PolicyName and Policy are the FollowUpPolicy the lead follows; Revision is its
	// status.stepsRevision (touch keys are derived from it).
	PolicyName string
	Policy     *v1.FollowUpPolicySpec
	Revision   string
	// Channels are the namespace's channels by name.
	Channels map[string]ChannelState
	// Reps are the lead's campaign's reps.
	Reps Reps
	// InFlight says whether a touch or notice key is being sent right now; such work is
	// waiting for its outcome, not due again. Nil: nothing is in flight.
	InFlight func(key string) bool
	// Slot is when the channel's rate limit lets the touch with the key go (the caller
	// reserves that slot); zero, or a nil Slot: now. A later slot becomes the intent's
	// next attempt, so a backlog waits in status, not in flight.
	Slot func(channel, key string) time.Time
	// ReleaseSlot gives back the key's slot when the engine does not wait for it (it
	// fell outside the customer's hours); nil: nothing to give back.
	ReleaseSlot func(key string)
	// Colleagues are the other leads of the lead's company in the namespace, for the
	// policy's sameCompany rule; the caller looks them up only when the rule is on.
	Colleagues []Colleague
	// Rollout is the lead's arm while its policy rolls out a new revision (ChooseArm;
	// Policy and Revision are then that arm's); nil when none is under way.
	Rollout *v1.LeadRollout
	// AfterSales is the after-sales policy of a won lead whose policy names one; nil
	// otherwise.
	AfterSales *AfterSalesInput
}

// ChannelState is what the engine needs to know of a channel.
type ChannelState struct {
	Type v1.ChannelType
	// Ready is the channel's Ready condition; Problem its message when it is not.
	Ready   bool
	Problem string
	// Notify is a Task channel's notify channel.
	Notify string
	// Retry is the channel's backoff for transient failures.
	Retry Retry
	// Language is a WhatsApp channel's template language (spec.whatsapp.language).
	Language string
	// HeldTemplates are the WhatsApp templates Meta paused, disabled, rejected or rated
	// RED on this channel's account (HeldTemplates of its status): their steps wait.
	HeldTemplates map[TemplateRef]TemplateHold
}

// Reps are the reps a lead can be given to.
type Reps struct {
	// Campaign names the campaign the reps come from, for messages.
	Campaign string
	// Count is how many reps the campaign names.
	Count int
	// Chat is each rep's own chat channel (campaign spec.reps[].chat).
	Chat map[string]string
	// Pick takes a rep other than exclude who has room, or says there is none. The
	// operator's picker reserves the rep's slot until the lead's write lands. Nil when
	// the lead has no campaign reps.
	Pick func(exclude string) (string, bool)
}

// Result is a lead's transition: its new status (conditions included) and the work
// that is due now. The work's intent is already in Status (Pending), so writing Status
// before doing the work makes it exactly-once in effect.
type Result struct {
	Status v1.LeadStatus
	// Touch is due now, or nil.
	Touch *Touch
	// Notices are due now.
	Notices []v1.NoticeRecord
	// NextAt is the next instant at which anything changes without news from outside:
	// a touch, a retry, a reactivation, an SLA rung, a task deadline. After Now, or zero.
	NextAt time.Time
}

// Touch is a touch to perform now.
type Touch struct {
	// Record is the touch as it stands in Status (Result Pending: the intent).
	Record v1.TouchRecord
	// Step is the policy step, for the template.
	Step v1.Step
	// Notify is the channel that tells the owner about a task; empty when none.
	Notify string
	// Retry is true when the intent was recorded before: send again with the same key.
	Retry bool
	// AfterSales: the touch is a step of the after-sales policy (status.afterSales):
	// its template is that policy's.
	AfterSales bool
}

// Defaults the API leaves to the engine because they depend on the step's position.
const (
	DefaultStepGap      = 36 * time.Hour  // between touches, inside the brief's 1-2 days
	DefaultDormantFor   = 720 * time.Hour // 30 days
	DefaultReactivates  = 1
	DefaultTaskDeadline = 24 * time.Hour
)

// DefaultOverdueActions is what happens to an overdue task when the step says nothing.
var DefaultOverdueActions = []v1.TaskOverdueAction{v1.OverdueRemind, v1.OverdueEscalate}

// transition is the working state of one Transition call.
type transition struct {
	in        Input
	now       time.Time
	st        *v1.LeadStatus
	customer  *Schedule // when touches land
	team      *Schedule // what the SLA clock and task deadlines count
	submitted time.Time
	entries   []v1.InteractionEntry
	sig       signals
	sla       SLA
	wake      []time.Time // instants at which something changes
	notices   []v1.NoticeRecord
	// deliveryProblem explains why touches or notices do not go out, for the
	// Delivering condition.
	deliveryProblem, deliveryReason string
	// stepNames are the steps of the lead's current round, for its stage.
	stepNames []v1.Step
	// finishedNote says why a lead finished other than by running out of rounds.
	finishedNote string
	// away is when an out-of-office or same-company pause ends; zero when there is
	// none now.
	away time.Time
	// queued: a touch waits for its channel's rate-limit slot (awaitSendTime); the lead
	// shows it as being sent, so the send at the slot changes nothing but the result.
	queued bool
	// companyHeld: a colleague's answer decided the phase (Paused or Stopped).
	companyHeld bool
	// held is the step its WhatsApp template holds, if any (templatehold.go).
	held *heldStep
}

// Transition decides a lead's whole next state at in.Now. It reads only its input.
func Transition(in Input) (Result, error) {
	customer, err := CustomerSchedule(in.Policy.Schedule, in.Lead.Spec.Contact.TimeZone)
	if err != nil {
		return Result{}, err
	}
	team, err := TeamSchedule(in.Policy.Schedule)
	if err != nil {
		return Result{}, err
	}
	st := in.Lead.Status.DeepCopy()
	t := &transition{in: in, now: in.Now, st: st, customer: customer, team: team, submitted: SubmittedAt(in.Lead)}
	st.ObservedGeneration = in.Lead.Generation
	st.Policy, st.StepsRevision = in.PolicyName, in.Revision
	st.Rollout = in.Rollout

	t.assignOwner()
	t.entries = Entries(in.Lead)
	closeTasks(st.Touches, t.entries)
	t.sig = readSignals(t.entries, st.Touches, st.Earlier, in.Policy)
	st.Engagement = t.sig.engagement
	t.sla = firstResponse(in.Policy, in.Lead.Spec.Tier, t.submitted, t.sig.firstContact, t.now, team)
	fr := &st.FirstResponse
	fr.Deadline, fr.ContactedAt, fr.State, fr.Summary, fr.Clock = metaTime(t.sla.Deadline), metaTime(t.sla.ContactedAt),
		t.sla.State, t.sla.Summary, t.sla.Clock

	t.sameCompanyFrom()
	touch := t.decidePhase()
	if st.Phase == v1.PhaseWon {
		touch = t.afterSales()
	}
	t.escalate()
	t.handOffNotice()
	due := t.dueNotices()
	t.deliveryHealth(touch)
	dropTouches(st, in.Policy)
	boundNotices(st)
	st.Stage = stageText(st, t.stepNames, t.sig.stop, t.taskOverdue())
	switch {
	case st.Phase == v1.PhaseOutOfOffice:
		st.Stage = t.awayStage()
	case st.Phase == v1.PhasePaused:
		st.Stage = t.pausedStage()
	case st.Phase == v1.PhaseStopped && t.companyHeld:
		st.Stage = "stopped: " + answerText(st.SameCompany)
	case st.Phase == v1.PhaseWon && st.AfterSales != nil:
		st.Stage = afterSalesStage(st.AfterSales)
	}
	t.markHeld()
	busy := touch != nil || len(due) > 0 || t.queued || t.anyInFlight()
	setConditions(st, in.Lead.Generation, t.sla, t.deliveryReason, t.deliveryProblem, t.finishedNote, in.Reps, busy)
	setValid(st, in.Lead.Generation, leadProblems(in.Lead, in.Policy))
	setTranslationMissing(st, in.Lead.Generation, in.Policy, in.Lead)
	setSameCompany(st, in.Lead.Generation, t.companyHeld, customer.Location())
	return Result{Status: *st, Touch: touch, Notices: due, NextAt: earliestAfter(t.now, t.wake...)}, nil
}

// decidePhase sets the lead's phase and plans its cadence; it returns the touch due now.
func (t *transition) decidePhase() *Touch {
	lead, st := t.in.Lead, t.st
	switch {
	case lead.Spec.Outcome != nil:
		st.Phase = v1.PhaseLost
		if lead.Spec.Outcome.Result == v1.OutcomeWon {
			st.Phase = v1.PhaseWon
		}
		t.skipOpen("lead closed")
	case t.sig.handToHuman:
		st.Phase = v1.PhaseHandedOff
		if st.HandedOffAt == nil {
			st.HandedOffAt = metaTime(t.sig.handAt)
		}
		t.skipOpen("handed to the owner")
	case t.sig.stop != "":
		st.Phase = v1.PhaseStopped
		t.skipOpen("cadence stopped: " + string(t.sig.stop))
	case t.companyStopped():
		st.Phase = v1.PhaseStopped
		t.companyHeld = true
		t.skipOpen("cadence stopped: " + answerText(st.SameCompany))
	case lead.Spec.Suspend:
		st.Phase = v1.PhaseSuspended
	default:
		away, paused := t.awayFrom(), t.companyPause()
		t.away = later(away, paused)
		touch := t.plan()
		phase := v1.PhaseOutOfOffice
		if !paused.IsZero() && !paused.Before(away) {
			phase = v1.PhasePaused
		}
		t.companyHeld = t.holdWhileAway(t.away, phase) && phase == v1.PhasePaused
		return touch
	}
	st.NextTouchAt = nil
	st.DormantSince = nil
	return nil
}

// skipOpen marks touches never confirmed as skipped: the cadence ended first. A touch
// whose send is under way keeps its intent; its outcome is recorded when it arrives.
func (t *transition) skipOpen(why string) {
	for i := range t.st.Touches {
		tr := &t.st.Touches[i]
		if (tr.Result == v1.TouchPending || tr.Result == v1.TouchTaskAssigned) && !t.inFlight(tr.Key) {
			tr.Result, tr.Message, tr.NextAttemptAt = v1.TouchSkipped, why, nil
		}
	}
}

func (t *transition) inFlight(key string) bool { return t.in.InFlight != nil && t.in.InFlight(key) }

// anyInFlight says whether a touch or notice of the lead is being sent right now.
func (t *transition) anyInFlight() bool {
	touches := t.st.Touches
	if as := t.st.AfterSales; as != nil {
		touches = append(slices.Clip(touches), as.Touches...)
	}
	for _, tr := range touches {
		if tr.Result == v1.TouchPending && t.inFlight(tr.Key) {
			return true
		}
	}
	for _, n := range t.st.Notices {
		if n.Result == v1.NoticePending && t.inFlight(n.Key) {
			return true
		}
	}
	return false
}

// assignOwner gives the lead its owner: spec.owner pins it; otherwise a lead without one
// takes a rep of its campaign.
func (t *transition) assignOwner() {
	st, spec := t.st, t.in.Lead.Spec
	switch {
	case spec.Owner != "":
		st.Owner = spec.Owner
	case st.Owner == "" && t.in.Reps.Pick != nil:
		if rep, ok := t.in.Reps.Pick(""); ok {
			st.Owner = rep
		}
	}
}

func (t *transition) at(ts ...time.Time) { t.wake = append(t.wake, ts...) }

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

// Key is the idempotency key of a touch: the same lead, cadence revision, round and
// touch number always give the same key, so a resend after a crash is recognisable.
func Key(leadUID, revision string, round, number int32) string {
	return hash(fmt.Sprintf("%s/%s/%d/%d", leadUID, revision, round, number))
}

// noticeKey identifies a notice: the same lead, reason and subject always give the same
// key, so a notice is created once and a resend carries the same key.
func noticeKey(leadUID string, reason v1.NoticeReason, subject string) string {
	return hash(fmt.Sprintf("%s/notice/%s/%s", leadUID, reason, subject))
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:12])
}
