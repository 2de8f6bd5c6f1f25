package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// setChannelReady writes a channel's verdict the way its controller would.
func setChannelReady(t *testing.T, ch *v1.Channel, ready bool, reason, msg string) {
	t.Helper()
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ch), ch); err != nil {
		t.Fatal(err)
	}
	status := metav1.ConditionTrue
	if !ready {
		status = metav1.ConditionFalse
	}
	ch.Status.ObservedGeneration = ch.Generation
	meta.SetStatusCondition(&ch.Status.Conditions, metav1.Condition{Type: v1.ConditionReady, Status: status,
		Reason: reason, Message: msg, ObservedGeneration: ch.Generation})
	if err := k8s.Status().Update(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
}

// TestPolicyFollowsItsChannelsReadiness: a policy none of whose channels can deliver is
// not Ready (ChannelNotReady, Stalled) and recovers when the channel does, without an
// edit to the policy; a verdict on an older generation of the channel does not count.
func TestPolicyFollowsItsChannelsReadiness(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	ch := webhookChannel(ns, "email-eu")
	if err := k8s.Create(ctx, ch); err != nil {
		t.Fatal(err)
	}
	p := policyWithChannel(ns, "email-eu")
	if err := k8s.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	key := client.ObjectKeyFromObject(p)
	waitHealth := func(prefix string) {
		eventually(t, 10*time.Second, func() string {
			if _, h := policyHealth(t, key); !strings.HasPrefix(h, prefix) {
				return h
			}
			return ""
		})
	}
	waitHealth("Ready=True")

	setChannelReady(t, ch, false, v1.ReasonSecretNotFound, `Secret "hook" (spec.credentialsRef) not found in namespace `+ns)
	waitHealth(`Ready=False/Stalled=True ChannelNotReady: no channel the policy uses can deliver: step introduce: channel "email-eu" is not ready: SecretNotFound: Secret "hook"`)

	// A verdict on an older generation of the channel does not count: it was edited
	// since and its controller has not looked yet.
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(ch), ch); err != nil {
		t.Fatal(err)
	}
	ch.Spec.Webhook.URL = "http://127.0.0.1:2/touch"
	if err := k8s.Update(ctx, ch); err != nil {
		t.Fatal(err)
	}
	ch.Status.Sends = 5 // a counter flush with the old verdict
	if err := k8s.Status().Update(ctx, ch); err != nil {
		t.Fatal(err)
	}
	waitHealth("Ready=True")

	setChannelReady(t, ch, true, v1.ReasonValid, "Webhook channel ready")
	if _, h := policyHealth(t, key); !strings.HasPrefix(h, "Ready=True") {
		t.Errorf("after the channel recovered: %s", h)
	}
	eventually(t, 5*time.Second, func() string {
		if n := len(eventsFor(t, p)[v1.ReasonChannelNotReady]); n != 1 {
			return fmt.Sprintf("want one ChannelNotReady event (on the transition only), got %d", n)
		}
		return ""
	})
}

// TestPolicyWithOneChannelDownStaysUsable: with a fallback still able to deliver, the
// policy stays Ready (leads go on and fall back) and ChannelsReady says which channel is
// down, with one event on each transition.
func TestPolicyWithOneChannelDownStaysUsable(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	email, wa := webhookChannel(ns, "email-eu"), webhookChannel(ns, "whatsapp-eu")
	for _, ch := range []*v1.Channel{email, wa} {
		if err := k8s.Create(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	p := policyWithChannel(ns, "email-eu")
	p.Spec.Steps[0].Fallback = []string{"whatsapp-eu"}
	if err := k8s.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	channelsReady := func(want string) {
		eventually(t, 10*time.Second, func() string {
			got, h := policyHealth(t, client.ObjectKeyFromObject(p))
			c := condition(got.Status.Conditions, v1.ConditionChannelsReady)
			if !strings.HasPrefix(h, "Ready=True") {
				return h
			}
			if c == nil || !strings.HasPrefix(string(c.Status)+" "+c.Reason+": "+c.Message, want) {
				return fmt.Sprintf("ChannelsReady %+v, want %s", c, want)
			}
			return ""
		})
	}
	channelsReady("True ChannelsReady: all 2 channels the policy uses are ready")
	setChannelReady(t, email, false, v1.ReasonSecretNotFound, "Secret \"smtp-eu\" (spec.credentialsRef) not found")
	channelsReady(`False ChannelNotReady: 1 of 2 channels not ready: step introduce: channel "email-eu" is not ready: SecretNotFound`)
	setChannelReady(t, email, true, v1.ReasonValid, "Webhook channel ready")
	channelsReady("True ChannelsReady")
	// Events are written asynchronously.
	eventually(t, 5*time.Second, func() string {
		ev := eventsFor(t, p)
		if len(ev[v1.ReasonChannelNotReady]) != 1 || len(ev[v1.ReasonChannelsReady]) != 1 {
			return fmt.Sprintf("events: %d ChannelNotReady, %d ChannelsReady; want one each", len(ev[v1.ReasonChannelNotReady]), len(ev[v1.ReasonChannelsReady]))
		}
		return ""
	})
}
