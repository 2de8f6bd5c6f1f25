package plugin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/plugin"
)

// TestReportByVariant: `report --by variant` lists each variant of an A/B step with its
// sends, reply rate, meetings and wins, and the test and p-value against the first.
func TestReportByVariant(t *testing.T) {
	ctx := context.Background()
	const ab = "report-ab"
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	_ = env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ab}})
	p := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "ab", Namespace: ab}, Spec: v1.FollowUpPolicySpec{
		Steps: []v1.Step{{Name: "introduce", Channel: "email", Template: "long", Variants: []v1.StepVariant{
			{Name: "long", Template: "long", Weight: 1}, {Name: "short", Template: "short", Weight: 1}}}},
		Templates: map[string]v1.MessageTemplate{"long": {Body: "long"}, "short": {Body: "short"}}}}
	if err := env.Client.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	bad := p.DeepCopy()
	bad.Name, bad.ResourceVersion = "bad", ""
	bad.Spec.Steps[0].Variants[1].Template = "missing"
	if err := env.Client.Create(ctx, bad); err == nil || !strings.Contains(err.Error(), "variant's template must be defined") {
		t.Errorf("a variant with an undefined template: %v", err)
	}
	sub := metav1.NewTime(now.Add(-24 * time.Hour))
	for i := range 10 {
		variant, replied := "long", i < 1 // long: 1 of 5 replied
		if i >= 5 {
			variant, replied = "short", i < 9 // short: 4 of 5
		}
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("ab-%d", i), Namespace: ab}, Spec: v1.LeadSpec{
			Policy: "ab", Contact: v1.Contact{Email: "x@example.com"}, Source: v1.LeadSource{SubmittedAt: &sub}}}
		if err := env.Client.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		l.Status.Touches = []v1.TouchRecord{{Number: 1, Step: "introduce", Variant: variant, Template: variant, Due: sub, PerformedAt: &sub,
			Result: v1.TouchSent, Key: fmt.Sprintf("k%d", i)}}
		if replied {
			l.Status.Engagement = v1.Engagement{Replies: 1, BestQuality: 3}
		}
		if err := env.Client.Status().Update(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	e := plugin.Env{Out: &out, Err: &errb, Now: func() time.Time { return now },
		Connect: func(_, _, _ string) (client.Client, string, string, error) { return env.Client, ab, "", nil }}
	if code := plugin.Run(ctx, []string{"report", "--by", "variant"}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	for _, want := range []string{"introduce  long     5      5      20.0% (1)", "control", "introduce  short    5      5      80.0% (4)",
		"Fisher exact p=0.206 (not significant)"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
	out.Reset()
	plugin.Run(ctx, []string{"report", "--by", "variant", "-o", "json"}, e)
	var j struct {
		Rows []struct {
			Variant string
			Leads   int
			Test    string
			P       float64
		}
	}
	if err := json.Unmarshal(out.Bytes(), &j); err != nil || len(j.Rows) != 2 || j.Rows[1].Test != "Fisher exact" {
		t.Errorf("json: %v %s", err, out.String())
	}
}
