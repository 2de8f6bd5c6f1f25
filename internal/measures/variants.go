package measures

import (
	"fmt"
	"math"
	"sort"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// VariantGroup is the figures of the leads that got one variant of a step.
type VariantGroup struct {
	Step, Variant string
	Sends, Leads  int
	Replied       int
	ReplyRate     float64
	QualityMix    [3]int
	Meetings, Won int
	Test          string  // "Fisher exact" or "two-proportion z-test"; empty on the control
	P             float64 // two-sided p-value of the reply rate against the control
	Significant   bool    // P < 0.05
	Control       bool    // the step's first variant, the others are compared with it
}

// Alpha is the significance level of the verdicts.
const Alpha = 0.05

// Variants measures each A/B variant of each step over the leads submitted in the
// window: sends, leads, the leads that replied, their best reply quality, meetings
// booked and wins; then compares each variant's reply rate with the step's control
// (its first variant in order, else the first by name): Fisher's exact test when a 2x2
// cell expects fewer than 5 leads, else the two-proportion z-test, two-sided. A lead
// counts once per step, under the variant its touch recorded.
func Variants(leads []v1.Lead, order map[string][]string, o Options) []VariantGroup {
	type key struct{ step, variant string }
	groups := map[key]*VariantGroup{}
	for _, l := range inWindow(leads, o) {
		counted := map[key]bool{}
		for _, t := range l.Status.Touches {
			if t.Variant == "" {
				continue
			}
			k := key{t.Step, t.Variant}
			g := groups[k]
			if g == nil {
				g = &VariantGroup{Step: t.Step, Variant: t.Variant}
				groups[k] = g
			}
			if t.Result == v1.TouchSent || t.Result == v1.TouchDone {
				g.Sends++
			}
			if counted[k] {
				continue
			}
			counted[k] = true
			g.Leads++
			if l.Status.Engagement.Replies > 0 {
				g.Replied++
			}
			if q := l.Status.Engagement.BestQuality; q >= 1 && q <= 3 {
				g.QualityMix[q-1]++
			}
			if bookedMeeting(l) {
				g.Meetings++
			}
			if out := l.Spec.Outcome; out != nil && out.Result == v1.OutcomeWon {
				g.Won++
			}
		}
	}
	out := make([]VariantGroup, 0, len(groups))
	for _, g := range groups {
		g.ReplyRate = ratio(g.Replied, g.Leads)
		out = append(out, *g)
	}
	rank := func(g VariantGroup) int {
		for i, v := range order[g.Step] {
			if v == g.Variant {
				return i
			}
		}
		return math.MaxInt32
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Step != b.Step {
			return a.Step < b.Step
		}
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		return a.Variant < b.Variant
	})
	for i := range out {
		if i == 0 || out[i].Step != out[i-1].Step {
			out[i].Control = true
			continue
		}
		c := &out[i]
		var ctl VariantGroup
		for j := i - 1; j >= 0; j-- {
			if out[j].Control {
				ctl = out[j]
				break
			}
		}
		c.Test, c.P = CompareRates(c.Replied, c.Leads, ctl.Replied, ctl.Leads)
		c.Significant = c.Test != "" && c.P < Alpha
	}
	return out
}

// bookedMeeting says whether a lead booked a meeting, compacted entries included.
func bookedMeeting(l *v1.Lead) bool {
	if e := l.Status.Earlier; e != nil && e.Stop == v1.StopMeetingBooked {
		return true
	}
	for _, list := range [][]v1.InteractionEntry{l.Spec.Interactions, l.Status.Interactions} {
		for _, in := range list {
			if in.Kind == v1.InteractionMeetingBooked {
				return true
			}
		}
	}
	return false
}

// CompareRates tests whether x1/n1 and x2/n2 differ, two-sided: Fisher's exact test when
// a cell of the 2x2 table expects fewer than 5, else the pooled two-proportion z-test.
// It names the test; "" when either group is empty.
func CompareRates(x1, n1, x2, n2 int) (test string, p float64) {
	if n1 == 0 || n2 == 0 {
		return "", 1
	}
	n := n1 + n2
	yes, no := x1+x2, n-x1-x2
	minExpected := math.Min(float64(min(n1, n2))*float64(min(yes, no))/float64(n), math.Inf(1))
	if minExpected < 5 {
		return "Fisher exact", fisherExact(x1, n1-x1, x2, n2-x2)
	}
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	pool := float64(yes) / float64(n)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return "two-proportion z-test", 1
	}
	z := (p1 - p2) / se
	return "two-proportion z-test", math.Erfc(math.Abs(z) / math.Sqrt2)
}

// fisherExact is the two-sided p-value of the 2x2 table [[a b] [c d]]: the summed
// probability of every table with the same margins no more likely than this one.
func fisherExact(a, b, c, d int) float64 {
	r1, c1, n := a+b, a+c, a+b+c+d
	lf := func(k int) float64 { v, _ := math.Lgamma(float64(k + 1)); return v }
	logP := func(x int) float64 {
		return lf(r1) + lf(n-r1) + lf(c1) + lf(n-c1) - lf(n) - lf(x) - lf(r1-x) - lf(c1-x) - lf(n-r1-c1+x)
	}
	observed := logP(a)
	p := 0.0
	for x := max(0, r1+c1-n); x <= min(r1, c1); x++ {
		if lp := logP(x); lp <= observed+1e-7 {
			p += math.Exp(lp)
		}
	}
	return math.Min(p, 1)
}

// Verdict says it for people: "Fisher exact p=0.031 (significant at 0.05)".
func (g VariantGroup) Verdict() string {
	if g.Control {
		return "control"
	}
	if g.Test == "" {
		return "no data"
	}
	s := fmt.Sprintf("%s p=%.3g", g.Test, g.P)
	if g.Significant {
		return s + " (significant at 0.05)"
	}
	return s + " (not significant)"
}

// VariantOrder is each step's variants in the policy's order (the first is the control).
func VariantOrder(p *v1.FollowUpPolicySpec) map[string][]string {
	out := map[string][]string{}
	for _, steps := range [][]v1.Step{p.Steps, p.AfterLastStep.Reactivation} {
		for _, s := range steps {
			for _, v := range s.Variants {
				out[s.Name] = append(out[s.Name], v.Name)
			}
		}
	}
	return out
}
