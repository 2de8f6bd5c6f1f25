package cadence

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestReplyAtEveryStageStopsTheCadence replies two hours after touch k, for every k,
// and checks no touch follows the reply and the stop reason is right.
func TestReplyAtEveryStageStopsTheCadence(t *testing.T) {
	for k := 1; k <= 4; k++ {
		for _, quality := range []int32{1, 2, 3} {
			l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z") // a Monday
			n := 0
			events := run(t, industrial(), l, 12, func(tr v1.TouchRecord, now time.Time) (Outcome, *v1.InteractionEntry) {
				n++
				o, _ := callsAnswerTasks(tr, now)
				if n == k {
					return o, ReplyAt(now.Add(2*time.Hour), quality)
				}
				if o == TaskAssigned {
					_, call := callsAnswerTasks(tr, now)
					return o, call
				}
				return o, nil
			})
			touches := strings.Count(touchLog(events), "@")
			if touches != k {
				t.Errorf("reply (quality %d) after touch %d: %d touches made: %s", quality, k, touches, touchLog(events))
			}
			wantStage := "stopped: replied"
			if quality == 3 {
				wantStage = "handed-off"
			}
			if l.Status.Stage != wantStage {
				t.Errorf("reply (quality %d) after touch %d: stage %q, want %q", quality, k, l.Status.Stage, wantStage)
			}
			if quality == 3 && l.Status.HandedOffAt == nil {
				t.Errorf("hand-off time not recorded")
			}
			if l.Status.Engagement.Replies != 1 || l.Status.Engagement.Turns != 1 || l.Status.Engagement.BestQuality != quality {
				t.Errorf("engagement = %+v", l.Status.Engagement)
			}
		}
	}
}

func TestCustomerWritesFirst(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-21T10:00:00Z") // Saturday: no touch till Monday
	l.Spec.Interactions = []v1.InteractionEntry{*ReplyAt(at("2026-11-21T10:20:00Z"), 2)}
	res := decide(t, input(l, industrial(), at("2026-11-23T09:00:00Z")))
	if en := res.Status.Engagement; !en.CustomerInitiated || en.Turns != 0 {
		t.Errorf("engagement = %+v, want customer-initiated with no turn", en)
	}
	if fr := res.Status.FirstResponse; fr.State != v1.SLAMet || fr.Summary != "Met (20m)" {
		t.Errorf("a reply is first contact: SLA = %s %q", fr.State, fr.Summary)
	}
	if res.Touch != nil || res.Status.Phase != v1.PhaseStopped {
		t.Errorf("phase %s, due %v: want stopped and nothing sent", res.Status.Phase, res.Touch)
	}
}

func TestReplyNotInStopOnKeepsTheCadence(t *testing.T) {
	p := industrial()
	p.StopOn = []v1.StopEvent{v1.StopUnsubscribed}
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	n := 0
	events := run(t, p, l, 3, func(tr v1.TouchRecord, now time.Time) (Outcome, *v1.InteractionEntry) {
		n++
		if n == 1 {
			return Sent, ReplyAt(now.Add(time.Hour), 1)
		}
		return callsAnswerTasks(tr, now)
	})
	if got := strings.Count(touchLog(events), "@"); got != 3 {
		t.Errorf("polite reply with Replied not in stopOn: %d touches, want the 3 of the cadence", got)
	}
}

func TestOtherStopEvents(t *testing.T) {
	for kind, want := range map[v1.InteractionKind]string{
		v1.InteractionUnsubscribed: "stopped: unsubscribed", v1.InteractionBounced: "stopped: bounced",
		v1.InteractionMeetingBooked: "stopped: meetingbooked",
	} {
		l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
		l.Spec.Interactions = []v1.InteractionEntry{{At: metav1.NewTime(at("2026-11-16T12:00:00Z")), Kind: kind}}
		res := decide(t, input(l, industrial(), at("2026-11-18T09:00:00Z")))
		if res.Status.Stage != want || res.Status.Phase != v1.PhaseStopped || res.Touch != nil || !res.NextAt.IsZero() {
			t.Errorf("%s: stage %q phase %s due %v next %v", kind, res.Status.Stage, res.Status.Phase, res.Touch, res.NextAt)
		}
	}
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon, At: metav1.NewTime(at("2026-11-17T09:00:00Z"))}
	res := decide(t, input(l, industrial(), at("2026-11-18T09:00:00Z")))
	if res.Status.Phase != v1.PhaseWon || res.Touch != nil || len(res.Status.Notices) != 0 {
		t.Errorf("won lead: phase %s touch %v notices %v", res.Status.Phase, res.Touch, res.Status.Notices)
	}
}

// TestWeeklyCapsAreNeverExceeded: a dense cadence against a cap of 2 a week in the new
// stage and 1 when silent.
func TestWeeklyCapsAreNeverExceeded(t *testing.T) {
	p := industrial()
	p.Schedule.BusinessHours = v1.BusinessHours{Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, From: "00:00", To: "24:00"}
	p.Steps = nil
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		p.Steps = append(p.Steps, v1.Step{Name: n, After: dur("1h"), Channel: "email", Template: "t", PerformedBy: v1.PerformedByAutomation})
	}
	p.WeeklyCaps = v1.WeeklyCaps{New: 2, Active: 3, Silent: 1}
	p.AfterLastStep.Reactivations = ptr.To[int32](0)
	l := lead("UTC", "standard", "2026-11-16T09:00:00Z")
	events := run(t, p, l, 10, nil)
	var times []time.Time
	for _, e := range events {
		if e.Touch != nil {
			times = append(times, e.At)
		}
	}
	if len(times) != 8 {
		t.Fatalf("%d touches, want 8: %s", len(times), touchLog(events))
	}
	submitted := SubmittedAt(l)
	for i, tt := range times {
		n := 0
		for _, u := range times[:i+1] {
			if u.After(tt.Add(-week)) {
				n++
			}
		}
		if limit := capFor(p.WeeklyCaps, lifecycleAt(submitted, tt)); n > limit {
			t.Errorf("touch %d at %s: %d touches in 7 days, cap %d", i+1, tt, n, limit)
		}
	}
	// The third touch waits a week after the first.
	if got, want := times[2], times[0].Add(week+time.Second); !got.Equal(want) {
		t.Errorf("third touch at %s, want %s", got, want)
	}
}

func TestChannelFallback(t *testing.T) {
	p := industrial()
	now := at("2026-11-16T09:00:00Z")
	// A contact with no email goes straight to the WhatsApp fallback.
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	l.Spec.Contact.Email = ""
	if res := decide(t, input(l, p, now)); res.Touch == nil || res.Touch.Record.Channel != "whatsapp" {
		t.Fatalf("unreachable by email: due %+v", res.Touch)
	}

	// A permanent failure on email moves the same touch, same key, to WhatsApp; a
	// failure there makes it a task for the owner.
	l = lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	in := input(l, p, now)
	res := decide(t, in)
	key := res.Touch.Record.Key
	res = send(t, in, res, Permanent, "HTTP 400")
	if res.Touch == nil || !res.Touch.Retry || res.Touch.Record.Channel != "whatsapp" || res.Touch.Record.Key != key {
		t.Fatalf("after email failed: due %+v", res.Touch)
	}
	res = send(t, in, res, Permanent, "HTTP 400")
	if res.Touch == nil || res.Touch.Record.PerformedBy != v1.PerformedByOwner || res.Touch.Record.Channel != "" || res.Touch.Record.Key != key {
		t.Fatalf("after every channel failed: want a task for the owner, due %+v", res.Touch)
	}
	res = send(t, in, res, TaskAssigned, "task for anna")
	if tr := l.Status.Touches[0]; tr.Result != v1.TouchTaskAssigned || tr.TaskDeadline == nil || res.Status.Phase != v1.PhaseAwaitingTask {
		t.Fatalf("task not open with a deadline: %+v phase %s", tr, res.Status.Phase)
	}
}

// TestNoTaskForNobody: a lead without an owner whose channels all fail records a failed
// touch and goes on; it never becomes a task for an empty owner (the touch that was
// lost after 80 kills ended as "task for ").
func TestNoTaskForNobody(t *testing.T) {
	p := industrial()
	p.Steps[0].Fallback = nil
	now := at("2026-11-16T09:00:00Z")
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	l.Spec.Owner = ""
	in := input(l, p, now)
	res := decide(t, in)
	for i := 0; i < MaxAttempts; i++ {
		res = send(t, in, res, Transient, "HTTP 503")
		if next := l.Status.Touches[0].NextAttemptAt; next != nil {
			in.Now = next.Time
			if res = decide(t, in); res.Touch == nil {
				t.Fatalf("attempt %d: retry not due at its time", i+2)
			}
		}
	}
	first := l.Status.Touches[0]
	if first.Result != v1.TouchFailed || first.PerformedBy == v1.PerformedByOwner || !strings.Contains(first.Message, "no owner") {
		t.Fatalf("touch 1 = %+v, want failed with the reason", first)
	}
	if res.Status.Phase != v1.PhaseInCadence || res.Status.Stage != "2/3 send-catalog" {
		t.Errorf("the cadence must go on: phase %s stage %q", res.Status.Phase, res.Status.Stage)
	}
	if c := cond(res.Status, v1.ConditionDelivering); c != "False/ChannelFailing" {
		t.Errorf("Delivering = %s", c)
	}
}

// TestRateLimitDoesNotCountAsAFailure: a touch deferred by the channel's rate limit any
// number of times still gets every attempt when the channel then fails.
func TestRateLimitDoesNotCountAsAFailure(t *testing.T) {
	now := at("2026-11-16T09:00:00Z")
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	in := input(l, industrial(), now)
	res := decide(t, in)
	for i := 0; i < 50; i++ {
		ApplyTouchOutcome(&l.Status, TouchOutcome{Key: res.Touch.Record.Key, Outcome: Deferred, Message: "rate limited", RetryAt: in.Now.Add(time.Second)}, in.Now)
		in.Now = in.Now.Add(time.Second)
		res = decide(t, in)
		if res.Touch == nil || res.Touch.Record.Channel != "email" || res.Touch.Record.Attempts != 0 {
			t.Fatalf("deferral %d: %+v", i+1, res.Touch)
		}
	}
}

func TestTransientFailuresBackOffThenFallBack(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	now := at("2026-11-16T09:00:00Z")
	p := industrial()
	p.Escalation = nil // no SLA rung to wake the lead between retries
	in := input(l, p, now)
	res := decide(t, in)
	var waits []time.Duration
	for i := 0; i < MaxAttempts; i++ {
		res = send(t, in, res, Transient, "HTTP 503")
		rec := l.Status.Touches[0]
		if rec.NextAttemptAt == nil {
			break
		}
		if res.Touch != nil || res.NextAt.After(rec.NextAttemptAt.Time) {
			t.Fatalf("attempt %d: want a wait until %s, got due=%v next=%s", i+1, rec.NextAttemptAt, res.Touch, res.NextAt)
		}
		waits = append(waits, rec.NextAttemptAt.Sub(in.Now))
		in.Now = rec.NextAttemptAt.Time
		if res = decide(t, in); res.Touch == nil || res.Touch.Record.Channel != "email" {
			t.Fatalf("attempt %d: retry not due at its time", i+1)
		}
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 30 * time.Minute, 30 * time.Minute, 30 * time.Minute}
	if len(waits) != len(want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
	if res.Touch == nil || res.Touch.Record.Channel != "whatsapp" {
		t.Fatalf("after %d transient failures: want the fallback, got %+v", MaxAttempts, res.Touch)
	}
}

// TestPolicyEditKeepsProgressByStepName: a lead that had "introduce" continues with
// whatever now follows introduce; a removed step does not restart the cadence.
func TestPolicyEditKeepsProgressByStepName(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	now := at("2026-11-16T09:00:00Z")
	in := input(l, industrial(), now)
	send(t, in, decide(t, in), Sent, "")

	edited := industrial()
	edited.Steps = append([]v1.Step{edited.Steps[0],
		{Name: "case-study", After: dur("24h"), Channel: "email", Template: "case", PerformedBy: v1.PerformedByAutomation}},
		edited.Steps[1:]...)
	in = input(l, edited, now.Add(24*time.Hour))
	in.Revision = "r2"
	res := decide(t, in)
	if res.Touch == nil || res.Touch.Record.Step != "case-study" || res.Status.Stage != "2/4 case-study" || res.Status.Step != 2 || res.Status.Steps != 4 {
		t.Fatalf("after inserting a step: stage %q (%d/%d) due %+v", res.Status.Stage, res.Status.Step, res.Status.Steps, res.Touch)
	}
	if res.Touch.Record.Key == Key("uid-1", "r", 0, 2) {
		t.Error("a new cadence revision must give new keys")
	}
	l.Status.Touches = l.Status.Touches[:1] // the case-study touch was never sent

	removed := industrial()
	removed.Steps = removed.Steps[1:] // introduce is gone
	in = input(l, removed, now.Add(36*time.Hour))
	if res = decide(t, in); res.Status.Stage != "1/2 send-catalog" {
		t.Errorf("after removing the done step: stage %q, want the new first step", res.Status.Stage)
	}
}

func TestSuspendSendsNothingButTheSLAMovesOn(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	l.Spec.Suspend = true
	res := decide(t, input(l, industrial(), at("2026-11-16T09:00:00Z")))
	if res.Touch != nil || res.Status.Stage != "suspended" || res.Status.Phase != v1.PhaseSuspended {
		t.Fatalf("suspended: %+v", res.Status)
	}
	// No warning to the owner of a lead someone paused on purpose, but the deadline
	// still turns the SLA.
	if want := at("2026-11-16T10:00:00Z"); !res.NextAt.Equal(want) {
		t.Errorf("next wake-up %s, want the deadline %s", res.NextAt, want)
	}
	res = decide(t, input(l, industrial(), at("2026-11-16T10:00:00Z")))
	if res.Status.FirstResponse.State != v1.SLABreached || len(res.Status.Notices) != 0 {
		t.Errorf("at the deadline: %s, notices %v", res.Status.FirstResponse.State, res.Status.Notices)
	}
}

// TestNextAtIsAlwaysInTheFuture probes many instants: the engine never asks to be
// woken at or before now, which is what keeps the controller out of a hot loop.
func TestNextAtIsAlwaysInTheFuture(t *testing.T) {
	l := lead("America/Chicago", "high", "2026-11-16T09:00:00Z")
	start := SubmittedAt(l)
	for now := start; now.Before(start.Add(60 * day)); now = now.Add(97 * time.Minute) {
		in := input(l, industrial(), now)
		res := decide(t, in)
		if !res.NextAt.IsZero() && !res.NextAt.After(now) {
			t.Fatalf("at %s: NextAt %s is not in the future", now, res.NextAt)
		}
		if res.Touch != nil {
			o, call := callsAnswerTasks(res.Touch.Record, now)
			send(t, in, res, o, "")
			if call != nil {
				l.Spec.Interactions = append(l.Spec.Interactions, *call)
			}
		}
	}
	if l.Status.Stage != "dormant (final)" || l.Status.Phase != v1.PhaseFinished {
		t.Errorf("after 60 days: stage %q phase %s", l.Status.Stage, l.Status.Phase)
	}
}

func TestKeyIsDeterministic(t *testing.T) {
	if Key("u", "r", 0, 1) != Key("u", "r", 0, 1) || Key("u", "r", 0, 1) == Key("u", "r", 0, 2) ||
		Key("u", "r", 0, 1) == Key("u", "r", 1, 1) || Key("u", "r", 0, 1) == Key("v", "r", 0, 1) {
		t.Fatal("keys must be equal for the same touch and differ otherwise")
	}
}

func TestUnknownTierUsesTheStrictestDeadline(t *testing.T) {
	l := lead("Europe/Berlin", "platinum", "2026-11-16T09:00:00Z")
	res := decide(t, input(l, industrial(), at("2026-11-16T09:00:00Z")))
	c := meta.FindStatusCondition(res.Status.Conditions, v1.ConditionValid)
	if !res.Status.FirstResponse.Deadline.Time.Equal(at("2026-11-16T10:00:00Z")) || c == nil || c.Reason != v1.ReasonUnknownTier ||
		!strings.Contains(c.Message, `tier "platinum" is not in the policy; using the strictest deadline, 1h`) {
		t.Errorf("deadline %s Valid %+v", res.Status.FirstResponse.Deadline, c)
	}
}

// cond renders a condition as Status/Reason.
func cond(st v1.LeadStatus, typ string) string {
	c := meta.FindStatusCondition(st.Conditions, typ)
	if c == nil {
		return "<none>"
	}
	return string(c.Status) + "/" + c.Reason
}

// TestLeadSpecProblemsAreReported: a submission time after the lead's creation is not
// believed (the creation time starts the clock); vars no template declares are named;
// a sound lead is Valid.
func TestLeadSpecProblemsAreReported(t *testing.T) {
	p := industrial()
	p.Templates = map[string]v1.MessageTemplate{"intro": {Body: "x", Variables: map[string]string{"sender": "ACME"}}}
	l := lead("Europe/Berlin", "high", "2099-01-01T00:00:00Z")
	l.CreationTimestamp = metav1.NewTime(at("2026-11-16T09:00:00Z"))
	l.Spec.Vars = map[string]string{"sender": "x", "offr": "typo", "discount": "5%"}
	res := decide(t, input(l, p, at("2026-11-16T09:00:00Z")))
	c := meta.FindStatusCondition(res.Status.Conditions, v1.ConditionValid)
	if c == nil || c.Status != metav1.ConditionFalse || c.Reason != v1.ReasonInvalidSubmittedAt ||
		!strings.Contains(c.Message, "spec.vars discount, offr: no template of the policy declares them (declared: sender)") {
		t.Fatalf("Valid = %+v", c)
	}
	if !res.Status.FirstResponse.Deadline.Time.Equal(at("2026-11-16T10:00:00Z")) || res.Touch == nil {
		t.Errorf("a lead from 2099 must start its clock at creation and be touched now: deadline %s, touch %v", res.Status.FirstResponse.Deadline, res.Touch)
	}
	ok := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	if res := decide(t, input(ok, industrial(), at("2026-11-16T09:00:00Z"))); cond(res.Status, v1.ConditionValid) != "True/Valid" {
		t.Errorf("a sound lead: Valid = %s", cond(res.Status, v1.ConditionValid))
	}
}
