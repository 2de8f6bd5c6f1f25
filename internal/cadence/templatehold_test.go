package cadence

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// nudgePolicy: an email first, then a WhatsApp template a day later, in Berlin's
// business hours.
func nudgePolicy() *v1.FollowUpPolicySpec {
	p := industrial()
	p.Steps = []v1.Step{
		{Name: "introduce", Channel: "email", Template: "intro", PerformedBy: v1.PerformedByAutomation},
		{Name: "nudge", After: dur("24h"), Channel: "whatsapp", Template: "nudge", PerformedBy: v1.PerformedByAutomation,
			WhatsAppTemplate: &v1.WhatsAppTemplate{Name: "nudge_v1", Language: "de"}},
	}
	return p
}

// whatsAppWith is the suite's channels with the WhatsApp channel's templates as Meta
// reported them.
func whatsAppWith(templates ...v1.WhatsAppTemplateState) map[string]ChannelState {
	out := map[string]ChannelState{}
	for k, v := range channels {
		out[k] = v
	}
	wa := out["whatsapp"]
	wa.Language = "en"
	wa.HeldTemplates = HeldTemplates(&v1.WhatsAppChannelStatus{Templates: templates})
	out["whatsapp"] = wa
	return out
}

func delivering(st v1.LeadStatus) *metav1.Condition {
	return meta.FindStatusCondition(st.Conditions, v1.ConditionDelivering)
}

// TestPausedTemplateHoldsItsStepUntilReinstated: the step whose template Meta paused
// is held outside the window (no touch, nothing failed or skipped), says which template
// holds it once, and resumes when the template is reinstated: released on a Sunday
// night just after the clocks went back, it goes out at Monday's first business hour.
func TestPausedTemplateHoldsItsStepUntilReinstated(t *testing.T) {
	p := nudgePolicy()
	l := lead("Europe/Berlin", "standard", "2026-10-22T08:00:00Z") // Thursday 10:00 CEST
	paused := whatsAppWith(v1.WhatsAppTemplateState{Name: "nudge_v1", Language: "de", Status: "PAUSED", Reason: "FIRST_PAUSE"})

	in := input(l, p, at("2026-10-22T08:00:00Z"))
	in.Channels = paused
	res := decide(t, in)
	if res.Touch == nil || res.Touch.Record.Step != "introduce" {
		t.Fatalf("first touch: %+v", res.Touch)
	}
	send(t, in, res, Sent, "")

	// Friday 10:00 CEST: the nudge is due, its template paused. The contact never
	// wrote on WhatsApp: outside the window, only the template could go.
	before := l.Status.DeepCopy()
	in.Now = at("2026-10-23T08:00:00Z")
	res = decide(t, in)
	if res.Touch != nil || len(l.Status.Touches) != 1 {
		t.Fatalf("a held step made a touch: %+v %+v", res.Touch, l.Status.Touches)
	}
	if l.Status.Phase != v1.PhaseInCadence || l.Status.Step != 2 {
		t.Errorf("held lead: phase %s step %d", l.Status.Phase, l.Status.Step)
	}
	if !strings.Contains(l.Status.Stage, "held: WhatsApp template nudge_v1 (de) PAUSED (FIRST_PAUSE)") {
		t.Errorf("stage %q", l.Status.Stage)
	}
	if c := delivering(l.Status); c == nil || c.Status != metav1.ConditionFalse || c.Reason != v1.ReasonTemplateHeld ||
		!strings.Contains(c.Message, "step nudge waits: WhatsApp template nudge_v1 (de) on channel whatsapp is PAUSED") {
		t.Errorf("Delivering %+v", c)
	}
	if e := Announce(before, &l.Status); e == nil || e.Reason != v1.EventTemplateHeld || !e.Warning {
		t.Errorf("hold event %+v", e)
	}
	// Still held two hours later: no second event, still no touch.
	before = l.Status.DeepCopy()
	in.Now = at("2026-10-23T10:00:00Z")
	if res = decide(t, in); res.Touch != nil {
		t.Fatal("sent while held")
	}
	if e := Announce(before, &l.Status); e != nil {
		t.Errorf("a second event while the hold lasts: %+v", e)
	}

	// Meta reinstates it on Sunday 03:30 CET, an hour after the clocks went back.
	in.Channels = whatsAppWith(v1.WhatsAppTemplateState{Name: "nudge_v1", Language: "de", Status: "REINSTATED"})
	in.Now = at("2026-10-25T02:30:00Z")
	before = l.Status.DeepCopy()
	res = decide(t, in)
	if res.Touch != nil {
		t.Fatal("a released step went out on a Sunday night")
	}
	monday := at("2026-10-26T08:00:00Z") // 09:00 CET
	if !res.NextAt.Equal(monday) || l.Status.NextTouchAt == nil || !l.Status.NextTouchAt.Time.Equal(monday) {
		t.Errorf("resumes at %v (next touch %v), want Monday 09:00 CET %v", res.NextAt, l.Status.NextTouchAt, monday)
	}
	if c := delivering(l.Status); c == nil || c.Reason == v1.ReasonTemplateHeld {
		t.Errorf("Delivering after the release %+v", c)
	}
	if e := Announce(before, &l.Status); e == nil || e.Reason != v1.EventTemplateUsable {
		t.Errorf("release event %+v", e)
	}
	in.Now = monday
	res = decide(t, in)
	if res.Touch == nil || res.Touch.Record.Step != "nudge" || res.Touch.Record.Channel != "whatsapp" {
		t.Fatalf("the nudge after the release: %+v", res.Touch)
	}
}

// TestRedQualityHoldsOnlyItsTemplate: a template rated RED holds its step until its
// quality recovers; the same name in another language, or a flagged template that
// Meta still sends, holds nothing.
func TestRedQualityHoldsOnlyItsTemplate(t *testing.T) {
	p := nudgePolicy()
	l := lead("Europe/Berlin", "standard", "2026-11-16T08:00:00Z") // Monday
	in := input(l, p, at("2026-11-16T08:00:00Z"))
	send(t, in, decide(t, in), Sent, "")
	in.Now = at("2026-11-17T08:00:00Z")

	for _, c := range []struct {
		name  string
		state v1.WhatsAppTemplateState
		held  bool
	}{
		{"red", v1.WhatsAppTemplateState{Name: "nudge_v1", Language: "de", Status: "APPROVED", Quality: "RED"}, true},
		{"other language", v1.WhatsAppTemplateState{Name: "nudge_v1", Language: "en_US", Status: "PAUSED"}, false},
		{"flagged", v1.WhatsAppTemplateState{Name: "nudge_v1", Language: "de", Status: "APPROVED", LastEvent: "FLAGGED", Quality: "YELLOW"}, false},
		{"disabled", v1.WhatsAppTemplateState{Name: "nudge_v1", Language: "de", Status: "DISABLED"}, true},
		{"pending deletion", v1.WhatsAppTemplateState{Name: "nudge_v1", Language: "de", Status: "PENDING_DELETION"}, true},
		{"rejected", v1.WhatsAppTemplateState{Name: "nudge_v1", Language: "de", Status: "REJECTED", Reason: "INVALID_FORMAT"}, true},
	} {
		lc := l.DeepCopy()
		cin := in
		cin.Lead, cin.Channels = lc, whatsAppWith(c.state)
		res, err := Transition(cin)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Touch == nil; got != c.held {
			t.Errorf("%s: held %v, want %v (touch %+v)", c.name, got, c.held, res.Touch)
		}
	}
}

// TestHeldStepsOfAPolicy names the steps a held template holds, for the policy.
func TestHeldStepsOfAPolicy(t *testing.T) {
	got := HeldSteps(nudgePolicy(), whatsAppWith(v1.WhatsAppTemplateState{Name: "nudge_v1", Language: "de", Status: "PAUSED"}))
	if len(got) != 1 || got[0] != "step nudge: WhatsApp template nudge_v1 (de) on channel whatsapp is PAUSED" {
		t.Errorf("%q", got)
	}
	if got := HeldSteps(nudgePolicy(), whatsAppWith()); len(got) != 0 {
		t.Errorf("nothing held: %q", got)
	}
}
