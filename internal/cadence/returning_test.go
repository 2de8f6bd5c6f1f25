package cadence

import (
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestReturningContactIsGreetedWithTheWelcomeBackTemplate: the first touch of a lead
// linked to an earlier one uses the policy's welcome-back template; later touches and
// leads without the link use their step's own.
func TestReturningContactIsGreetedWithTheWelcomeBackTemplate(t *testing.T) {
	p := industrial()
	p.ReturningContact = &v1.ReturningContactPolicy{Template: "welcome-back"}
	now := at("2026-11-16T10:00:00Z") // Monday, 11:00 in Berlin

	fresh := lead("Europe/Berlin", "standard", "2026-11-16T09:59:00Z")
	res := decide(t, input(fresh, p, now))
	if res.Touch == nil || res.Touch.Record.Template != "intro" {
		t.Fatalf("a new contact gets the first step's template: %+v", res.Touch)
	}

	back := lead("Europe/Berlin", "standard", "2026-11-16T09:59:00Z")
	back.Status.ReturningContact = &v1.ReturningContactStatus{PreviousLead: "earlier", PreviousUID: "u0", MatchedBy: v1.MatchedByEmail}
	in := input(back, p, now)
	res = decide(t, in)
	if res.Touch == nil || res.Touch.Record.Template != "welcome-back" || res.Touch.Record.Step != "introduce" {
		t.Fatalf("a returning contact's first touch: %+v", res.Touch)
	}
	res = send(t, in, res, Sent, "")
	in.Now = at("2026-11-18T10:00:00Z")
	res = decide(t, in)
	if res.Touch == nil || res.Touch.Record.Number != 2 || res.Touch.Record.Template != "catalog" {
		t.Fatalf("the second touch keeps its step's template: %+v", res.Touch)
	}
}

// TestWelcomeBackWinsOverAVariant: a step running an A/B test still greets a returning
// contact with the welcome-back template, and that touch is in no variant's figures.
func TestWelcomeBackWinsOverAVariant(t *testing.T) {
	p := industrial()
	p.ReturningContact = &v1.ReturningContactPolicy{Template: "welcome-back"}
	p.Steps[0].Variants = []v1.StepVariant{{Name: "a", Template: "intro", Weight: 1}, {Name: "b", Template: "catalog", Weight: 1}}
	now := at("2026-11-16T10:00:00Z")
	back := lead("Europe/Berlin", "standard", "2026-11-16T09:59:00Z")
	back.Status.ReturningContact = &v1.ReturningContactStatus{PreviousLead: "earlier", PreviousUID: "u0", MatchedBy: v1.MatchedByEmail}
	res := decide(t, input(back, p, now))
	if res.Touch == nil || res.Touch.Record.Template != "welcome-back" || res.Touch.Record.Variant != "" {
		t.Fatalf("a returning contact's first touch: %+v", res.Touch)
	}
	fresh := lead("Europe/Berlin", "standard", "2026-11-16T09:59:00Z")
	res = decide(t, input(fresh, p, now))
	if res.Touch == nil || res.Touch.Record.Variant == "" {
		t.Fatalf("a new contact is in a variant: %+v", res.Touch)
	}
}
