package cadence

import (
	"strings"
	"testing"
	"time"

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
	d, err := Evaluate(Input{Now: at("2026-11-23T09:00:00Z"), Policy: industrial(), Revision: "r", Lead: l, Channels: channels})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Engagement.CustomerInitiated || d.Engagement.Turns != 0 {
		t.Errorf("engagement = %+v, want customer-initiated with no turn", d.Engagement)
	}
	if d.SLA.State != v1.SLAMet || d.SLA.Summary != "Met (20m)" {
		t.Errorf("a reply is first contact: SLA = %s %q", d.SLA.State, d.SLA.Summary)
	}
	if d.Due != nil || d.Phase != PhaseStopped {
		t.Errorf("phase %s, due %v: want stopped and nothing sent", d.Phase, d.Due)
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
		d, _ := Evaluate(Input{Now: at("2026-11-18T09:00:00Z"), Policy: industrial(), Lead: l, Channels: channels})
		if d.Stage != want || d.Due != nil || !d.NextAt.IsZero() {
			t.Errorf("%s: stage %q due %v next %v", kind, d.Stage, d.Due, d.NextAt)
		}
	}
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon, At: metav1.NewTime(at("2026-11-17T09:00:00Z"))}
	d, _ := Evaluate(Input{Now: at("2026-11-18T09:00:00Z"), Policy: industrial(), Lead: l, Channels: channels})
	if d.Phase != PhaseWon || d.Due != nil || d.Escalate {
		t.Errorf("won lead: %+v", d)
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
	in := func(l *v1.Lead) Input {
		return Input{Now: at("2026-11-16T09:00:00Z"), Policy: p, Revision: "r", Lead: l, Channels: channels}
	}
	// A contact with no email goes straight to the WhatsApp fallback.
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	l.Spec.Contact.Email = ""
	d, _ := Evaluate(in(l))
	if d.Due == nil || d.Due.Record.Channel != "whatsapp" {
		t.Fatalf("unreachable by email: due %+v", d.Due)
	}

	// A permanent failure on email moves the same touch, same key, to WhatsApp; a
	// failure there makes it a task for the owner.
	l = lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	d, _ = Evaluate(in(l))
	Apply(&l.Status, d, "r")
	rec := d.Due.Record
	key := rec.Key
	Record(&rec, Permanent, "HTTP 400", at("2026-11-16T09:00:01Z"))
	UpsertTouch(&l.Status, rec)
	d, _ = Evaluate(in(l))
	if d.Due == nil || !d.Due.Retry || d.Due.Record.Channel != "whatsapp" || d.Due.Record.Key != key {
		t.Fatalf("after email failed: due %+v", d.Due)
	}
	rec = d.Due.Record
	Record(&rec, Permanent, "HTTP 400", at("2026-11-16T09:00:02Z"))
	UpsertTouch(&l.Status, rec)
	d, _ = Evaluate(in(l))
	if d.Due == nil || d.Due.Record.PerformedBy != v1.PerformedByOwner || d.Due.Record.Channel != "" {
		t.Fatalf("after every channel failed: want a task for the owner, due %+v", d.Due)
	}
}

func TestTransientFailuresBackOffThenFallBack(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	now := at("2026-11-16T09:00:00Z")
	in := func() Input {
		return Input{Now: now, Policy: industrial(), Revision: "r", Lead: l, Channels: channels}
	}
	d, _ := Evaluate(in())
	Apply(&l.Status, d, "r")
	rec := d.Due.Record
	var waits []time.Duration
	for i := 0; i < MaxAttempts; i++ {
		Record(&rec, Transient, "HTTP 503", now)
		UpsertTouch(&l.Status, rec)
		d, _ = Evaluate(in())
		if rec.NextAttemptAt == nil {
			break
		}
		if d.Due != nil || !d.NextAt.Equal(rec.NextAttemptAt.Time) {
			t.Fatalf("attempt %d: want a wait until %s, got due=%v next=%s", i+1, rec.NextAttemptAt, d.Due, d.NextAt)
		}
		waits = append(waits, rec.NextAttemptAt.Sub(now))
		now = rec.NextAttemptAt.Time
		d, _ = Evaluate(in())
		if d.Due == nil || d.Due.Record.Channel != "email" {
			t.Fatalf("attempt %d: retry not due at its time", i+1)
		}
		rec = d.Due.Record
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	if len(waits) != len(want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
	if d.Due == nil || d.Due.Record.Channel != "whatsapp" {
		t.Fatalf("after %d transient failures: want the fallback, got %+v", MaxAttempts, d.Due)
	}
}

// TestPolicyEditKeepsProgressByStepName: a lead that had "introduce" continues with
// whatever now follows introduce; a removed step does not restart the cadence.
func TestPolicyEditKeepsProgressByStepName(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	now := at("2026-11-16T09:00:00Z")
	d, _ := Evaluate(Input{Now: now, Policy: industrial(), Revision: "r1", Lead: l, Channels: channels})
	Apply(&l.Status, d, "r1")
	rec := d.Due.Record
	Record(&rec, Sent, "", now)
	UpsertTouch(&l.Status, rec)

	edited := industrial()
	edited.Steps = append([]v1.Step{edited.Steps[0],
		{Name: "case-study", After: dur("24h"), Channel: "email", Template: "case", PerformedBy: v1.PerformedByAutomation}},
		edited.Steps[1:]...)
	d, _ = Evaluate(Input{Now: now.Add(24 * time.Hour), Policy: edited, Revision: "r2", Lead: l, Channels: channels})
	if d.Due == nil || d.Due.Record.Step != "case-study" || d.Stage != "2/4 case-study" {
		t.Fatalf("after inserting a step: stage %q due %+v", d.Stage, d.Due)
	}
	if d.Due.Record.Key == Key("uid-1", "r1", 0, 2) {
		t.Error("a new cadence revision must give new keys")
	}

	removed := industrial()
	removed.Steps = removed.Steps[1:] // introduce is gone
	d, _ = Evaluate(Input{Now: now.Add(36 * time.Hour), Policy: removed, Revision: "r3", Lead: l, Channels: channels})
	if d.Stage != "1/2 send-catalog" {
		t.Errorf("after removing the done step: stage %q, want the new first step", d.Stage)
	}
}

func TestSuspendSendsNothingButTheSLAMovesOn(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	l.Spec.Suspend = true
	d, _ := Evaluate(Input{Now: at("2026-11-16T09:00:00Z"), Policy: industrial(), Lead: l, Channels: channels})
	if d.Due != nil || d.Stage != "suspended" {
		t.Fatalf("suspended: %+v", d)
	}
	if want := at("2026-11-16T09:45:00Z"); !d.NextAt.Equal(want) {
		t.Errorf("next wake-up %s, want the SLA warning at %s", d.NextAt, want)
	}
}

func TestEscalationTiming(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-21T10:00:00Z") // Saturday
	in := func(now string) Decision {
		d, err := Evaluate(Input{Now: at(now), Policy: industrial(), Lead: l, Channels: channels})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := in("2026-11-21T10:00:00Z")
	if d.Warn || d.Escalate || !d.NextAt.Equal(at("2026-11-21T10:45:00Z")) {
		t.Fatalf("at submission: warn=%v escalate=%v next=%s", d.Warn, d.Escalate, d.NextAt)
	}
	d = in("2026-11-21T10:45:00Z")
	if !d.Warn || d.Escalate || !d.NextAt.Equal(at("2026-11-21T11:00:00Z")) {
		t.Fatalf("15m before: warn=%v escalate=%v next=%s", d.Warn, d.Escalate, d.NextAt)
	}
	l.Status.FirstResponse.Warned = true
	d = in("2026-11-21T11:00:00Z")
	if !d.Escalate || d.SLA.State != v1.SLABreached || !d.NextAt.Equal(at("2026-11-23T08:00:00Z")) {
		t.Fatalf("at the deadline: escalate=%v state=%s next=%s", d.Escalate, d.SLA.State, d.NextAt)
	}
	l.Status.FirstResponse.Escalated = true
	if d = in("2026-11-21T12:00:00Z"); d.Escalate || d.Warn {
		t.Fatal("escalation or warning repeated")
	}
}

// TestNextAtIsAlwaysInTheFuture probes many instants: the engine never asks to be
// woken at or before now, which is what keeps the controller out of a hot loop.
func TestNextAtIsAlwaysInTheFuture(t *testing.T) {
	l := lead("America/Chicago", "high", "2026-11-16T09:00:00Z")
	start := SubmittedAt(l)
	for now := start; now.Before(start.Add(60 * day)); now = now.Add(97 * time.Minute) {
		d, err := Evaluate(Input{Now: now, Policy: industrial(), Revision: "r", Lead: l, Channels: channels})
		if err != nil {
			t.Fatal(err)
		}
		if !d.NextAt.IsZero() && !d.NextAt.After(now) {
			t.Fatalf("at %s: NextAt %s is not in the future", now, d.NextAt)
		}
		Apply(&l.Status, d, "r")
		if d.Due != nil {
			rec := d.Due.Record
			o, call := callsAnswerTasks(rec, now)
			Record(&rec, o, "", now)
			UpsertTouch(&l.Status, rec)
			if call != nil {
				l.Spec.Interactions = append(l.Spec.Interactions, *call)
			}
		}
	}
	if l.Status.Stage != "dormant (final)" {
		t.Errorf("after 60 days: stage %q", l.Status.Stage)
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
	d, _ := Evaluate(Input{Now: at("2026-11-16T09:00:00Z"), Policy: industrial(), Lead: l, Channels: channels})
	if !d.SLA.Deadline.Equal(at("2026-11-16T10:00:00Z")) || !strings.Contains(d.SLA.TierNote, `tier "platinum" is not in the policy`) {
		t.Errorf("deadline %s note %q", d.SLA.Deadline, d.SLA.TierNote)
	}
}
