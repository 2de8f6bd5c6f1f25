package cadence

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// introduced is a lead whose first touch went out at submission.
func introduced(t *testing.T, tz, submitted string) (*v1.Lead, *v1.FollowUpPolicySpec) {
	t.Helper()
	l, p := lead(tz, "high", submitted), industrial()
	in := input(l, p, at(submitted))
	res := decide(t, in)
	if res.Touch == nil || res.Touch.Step.Name != "introduce" {
		t.Fatalf("first touch not due at submission: %+v", res.Touch)
	}
	send(t, in, res, Sent, "")
	return l, p
}

func autoReply(l *v1.Lead, when, returnDate string) {
	l.Spec.Interactions = append(l.Spec.Interactions, v1.InteractionEntry{At: metav1.NewTime(at(when)), Kind: v1.InteractionAutoReply,
		Medium: "Email", Direction: v1.Inbound, ReturnDate: returnDate, ID: "auto-" + when})
}

// An out-of-office reply at night, returning on a Saturday: the lead waits in phase
// OutOfOffice, nothing is sent, and the cadence resumes with the step it was at, on
// Monday at 09:00 in the contact's zone.
func TestOutOfOfficePausesUntilReturnInBusinessHours(t *testing.T) {
	l, p := introduced(t, "Europe/Warsaw", "2026-11-23T10:00:00Z") // Monday
	autoReply(l, "2026-11-23T22:30:00Z", "2026-11-28")             // 23:30 in Warsaw; back on Saturday

	for _, now := range []string{"2026-11-23T22:31:00Z", "2026-11-25T10:00:00Z", "2026-11-28T12:00:00Z", "2026-11-30T07:59:00Z"} {
		res := decide(t, input(l, p, at(now)))
		if res.Touch != nil {
			t.Fatalf("%s: touch %s sent while the contact is away", now, res.Touch.Step.Name)
		}
		st := l.Status
		if st.Phase != v1.PhaseOutOfOffice {
			t.Fatalf("%s: phase %s, want OutOfOffice", now, st.Phase)
		}
		if got, want := st.OutOfOffice.Until.Time, at("2026-11-30T08:00:00Z"); !got.Equal(want) { // Monday 09:00 CET
			t.Fatalf("until %s, want %s", got, want)
		}
		if !res.NextAt.Equal(at("2026-11-30T08:00:00Z")) || !st.NextTouchAt.Time.Equal(at("2026-11-30T08:00:00Z")) {
			t.Fatalf("%s: wakes at %s, next touch %s; want both at the return", now, res.NextAt, st.NextTouchAt)
		}
		if want := "out of office until 2026-11-30, then 2/3 send-catalog"; st.Stage != want {
			t.Fatalf("stage %q, want %q", st.Stage, want)
		}
		if st.Engagement.Replies != 0 {
			t.Fatalf("an automatic reply counted as a reply")
		}
	}
	res := decide(t, input(l, p, at("2026-11-30T08:00:00Z")))
	if res.Touch == nil || res.Touch.Step.Name != "send-catalog" {
		t.Fatalf("at the return: touch %+v, want send-catalog", res.Touch)
	}
	if l.Status.Phase != v1.PhaseInCadence || l.Status.OutOfOffice == nil {
		t.Fatalf("after the return: phase %s, outOfOffice %v; want InCadence with the pause kept", l.Status.Phase, l.Status.OutOfOffice)
	}
}

// No return date: the policy's pause (7 days by default) from the automatic reply,
// moved into business hours; a configured pause is honoured.
func TestOutOfOfficeDefaultAndConfiguredPause(t *testing.T) {
	l, p := introduced(t, "Europe/Berlin", "2026-11-20T13:00:00Z") // Friday
	autoReply(l, "2026-11-20T18:00:00Z", "")                       // Friday 19:00 in Berlin
	decide(t, input(l, p, at("2026-11-21T09:00:00Z")))
	if got, want := l.Status.OutOfOffice.Until.Time, at("2026-11-30T08:00:00Z"); !got.Equal(want) { // Fri 27th 19:00 -> Mon 09:00
		t.Fatalf("default pause: until %s, want %s", got, want)
	}
	p.OutOfOffice.Pause = dur("48h")
	l.Status.OutOfOffice = nil
	decide(t, input(l, p, at("2026-11-21T09:00:00Z")))
	if got, want := l.Status.OutOfOffice.Until.Time, at("2026-11-23T08:00:00Z"); !got.Equal(want) { // Sun 19:00 -> Mon 09:00
		t.Fatalf("48h pause: until %s, want %s", got, want)
	}
}

// A return date far away (a date in a signature, a sabbatical) is bounded by maxPause.
func TestOutOfOfficeMaxPause(t *testing.T) {
	l, p := introduced(t, "Europe/Berlin", "2026-11-23T10:00:00Z")
	p.OutOfOffice.MaxPause = dur("240h")
	autoReply(l, "2026-11-23T12:00:00Z", "2027-06-01")
	decide(t, input(l, p, at("2026-11-24T09:00:00Z")))
	if got, want := l.Status.OutOfOffice.Until.Time, at("2026-12-03T12:00:00Z"); !got.Equal(want) { // Thu 13:00 Berlin
		t.Fatalf("until %s, want %s (10 days)", got, want)
	}
}

// Daylight saving: the return day's 09:00 is local time after the switch.
func TestOutOfOfficeReturnAcrossDST(t *testing.T) {
	for _, c := range []struct{ tz, submitted, reply, ret, want string }{
		{"Europe/Berlin", "2027-03-22T10:00:00Z", "2027-03-23T10:00:00Z", "2027-03-29", "2027-03-29T07:00:00Z"},    // CEST
		{"America/New_York", "2026-10-26T15:00:00Z", "2026-10-27T15:00:00Z", "2026-11-02", "2026-11-02T14:00:00Z"}, // EST
	} {
		l, p := introduced(t, c.tz, c.submitted)
		autoReply(l, c.reply, c.ret)
		decide(t, input(l, p, at(c.reply).Add(time.Minute)))
		if got := l.Status.OutOfOffice.Until.Time; !got.Equal(at(c.want)) {
			t.Errorf("%s: until %s, want %s", c.tz, got, c.want)
		}
	}
}

// An automatic reply is not a reply: before any contact it neither stops the cadence
// nor meets the first-response SLA; it holds the first touch too.
func TestAutoReplyIsNotContact(t *testing.T) {
	l, p := lead("Europe/Berlin", "standard", "2026-11-21T10:00:00Z"), industrial() // Saturday
	autoReply(l, "2026-11-21T10:05:00Z", "2026-11-24")
	res := decide(t, input(l, p, at("2026-11-23T08:00:00Z"))) // Monday 09:00: introduce would be due
	if res.Touch != nil {
		t.Fatalf("first touch sent while away")
	}
	st := l.Status
	if st.Phase != v1.PhaseOutOfOffice || st.FirstResponse.State != v1.SLAPending || st.FirstResponse.ContactedAt != nil {
		t.Fatalf("phase %s, SLA %s contacted %v; want OutOfOffice, Pending, none", st.Phase, st.FirstResponse.State, st.FirstResponse.ContactedAt)
	}
	if res := decide(t, input(l, p, at("2026-11-24T08:00:00Z"))); res.Touch == nil || res.Touch.Step.Name != "introduce" {
		t.Fatalf("at the return the first touch is due, got %+v", res.Touch)
	}
}

// A person's reply after the automatic one ends the pause: with Replied in stopOn the
// cadence stops; without it the cadence goes on at once.
func TestReplyAfterAutoReplyEndsThePause(t *testing.T) {
	l, p := introduced(t, "Europe/Berlin", "2026-11-23T10:00:00Z")
	autoReply(l, "2026-11-23T11:00:00Z", "2026-12-07")
	p.StopOn = []v1.StopEvent{v1.StopUnsubscribed, v1.StopBounced}
	l.Spec.Interactions = append(l.Spec.Interactions, v1.InteractionEntry{At: metav1.NewTime(at("2026-11-24T09:00:00Z")),
		Kind: v1.InteractionReply, Direction: v1.Inbound, ID: "r1"})
	decide(t, input(l, p, at("2026-11-25T12:00:00Z")))
	if l.Status.Phase != v1.PhaseInCadence {
		t.Fatalf("phase %s, want InCadence: the contact answered in person", l.Status.Phase)
	}
	p.StopOn = append(p.StopOn, v1.StopReplied)
	decide(t, input(l, p, at("2026-11-25T12:00:00Z")))
	if l.Status.Phase != v1.PhaseStopped {
		t.Fatalf("phase %s, want Stopped", l.Status.Phase)
	}
}

// A touch whose send failed and waits for a retry is held with its key, not resent.
func TestOutOfOfficeHoldsAPendingRetry(t *testing.T) {
	l, p := introduced(t, "Europe/Berlin", "2026-11-23T10:00:00Z")
	in := input(l, p, at("2026-11-25T08:00:00Z")) // send-catalog due Wed 09:00 (36h later, in hours)
	res := decide(t, in)
	if res.Touch == nil {
		t.Fatalf("send-catalog not due")
	}
	key := res.Touch.Record.Key
	ApplyTouchOutcome(&l.Status, TouchOutcome{Key: key, Outcome: Transient, Message: "503", Retry: Retry{Initial: time.Minute, Max: time.Hour, MaxAttempts: 5}}, in.Now)
	autoReply(l, "2026-11-25T08:00:30Z", "2026-11-30")
	res = decide(t, input(l, p, at("2026-11-25T09:00:00Z")))
	if res.Touch != nil || l.Status.Phase != v1.PhaseOutOfOffice {
		t.Fatalf("retry sent while away (phase %s)", l.Status.Phase)
	}
	res = decide(t, input(l, p, at("2026-11-30T08:00:00Z")))
	if res.Touch == nil || res.Touch.Record.Key != key || !res.Touch.Retry {
		t.Fatalf("after the return the held touch is retried with its key, got %+v", res.Touch)
	}
}

func TestAnnounceOutOfOffice(t *testing.T) {
	l, p := introduced(t, "Europe/Berlin", "2026-11-23T10:00:00Z")
	before := l.Status.DeepCopy()
	autoReply(l, "2026-11-23T11:00:00Z", "2026-11-26")
	decide(t, input(l, p, at("2026-11-23T11:01:00Z")))
	e := Announce(before, &l.Status)
	if e == nil || e.Reason != v1.EventOutOfOffice || !strings.Contains(e.Message, "until 2026-11-26") {
		t.Fatalf("event %+v, want OutOfOffice naming the return", e)
	}
	before = l.Status.DeepCopy()
	decide(t, input(l, p, at("2026-11-26T08:00:00Z")))
	if e := Announce(before, &l.Status); e == nil || !strings.Contains(e.Message, "back from out of office") {
		t.Fatalf("event %+v, want the resumption named", e)
	}
}
