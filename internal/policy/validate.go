// Package policy checks a FollowUpPolicy for what CEL cannot see (time zones, holiday
// dates, template syntax and variables) and names the channels it depends on. It has no
// Kubernetes client.
package policy

import (
	"fmt"
	"sort"
	"strings"
	"time"

	// Embedded zone data: a minimal image has no /usr/share/zoneinfo.
	_ "time/tzdata"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/templates"
)

// Problem is why a policy cannot be used: a condition reason and a message for people.
type Problem struct {
	Reason  string
	Message string
}

func (p *Problem) Error() string { return p.Reason + ": " + p.Message }

// Validate returns the first problem of spec in a stable order, or nil. It also returns
// the compiled templates by name so callers need not parse twice.
func Validate(spec *v1.FollowUpPolicySpec) (map[string]*templates.Compiled, *Problem) {
	if _, err := time.LoadLocation(spec.Schedule.TimeZone); err != nil || spec.Schedule.TimeZone == "" {
		return nil, &Problem{v1.ReasonInvalidTimeZone,
			fmt.Sprintf("schedule.timeZone %q is not an IANA time zone such as Europe/Berlin", spec.Schedule.TimeZone)}
	}
	for _, d := range spec.Schedule.Holidays {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return nil, &Problem{v1.ReasonInvalidHoliday, fmt.Sprintf("schedule.holidays: %q is not a calendar date", d)}
		}
	}
	compiled := make(map[string]*templates.Compiled, len(spec.Templates))
	for _, name := range sortedKeys(spec.Templates) {
		t := spec.Templates[name]
		c, err := templates.Compile(name, templates.Source{Subject: t.Subject, Body: t.Body, Variables: t.Variables})
		if err != nil {
			return nil, &Problem{v1.ReasonInvalidTemplate, fmt.Sprintf("template %s%s: %v", name, usedBy(spec, name), err)}
		}
		compiled[name] = c
		for _, lang := range sortedKeys(t.Translations) {
			tr := t.Translations[lang]
			if _, err := templates.Compile(name, templates.Source{Subject: tr.Subject, Body: tr.Body, Variables: t.Variables}); err != nil {
				return nil, &Problem{v1.ReasonInvalidTemplate, fmt.Sprintf("template %s%s, %s translation: %v", name, usedBy(spec, name), lang, err)}
			}
		}
	}
	for _, st := range AllSteps(spec) {
		w := st.WhatsAppTemplate
		if w == nil {
			continue
		}
		for i, p := range w.Parameters {
			if _, err := templates.Compile(w.Name, templates.Source{Body: p}); err != nil {
				return nil, &Problem{v1.ReasonInvalidTemplate, fmt.Sprintf("step %s: whatsAppTemplate %s parameter %d: %v", st.Name, w.Name, i+1, err)}
			}
		}
	}
	return compiled, nil
}

// usedBy names the steps that use a template, so a message points at the step to fix.
func usedBy(spec *v1.FollowUpPolicySpec, template string) string {
	var steps []string
	for _, s := range AllSteps(spec) {
		if s.Template == template {
			steps = append(steps, s.Name)
		}
	}
	if len(steps) == 0 {
		return ""
	}
	return fmt.Sprintf(" (step %s)", strings.Join(steps, ", "))
}

// AllSteps is the cadence followed by the reactivation steps.
func AllSteps(spec *v1.FollowUpPolicySpec) []v1.Step {
	out := make([]v1.Step, 0, len(spec.Steps)+len(spec.AfterLastStep.Reactivation))
	out = append(out, spec.Steps...)
	return append(out, spec.AfterLastStep.Reactivation...)
}

// ChannelRef is a channel the policy names and where.
type ChannelRef struct {
	Channel string
	// Where is "step introduce", "step introduce fallback", "escalation.onBreach.notify",
	// "handToHuman.notify".
	Where string
}

// ChannelRefs lists the channels the policy names, in policy order.
func ChannelRefs(spec *v1.FollowUpPolicySpec) []ChannelRef {
	var refs []ChannelRef
	for _, s := range AllSteps(spec) {
		if s.Channel != "" {
			refs = append(refs, ChannelRef{s.Channel, "step " + s.Name})
		}
		for _, f := range s.Fallback {
			refs = append(refs, ChannelRef{f, "step " + s.Name + " fallback"})
		}
	}
	if e := spec.Escalation; e != nil && e.OnBreach != nil && e.OnBreach.Notify != "" {
		refs = append(refs, ChannelRef{e.OnBreach.Notify, "escalation.onBreach.notify"})
	}
	if n := spec.HandToHuman.Notify; n != "" {
		refs = append(refs, ChannelRef{n, "handToHuman.notify"})
	}
	return refs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
