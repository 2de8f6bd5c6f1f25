package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func policyWithChannel(ns, channel string) *v1.FollowUpPolicy {
	return &v1.FollowUpPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "industrial", Namespace: ns},
		Spec: v1.FollowUpPolicySpec{
			Schedule: v1.Schedule{TimeZone: "Europe/Berlin"},
			Steps: []v1.Step{
				{Name: "introduce", Channel: channel, Template: "intro"},
				{Name: "call-with-offer", PerformedBy: v1.PerformedByOwner, Template: "call"},
			},
			Templates: map[string]v1.MessageTemplate{
				"intro": {Subject: "{{ .Company }}: your inquiry", Body: "Hello {{ .FirstName }}, I'm {{ .Owner.Name }}."},
				"call":  {Body: "Call {{ .Name }} about {{ .Product }}; offer {{ .Vars.offer }}", Variables: map[string]string{"offer": "a free sample"}},
			},
		},
	}
}

func webhookChannel(ns, name string) *v1.Channel {
	return &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1.ChannelSpec{Type: v1.ChannelWebhook, Webhook: &v1.WebhookChannel{URL: "http://127.0.0.1:1/touch"}}}
}

// readyState reads Ready and Stalled of a policy as "Ready=True" or
// "Ready=False/Stalled=True reason: message".
func policyHealth(t *testing.T, key client.ObjectKey) (v1.FollowUpPolicy, string) {
	t.Helper()
	var p v1.FollowUpPolicy
	if err := k8s.Get(context.Background(), key, &p); err != nil {
		t.Fatal(err)
	}
	ready := condition(p.Status.Conditions, v1.ConditionReady)
	if ready == nil {
		return p, "no Ready condition"
	}
	stalled := condition(p.Status.Conditions, v1.ConditionStalled)
	s := "Ready=" + string(ready.Status)
	if stalled != nil {
		s += "/Stalled=" + string(stalled.Status)
	}
	return p, fmt.Sprintf("%s %s: %s", s, ready.Reason, ready.Message)
}

func TestPolicyMissingChannelStallsThenRecovers(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	p := policyWithChannel(ns, "email-eu")
	if err := k8s.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	key := client.ObjectKeyFromObject(p)

	eventually(t, 10*time.Second, func() string {
		got, h := policyHealth(t, key)
		if !strings.HasPrefix(h, "Ready=False/Stalled=True ChannelNotFound: step introduce: channel \"email-eu\" not found") {
			return h
		}
		if got.Status.ObservedGeneration != got.Generation {
			return "observedGeneration not current"
		}
		return ""
	})

	// Creating the channel makes the policy usable without touching the policy.
	if err := k8s.Create(ctx, webhookChannel(ns, "email-eu")); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, func() string {
		got, h := policyHealth(t, key)
		if !strings.HasPrefix(h, "Ready=True Valid: policy is valid: 2 steps") {
			return h
		}
		if got.Status.Steps != 2 || len(got.Status.StepsRevision) != 10 {
			return fmt.Sprintf("status steps=%d revision=%q", got.Status.Steps, got.Status.StepsRevision)
		}
		return ""
	})

	// One event per transition: a warning, then a recovery.
	eventually(t, 10*time.Second, func() string {
		ev := eventsFor(t, p)
		if len(ev[v1.ReasonChannelNotFound]) != 1 || ev[v1.ReasonChannelNotFound][0].Type != "Warning" || len(ev[v1.ReasonValid]) != 1 {
			return fmt.Sprintf("events: %d ChannelNotFound, %d Valid", len(ev[v1.ReasonChannelNotFound]), len(ev[v1.ReasonValid]))
		}
		return ""
	})
}

func TestPolicyTemplateProblemsNameTheStep(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(p *v1.FollowUpPolicy)
		want   string
	}{
		{"unknown variable", func(p *v1.FollowUpPolicy) {
			p.Spec.Templates["intro"] = v1.MessageTemplate{Body: "Hello {{ .Prodcut }}"}
		}, "InvalidTemplate: template intro (step introduce): body: line 1:9: unknown variable .Prodcut"},
		{"undeclared template variable", func(p *v1.FollowUpPolicy) {
			p.Spec.Templates["call"] = v1.MessageTemplate{Body: "Offer {{ .Vars.discount }}", Variables: map[string]string{"offer": "x"}}
		}, "template call (step call-with-offer): body: line 1:14: unknown variable .Vars.discount: declare \"discount\""},
		{"does not parse", func(p *v1.FollowUpPolicy) {
			p.Spec.Templates["intro"] = v1.MessageTemplate{Subject: "{{ .Company ", Body: "x"}
		}, "template intro (step introduce): subject: does not parse"},
		{"unknown function", func(p *v1.FollowUpPolicy) {
			p.Spec.Templates["intro"] = v1.MessageTemplate{Body: "{{ upper .Name }}"}
		}, "function \"upper\" not defined"},
		{"bad time zone", func(p *v1.FollowUpPolicy) {
			p.Spec.Schedule.TimeZone = "Europe/Atlantis"
		}, "InvalidTimeZone: schedule.timeZone \"Europe/Atlantis\" is not an IANA time zone"},
		{"impossible holiday", func(p *v1.FollowUpPolicy) {
			p.Spec.Schedule.Holidays = []string{"2026-02-30"}
		}, "InvalidHoliday: schedule.holidays: \"2026-02-30\" is not a calendar date"},
	}
	ctx := context.Background()
	ns := newNamespace(t)
	if err := k8s.Create(ctx, webhookChannel(ns, "email-eu")); err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := policyWithChannel(ns, "email-eu")
			p.Name = fmt.Sprintf("p%d", i)
			tc.mutate(p)
			if err := k8s.Create(ctx, p); err != nil {
				t.Fatal(err)
			}
			eventually(t, 10*time.Second, func() string {
				_, h := policyHealth(t, client.ObjectKeyFromObject(p))
				if !strings.HasPrefix(h, "Ready=False/Stalled=True") || !strings.Contains(h, tc.want) {
					return h
				}
				return ""
			})
		})
	}
}

// TestPolicyFixClearsStalled: editing a broken policy into shape drops Stalled and
// moves observedGeneration, which is what Argo CD and Flux wait for.
func TestPolicyFixClearsStalled(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	if err := k8s.Create(ctx, webhookChannel(ns, "email-eu")); err != nil {
		t.Fatal(err)
	}
	p := policyWithChannel(ns, "email-eu")
	p.Spec.Templates["intro"] = v1.MessageTemplate{Body: "{{ .Nope }}"}
	if err := k8s.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	key := client.ObjectKeyFromObject(p)
	eventually(t, 10*time.Second, func() string {
		if _, h := policyHealth(t, key); !strings.Contains(h, "Stalled=True InvalidTemplate") {
			return h
		}
		return ""
	})
	var cur v1.FollowUpPolicy
	if err := k8s.Get(ctx, key, &cur); err != nil {
		t.Fatal(err)
	}
	cur.Spec.Templates["intro"] = v1.MessageTemplate{Body: "Hello {{ .FirstName }}"}
	if err := k8s.Update(ctx, &cur); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, func() string {
		got, h := policyHealth(t, key)
		if h != "Ready=True Valid: policy is valid: 2 steps, revision "+got.Status.StepsRevision {
			return h
		}
		if got.Status.ObservedGeneration != cur.Generation {
			return fmt.Sprintf("observedGeneration %d, want %d", got.Status.ObservedGeneration, cur.Generation)
		}
		if c := condition(got.Status.Conditions, v1.ConditionReady); c.ObservedGeneration != cur.Generation {
			return "Ready's observedGeneration is stale"
		}
		return ""
	})
}
