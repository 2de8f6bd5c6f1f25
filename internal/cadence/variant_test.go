package cadence

import (
	"fmt"
	"math"
	"testing"

	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func abStep() v1.Step {
	return v1.Step{Name: "send-catalog", Template: "catalog", Variants: []v1.StepVariant{
		{Name: "long", Template: "catalog", Weight: 3}, {Name: "short", Template: "catalog-short", Weight: 1}}}
}

// Variants follow the weights over many leads, and each lead's is fixed by its UID.
func TestVariantForIsStableAndWeighted(t *testing.T) {
	step := abStep()
	counts := map[string]int{}
	const n = 20000
	for i := range n {
		uid := fmt.Sprintf("5b1c%04x-0000-4000-8000-%012d", i%65536, i)
		v, ok := VariantFor(uid, step)
		if !ok {
			t.Fatal("no variant")
		}
		if again, _ := VariantFor(uid, step); again.Name != v.Name {
			t.Fatalf("lead %s got %s then %s", uid, v.Name, again.Name)
		}
		counts[v.Name]++
	}
	if share := float64(counts["long"]) / n; math.Abs(share-0.75) > 0.015 {
		t.Errorf("long got %.3f of the leads, want 0.75 (counts %v)", share, counts)
	}
	if _, ok := VariantFor("x", v1.Step{Name: "plain"}); ok {
		t.Error("a step without variants has a variant")
	}
}

// The touch records the variant and sends its template; the same lead decided again
// after a restart (a fresh Transition on the stored status) keeps it.
func TestTouchRecordsItsVariant(t *testing.T) {
	p := industrial()
	p.Steps[0].Variants = []v1.StepVariant{{Name: "a", Template: "intro", Weight: 1}, {Name: "b", Template: "intro-b", Weight: 1}}
	seen := map[string]bool{}
	for i := range 40 {
		l := lead("Europe/Berlin", "high", "2026-11-23T10:00:00Z")
		l.UID = types.UID(fmt.Sprintf("uid-%d", i))
		res := decide(t, input(l, p, at("2026-11-23T10:00:00Z")))
		want, _ := VariantFor(string(l.UID), p.Steps[0])
		if res.Touch == nil || res.Touch.Record.Variant != want.Name || res.Touch.Record.Template != want.Template {
			t.Fatalf("touch %+v, want variant %s with template %s", res.Touch, want.Name, want.Template)
		}
		res = decide(t, input(l, p, at("2026-11-23T10:00:00Z")))
		if res.Touch == nil || res.Touch.Record.Variant != want.Name {
			t.Fatalf("after a restart the touch is %+v", res.Touch)
		}
		seen[want.Name] = true
	}
	if !seen["a"] || !seen["b"] {
		t.Errorf("40 leads all got one variant: %v", seen)
	}
}
