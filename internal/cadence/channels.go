package cadence

import (
	"strings"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// chooseChannel picks the step's channel or the first usable fallback: one that exists,
// has not failed for this touch, and can reach the contact. Empty: none is left.
func (t *transition) chooseChannel(step v1.Step, failed []string) string {
	tried := map[string]bool{}
	for _, f := range failed {
		tried[f] = true
	}
	for _, name := range append([]string{step.Channel}, step.Fallback...) {
		ch, ok := t.in.Channels[name]
		if name == "" || tried[name] || !ok || !Reaches(ch.Type, t.in.Lead.Spec.Contact) {
			continue
		}
		return name
	}
	return ""
}

// Reaches says whether a channel type can reach the contact with what the lead holds.
// WhatsApp reaches the contact's WhatsApp number, else their phone number: most mobile
// numbers in export markets are on WhatsApp, and the Cloud API answers "not a WhatsApp
// user" for one that is not, which makes the step fall back.
func Reaches(t v1.ChannelType, c v1.Contact) bool {
	switch t {
	case v1.ChannelSMTP:
		return c.Email != ""
	case v1.ChannelWhatsApp:
		return c.WhatsApp != "" || c.Phone != ""
	}
	return true
}

// ownerChannel is where the owner hears about a task or a notice: their own chat
// channel in the campaign, else the task channel's notify channel, else the notify
// channel of any task step of the policy, else the policy's hand-over channel.
func (t *transition) ownerChannel(owner, taskChannel string) string {
	if c := t.in.Reps.Chat[owner]; c != "" && owner != "" {
		return c
	}
	if n := t.in.Channels[taskChannel].Notify; taskChannel != "" && n != "" {
		return n
	}
	for _, s := range allSteps(t.in.Policy) {
		if n := t.in.Channels[s.Channel].Notify; s.Channel != "" && n != "" {
			return n
		}
	}
	return t.in.Policy.HandToHuman.Notify
}

func allSteps(p *v1.FollowUpPolicySpec) []v1.Step {
	return append(append([]v1.Step(nil), p.Steps...), p.AfterLastStep.Reactivation...)
}

func joinNames(names []string) string {
	var out []string
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return "no channel named"
	}
	return strings.Join(out, ", ")
}
