package cadence

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// A WhatsApp template Meta paused, disabled, rejected, scheduled for deletion or rated
// RED cannot be sent: the Cloud API refuses it. The step that sends it is held: its
// touch is not created (no key, no attempt, nothing failed or skipped), the lead waits
// at that step, and the step goes out when Meta approves or reinstates the template or
// its quality recovers. Inside the 24-hour window a free-form message would be legal
// (Meta pauses the template, not the number), but the step is held all the same: the
// sender decides text or template by its own clock at the send, a reply usually ends
// the cadence anyway, and a pause lasts hours.

// TemplateRef names a WhatsApp template as Meta keys it: name and language.
type TemplateRef struct {
	Name, Language string
}

func (r TemplateRef) String() string { return r.Name + " (" + r.Language + ")" }

// TemplateHold says why a template cannot be sent: a CamelCase reason and Meta's words.
type TemplateHold struct {
	Reason string
	Why    string
}

// TemplateLanguage is a template language code as stored and compared: Meta writes
// en-US in some webhooks and en_US in the API.
func TemplateLanguage(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "-", "_") }

// heldStatuses are the template statuses that cannot be sent, with their reasons.
var heldStatuses = map[string]string{
	"PAUSED":           v1.ReasonTemplatePaused,
	"DISABLED":         v1.ReasonTemplateDisabled,
	"REJECTED":         v1.ReasonTemplateRejected,
	"IN_APPEAL":        v1.ReasonTemplateRejected,
	"PENDING_DELETION": v1.ReasonTemplateDeleted,
	"DELETED":          v1.ReasonTemplateDeleted,
	"ARCHIVED":         v1.ReasonTemplateDeleted,
	"PENDING":          v1.ReasonTemplatePending,
}

// TemplateStatusEvent says whether a Meta template event sets the template's status
// (APPROVED, REINSTATED and the held ones); the others (FLAGGED, LOCKED, UNLOCKED,
// LIMIT_EXCEEDED) leave it as it was: a flagged template still sends.
func TemplateStatusEvent(event string) bool {
	_, held := heldStatuses[event]
	return held || event == "APPROVED" || event == "REINSTATED"
}

// HoldOf says whether a template's state holds its steps; nil when it can be sent.
func HoldOf(s v1.WhatsAppTemplateState) *TemplateHold {
	why := s.Status
	if s.Reason != "" {
		why += " (" + s.Reason + ")"
	}
	if r, ok := heldStatuses[s.Status]; ok {
		return &TemplateHold{Reason: r, Why: why}
	}
	if s.Quality == "RED" {
		return &TemplateHold{Reason: v1.ReasonTemplateLowQuality, Why: "quality RED"}
	}
	return nil
}

// HeldTemplates are the templates of a channel's status that hold steps; nil when none.
func HeldTemplates(st *v1.WhatsAppChannelStatus) map[TemplateRef]TemplateHold {
	if st == nil {
		return nil
	}
	var out map[TemplateRef]TemplateHold
	for _, s := range st.Templates {
		if h := HoldOf(s); h != nil {
			if out == nil {
				out = map[TemplateRef]TemplateHold{}
			}
			out[TemplateRef{s.Name, TemplateLanguage(s.Language)}] = *h
		}
	}
	return out
}

// StepTemplate is the approved template a step sends on a WhatsApp channel whose
// templates are in channelLanguage; false when the step declares none.
func StepTemplate(step v1.Step, channelLanguage string) (TemplateRef, bool) {
	w := step.WhatsAppTemplate
	if w == nil || w.Name == "" {
		return TemplateRef{}, false
	}
	lang := w.Language
	if lang == "" {
		lang = channelLanguage
	}
	if lang == "" {
		lang = "en"
	}
	return TemplateRef{w.Name, TemplateLanguage(lang)}, true
}

// heldStep is a step held by its template.
type heldStep struct {
	step    string
	channel string
	ref     TemplateRef
	hold    TemplateHold
}

// templateHold says whether the step's touch, on the channel it would go through
// (channel, or the first usable one when empty), is held by its template, and
// remembers it for the stage and the Delivering condition.
func (t *transition) templateHold(step v1.Step, channel string, failed []string) bool {
	if step.PerformedBy == v1.PerformedByOwner {
		return false
	}
	if channel == "" {
		channel = t.chooseChannel(step, failed)
	}
	ch, ok := t.in.Channels[channel]
	if !ok || ch.Type != v1.ChannelWhatsApp || len(ch.HeldTemplates) == 0 {
		return false
	}
	ref, ok := StepTemplate(step, ch.Language)
	if !ok {
		return false
	}
	h, held := ch.HeldTemplates[ref]
	if !held {
		return false
	}
	t.held = &heldStep{step: step.Name, channel: channel, ref: ref, hold: h}
	return true
}

// heldMessage is what the lead says about its held step.
func (h *heldStep) message() string {
	return fmt.Sprintf("step %s waits: WhatsApp template %s on channel %s is %s; it goes out when Meta approves or reinstates it",
		h.step, h.ref, h.channel, h.hold.Why)
}

// markHeld shows a held step in the stage and the Delivering condition (a hold says
// more than a channel's older failure).
func (t *transition) markHeld() {
	afterSale := t.st.Phase == v1.PhaseWon && t.st.AfterSales != nil
	if t.held == nil || t.st.Phase != v1.PhaseInCadence && !afterSale {
		return
	}
	t.st.Stage = truncate(t.st.Stage+" (held: WhatsApp template "+t.held.ref.String()+" "+t.held.hold.Why+")", 200)
	t.deliveryReason, t.deliveryProblem = v1.ReasonTemplateHeld, t.held.message()
}

// templateHoldChanges announces a hold once when it begins, and once when it ends.
func templateHoldChanges(before, after *v1.LeadStatus, add func(rank int, warning bool, reason, format string, args ...any)) {
	heldNow := isHeld(after)
	switch wasHeld := isHeld(before); {
	case heldNow && !wasHeld:
		add(24, true, v1.EventTemplateHeld, "%s", meta.FindStatusCondition(after.Conditions, v1.ConditionDelivering).Message)
	case wasHeld && !heldNow && !after.Phase.Closed():
		add(27, false, v1.EventTemplateUsable, "the WhatsApp template is usable again: %s", after.Stage)
	}
}

func isHeld(st *v1.LeadStatus) bool {
	c := meta.FindStatusCondition(st.Conditions, v1.ConditionDelivering)
	return c != nil && c.Reason == v1.ReasonTemplateHeld
}

// HeldSteps are the steps of a policy that the channels' held templates hold, as
// "step <name>: WhatsApp template <name> (<lang>) on channel <ch> is <status>", in
// policy order, for the policy's TemplatesHealthy condition.
func HeldSteps(p *v1.FollowUpPolicySpec, channels map[string]ChannelState) []string {
	var out []string
	for _, s := range allSteps(p) {
		ch, ok := channels[s.Channel]
		if !ok || ch.Type != v1.ChannelWhatsApp || s.PerformedBy == v1.PerformedByOwner {
			continue
		}
		ref, ok := StepTemplate(s, ch.Language)
		if !ok {
			continue
		}
		if h, held := ch.HeldTemplates[ref]; held {
			msg := fmt.Sprintf("step %s: WhatsApp template %s on channel %s is %s", s.Name, ref, s.Channel, h.Why)
			if !slices.Contains(out, msg) {
				out = append(out, msg)
			}
		}
	}
	return out
}
