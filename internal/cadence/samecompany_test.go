package cadence

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestSameCompanyHold(t *testing.T) {
	sub, now := at("2026-11-16T09:00:00Z"), at("2026-11-20T09:00:00Z")
	cs := []Colleague{
		{Name: "b", Answers: []Answer{{At: at("2026-11-17T10:00:00Z")}}},
		{Name: "a", Answers: []Answer{{At: at("2026-11-10T10:00:00Z")}, {At: at("2026-11-18T10:00:00Z"), Meeting: true}}},
		{Name: "z", Answers: []Answer{{At: at("2026-11-21T10:00:00Z")}}}, // after now: not yet
	}
	if h := SameCompanyHold(&v1.SameCompanyPolicy{}, sub, now, cs); h != nil {
		t.Errorf("no action: %+v", h)
	}
	if h := SameCompanyHold(&v1.SameCompanyPolicy{Action: v1.SameCompanyNone}, sub, now, cs); h != nil {
		t.Errorf("None: %+v", h)
	}
	h := SameCompanyHold(&v1.SameCompanyPolicy{Action: v1.SameCompanyStop}, sub, now, cs)
	if h == nil || h.Lead != "b" || h.Meeting || !h.AnsweredAt.Time.Equal(at("2026-11-17T10:00:00Z")) || h.Until != nil {
		t.Errorf("Stop: %+v, want b's reply (the earliest since submission)", h)
	}
	h = SameCompanyHold(&v1.SameCompanyPolicy{Action: v1.SameCompanyPause, PauseFor: dur("72h")}, sub, now, cs)
	if h == nil || h.Lead != "a" || !h.Meeting || h.Until == nil || !h.Until.Time.Equal(at("2026-11-21T10:00:00Z")) {
		t.Errorf("Pause: %+v, want a's meeting until 72h after it", h)
	}
	if h := SameCompanyHold(&v1.SameCompanyPolicy{Action: v1.SameCompanyPause, PauseFor: dur("24h")}, sub, now, cs); h != nil {
		t.Errorf("a pause that ended: %+v", h)
	}
	if h := SameCompanyHold(&v1.SameCompanyPolicy{Action: v1.SameCompanyPause}, sub, now, cs); h == nil ||
		!h.Until.Time.Equal(at("2026-11-18T10:00:00Z").Add(DefaultSameCompanyPause)) {
		t.Errorf("default pause: %+v", h)
	}
	// Only answers since the lead came in count; ties name the first lead by name.
	if h := SameCompanyHold(&v1.SameCompanyPolicy{Action: v1.SameCompanyStop}, at("2026-11-19T00:00:00Z"), now, cs); h != nil {
		t.Errorf("answers before submission stopped the lead: %+v", h)
	}
	tie := []Colleague{{Name: "y", Answers: []Answer{{At: sub}}}, {Name: "x", Answers: []Answer{{At: sub}}}}
	if h := SameCompanyHold(&v1.SameCompanyPolicy{Action: v1.SameCompanyStop}, sub, now, tie); h == nil || h.Lead != "x" {
		t.Errorf("tie: %+v", h)
	}
}

// A colleague's reply pauses the lead (phase, stage, condition, one event), holds the
// due touch, and the cadence resumes in business hours when the pause ends.
func TestSameCompanyPauseThroughTransition(t *testing.T) {
	p := industrial()
	p.SameCompany = v1.SameCompanyPolicy{Action: v1.SameCompanyPause, PauseFor: dur("168h")}
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	in := input(l, p, at("2026-11-16T09:00:00Z"))
	res := send(t, in, decide(t, in), Sent, "")
	if len(res.Status.Touches) != 1 || res.Status.Phase != v1.PhaseInCadence {
		t.Fatalf("touches %+v phase %s", res.Status.Touches, res.Status.Phase)
	}

	in.Now = at("2026-11-17T15:00:00Z")
	in.Colleagues = []Colleague{{Name: "nordwind-jens", Answers: []Answer{{At: at("2026-11-17T14:00:00Z")}}}}
	before := l.Status.DeepCopy()
	res = decide(t, in)
	st := res.Status
	if st.Phase != v1.PhasePaused || st.SameCompany == nil || st.SameCompany.Lead != "nordwind-jens" {
		t.Fatalf("phase %s sameCompany %+v", st.Phase, st.SameCompany)
	}
	until := at("2026-11-24T14:00:00Z")
	if !st.SameCompany.Until.Time.Equal(until) || !st.NextTouchAt.Time.Equal(until) || !res.NextAt.Equal(until) {
		t.Errorf("until %v next touch %v wake %v, want %v", st.SameCompany.Until, st.NextTouchAt, res.NextAt, until)
	}
	if want := "paused until 2026-11-24 (lead nordwind-jens of the same company replied), then 2/3 send-catalog"; st.Stage != want {
		t.Errorf("stage %q, want %q", st.Stage, want)
	}
	c := meta.FindStatusCondition(st.Conditions, v1.ConditionSameCompany)
	if c == nil || c.Reason != v1.ReasonColleagueAnswered || !strings.HasPrefix(c.Message, "lead nordwind-jens of the same company replied: cadence paused until 2026-11-24") {
		t.Fatalf("condition %+v", c)
	}
	ev := Announce(before, &st)
	if ev == nil || ev.Reason != v1.EventSameCompanyPaused || !strings.Contains(ev.Message, "nordwind-jens") {
		t.Fatalf("event %+v", ev)
	}
	// Decided again while paused (also after the colleague is gone): no change, no event,
	// and send-catalog (due on the 18th) is not sent.
	for _, now := range []string{"2026-11-18T09:00:00Z", "2026-11-20T09:00:00Z"} {
		in.Now = at(now)
		in.Colleagues = nil
		before = l.Status.DeepCopy()
		res = decide(t, in)
		if res.Touch != nil || res.Status.Phase != v1.PhasePaused {
			t.Fatalf("%s: touch %+v phase %s", now, res.Touch, res.Status.Phase)
		}
		if ev := Announce(before, &res.Status); ev != nil {
			t.Errorf("%s: event %+v while nothing changed", now, ev)
		}
	}
	// The pause ends: the due touch goes out and the condition goes.
	in.Now = until
	before = l.Status.DeepCopy()
	res = decide(t, in)
	if res.Touch == nil || res.Touch.Record.Step != "send-catalog" || res.Status.Phase != v1.PhaseInCadence || res.Status.SameCompany != nil {
		t.Fatalf("after the pause: touch %+v phase %s sameCompany %+v", res.Touch, res.Status.Phase, res.Status.SameCompany)
	}
	if meta.FindStatusCondition(res.Status.Conditions, v1.ConditionSameCompany) != nil {
		t.Error("the condition stayed after the pause")
	}
	if ev := Announce(before, &res.Status); ev == nil || !strings.Contains(ev.Message, "the same-company pause is over") {
		t.Errorf("resume event %+v", ev)
	}
}

// Stop ends the cadence for good, naming the first colleague who answered; None and
// a lead that finished its cadence are left alone.
func TestSameCompanyStopThroughTransition(t *testing.T) {
	p := industrial()
	p.SameCompany = v1.SameCompanyPolicy{Action: v1.SameCompanyStop}
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	in := input(l, p, at("2026-11-16T09:00:00Z"))
	send(t, in, decide(t, in), Sent, "")
	in.Now = at("2026-11-17T15:00:00Z")
	in.Colleagues = []Colleague{{Name: "nordwind-jens", Answers: []Answer{{At: at("2026-11-17T14:00:00Z"), Meeting: true}}}}
	before := l.Status.DeepCopy()
	res := decide(t, in)
	if res.Status.Phase != v1.PhaseStopped || res.Status.Stage != "stopped: lead nordwind-jens of the same company booked a meeting" {
		t.Fatalf("phase %s stage %q", res.Status.Phase, res.Status.Stage)
	}
	ev := Announce(before, &res.Status)
	if ev == nil || ev.Reason != v1.EventSameCompanyStopped || strings.Count(ev.Message, "nordwind-jens") != 1 {
		t.Fatalf("event %+v", ev)
	}
	// A week later, with the colleague deleted meanwhile: still stopped, nothing sent.
	in.Now, in.Colleagues = at("2026-11-24T09:00:00Z"), nil
	if res := decide(t, in); res.Touch != nil || res.Status.Phase != v1.PhaseStopped ||
		meta.FindStatusCondition(res.Status.Conditions, v1.ConditionSameCompany) == nil {
		t.Fatalf("a week later: touch %+v phase %s", res.Touch, res.Status.Phase)
	}

	p2 := industrial() // None: a colleague's answer changes nothing
	l2 := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	in2 := input(l2, p2, at("2026-11-17T15:00:00Z"))
	in2.Colleagues = []Colleague{{Name: "nordwind-jens", Answers: []Answer{{At: at("2026-11-17T14:00:00Z")}}}}
	if res := decide(t, in2); res.Status.Phase == v1.PhaseStopped || res.Status.SameCompany != nil {
		t.Errorf("None: phase %s sameCompany %+v", res.Status.Phase, res.Status.SameCompany)
	}

	l3 := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	l3.Status.Phase = v1.PhaseFinished
	in3 := input(l3, p, at("2026-11-17T15:00:00Z"))
	in3.Colleagues = in2.Colleagues
	if h := SameCompanyHold(&p.SameCompany, at("2026-11-16T09:00:00Z"), in3.Now, in3.Colleagues); h == nil {
		t.Fatal("the hold itself applies")
	}
	tr := &transition{in: in3, now: in3.Now, st: l3.Status.DeepCopy(), submitted: at("2026-11-16T09:00:00Z")}
	tr.sameCompanyFrom()
	if tr.st.SameCompany != nil {
		t.Errorf("a finished lead was held: %+v", tr.st.SameCompany)
	}
}
