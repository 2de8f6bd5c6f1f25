package cadence

import (
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/leadfacts"
)

// SubmittedAt starts the first-response clock: leadfacts.SubmittedAt, the one rule every
// figure uses (a source time after the lead's creation or before 2000 is not believed;
// the lead's Valid condition says so).
func SubmittedAt(l *v1.Lead) time.Time { return leadfacts.SubmittedAt(l) }

// problem is something wrong in a lead's own spec that the engine works around.
type problem struct{ reason, message string }

// leadProblems lists what is wrong with a lead's spec, first the most important: an
// unknown tier (the strictest deadline applies), a submission time not believed (the
// creation time is used), template variables no template of the policy declares (they
// are ignored). Messages name fields and values ops wrote, never contact data.
func leadProblems(l *v1.Lead, p *v1.FollowUpPolicySpec) []problem {
	var out []problem
	if _, note := target(p, l.Spec.Tier); note != "" {
		out = append(out, problem{v1.ReasonUnknownTier, note})
	}
	if s := l.Spec.Source.SubmittedAt; s != nil && !SubmittedAt(l).Equal(s.Time) {
		out = append(out, problem{v1.ReasonInvalidSubmittedAt, fmt.Sprintf(
			"spec.source.submittedAt %s is after the lead was created (%s); the creation time starts the first-response clock",
			s.UTC().Format(time.RFC3339), l.CreationTimestamp.UTC().Format(time.RFC3339))})
	}
	declared := map[string]bool{}
	for _, t := range p.Templates {
		for name := range t.Variables {
			declared[name] = true
		}
	}
	var unknown []string
	for name := range l.Spec.Vars {
		if !declared[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		out = append(out, problem{v1.ReasonUnknownVariable, fmt.Sprintf("spec.vars %s: no template of the policy declares %s (declared: %s); ignored",
			strings.Join(unknown, ", "), pronoun(len(unknown)), orNone(sortedKeys(declared)))})
	}
	return out
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
