package controllers_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/edge"
	"github.com/followup-io/followup-operator/internal/secrets"
	"github.com/followup-io/followup-operator/internal/senders"
)

// metaWebhook posts a signed Meta account webhook (Meta's documented shape) to the
// inbound edge and wants 200.
func metaWebhook(t *testing.T, edgeURL, secret, waba string, at time.Time, field, value string) {
	t.Helper()
	body := fmt.Appendf(nil, `{"object":"whatsapp_business_account","entry":[{"id":%q,"time":%d,"changes":[{"value":%s,"field":%q}]}]}`,
		waba, at.Unix(), value, field)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	req, _ := http.NewRequest(http.MethodPost, edgeURL+"/v1/whatsapp", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", field, resp.StatusCode)
	}
}

// TestWhatsAppTemplatePausedHoldsTheTouchUntilApproved runs the whole path through the
// real API server: Meta's PAUSED webhook, signed, reaches the real edge handler, which
// records it on the Channel of the business account; the channel controller reports
// TemplatesHealthy False and the messaging limit warning, the policy controller names
// the held step; the lead's WhatsApp touch is held (nothing reaches the loopback Cloud
// API, Delivering False TemplateHeld) and, once Meta sends APPROVED, goes out as the
// approved template.
func TestWhatsAppTemplatePausedHoldsTheTouchUntilApproved(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z") // Monday, 10:00 in Berlin
	h := newHarness(t, start)
	ctx := context.Background()
	api := newLoopback(t)
	h.r.Dispatcher = senders.NewRouter(controllers.ChannelLookup{Channels: h.client,
		Secrets: &secrets.Cache{Reader: h.client, Clock: h.clock, TTL: time.Second}}, nil, senders.WithClock(h.clock))
	const secret, waba = "wa-app-secret", "102290129340398"
	inbound := httptest.NewServer(&edge.Server{Client: cached, Reader: k8s, Clock: h.clock, Log: logr.Discard(),
		Config: edge.Config{WhatsAppAppSecret: secret, Namespaces: []string{h.ns}}})
	t.Cleanup(inbound.Close)

	ch := &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "wa", Namespace: h.ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWhatsApp,
		WhatsApp: &v1.WhatsAppChannel{PhoneNumberID: "109876543210987", APIBase: api.URL + "/v21.0", Language: "de",
			BusinessAccountID: waba, DisplayPhoneNumber: "+1 555 078 3881"},
		CredentialsRef: &v1.SecretKeyRef{Name: "wa"}}}
	policy := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "wa", Namespace: h.ns}, Spec: v1.FollowUpPolicySpec{
		Schedule: v1.Schedule{TimeZone: "Europe/Berlin"},
		StopOn:   []v1.StopEvent{v1.StopUnsubscribed},
		Steps: []v1.Step{{Name: "nudge", Channel: "wa", Template: "nudge",
			WhatsAppTemplate: &v1.WhatsAppTemplate{Name: "nudge_v1", Parameters: []string{"{{ .FirstName }}"}}}},
		Templates: map[string]v1.MessageTemplate{"nudge": {Body: "Hello {{ .FirstName }}, any questions?"}},
	}}
	for _, o := range []client.Object{
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wa", Namespace: h.ns}, StringData: map[string]string{"accessToken": "EAAtoken"}},
		ch, policy,
	} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 10*time.Second, func() string { // the edge reads channels through the cache
		if err := cached.Get(ctx, client.ObjectKeyFromObject(ch), &v1.Channel{}); err != nil {
			return err.Error()
		}
		return ""
	})

	metaWebhook(t, inbound.URL, secret, waba, start, "message_template_status_update",
		`{"event":"PAUSED","message_template_id":1689556908129832,"message_template_name":"nudge_v1","message_template_language":"de",
		  "reason":"NONE","message_template_category":"MARKETING","other_info":{"title":"FIRST_PAUSE","description":"paused"}}`)
	metaWebhook(t, inbound.URL, secret, waba, start, "phone_number_quality_update",
		`{"display_phone_number":"15550783881","event":"ONBOARDING","current_limit":"TIER_1K"}`)
	cr, _ := newChannelReconciler(start)
	_, got := reconcileChannel(t, cr, ch)
	if c := condition(got.Status.Conditions, v1.ConditionTemplatesHealthy); c == nil || c.Status != metav1.ConditionFalse ||
		c.Reason != v1.ReasonTemplatePaused || !strings.Contains(c.Message, "nudge_v1 (de) PAUSED (FIRST_PAUSE)") {
		t.Errorf("Channel TemplatesHealthy %+v", c)
	}
	if c := condition(got.Status.Conditions, v1.ConditionWithinMessagingLimit); c == nil || c.Status != metav1.ConditionFalse ||
		c.Reason != v1.ReasonRateLimitAboveTier || got.Status.WhatsApp.MessagingLimit.Tier != "TIER_1K" {
		t.Errorf("Channel WithinMessagingLimit %+v (60/min against TIER_1K)", c)
	}
	eventually(t, 10*time.Second, func() string {
		p, _ := policyHealth(t, client.ObjectKeyFromObject(policy))
		if c := condition(p.Status.Conditions, v1.ConditionTemplatesHealthy); c == nil || c.Status != metav1.ConditionFalse ||
			!strings.Contains(c.Message, "step nudge: WhatsApp template nudge_v1 (de) on channel wa is PAUSED (FIRST_PAUSE)") {
			return fmt.Sprintf("policy TemplatesHealthy %+v", c)
		}
		return ""
	})

	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "held", Namespace: h.ns}, Spec: v1.LeadSpec{Policy: "wa", Owner: "anna",
		Contact: v1.Contact{Name: "Hanna Kowalczyk", WhatsApp: "+48501234567"}, Source: v1.LeadSource{SubmittedAt: ptr.To(metav1.NewTime(start))}}}
	if err := k8s.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	h.poke(l)
	h.clock.Step(time.Hour)
	h.poke(l)
	if sent := api.messages(t); len(sent) != 0 {
		t.Fatalf("a paused template was sent: %+v", sent)
	}
	held := h.get(l)
	if c := condition(held.Status.Conditions, v1.ConditionDelivering); c == nil || c.Reason != v1.ReasonTemplateHeld ||
		len(held.Status.Touches) != 0 || held.Status.Phase != v1.PhaseInCadence || !strings.Contains(held.Status.Stage, "held: WhatsApp template nudge_v1 (de) PAUSED") {
		t.Fatalf("held lead: phase %s stage %q touches %d Delivering %+v", held.Status.Phase, held.Status.Stage, len(held.Status.Touches), c)
	}
	eventually(t, 10*time.Second, func() string {
		if n := len(eventsFor(t, l)[v1.EventTemplateHeld]); n != 1 {
			return fmt.Sprintf("%d TemplateHeld events, want 1", n)
		}
		return ""
	})

	metaWebhook(t, inbound.URL, secret, waba, start.Add(2*time.Hour), "message_template_status_update",
		`{"event":"APPROVED","message_template_id":1689556908129832,"message_template_name":"nudge_v1","message_template_language":"de",
		  "reason":"NONE","message_template_category":"MARKETING","other_info":{"title":"UNPAUSE","description":"unpaused"}}`)
	h.clock.Step(time.Hour)
	h.poke(l)
	sent := api.messages(t)
	if len(sent) != 1 || sent[0].Type != "template" || sent[0].Template == nil || sent[0].Template.Name != "nudge_v1" ||
		sent[0].Template.Language.Code != "de" {
		t.Fatalf("after APPROVED: %+v", sent)
	}
	if got := h.get(l); len(got.Status.Touches) != 1 || got.Status.Touches[0].Result != v1.TouchSent {
		t.Errorf("touches %+v", got.Status.Touches)
	}
	_, got = reconcileChannel(t, cr, ch)
	if c := condition(got.Status.Conditions, v1.ConditionTemplatesHealthy); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("Channel TemplatesHealthy after APPROVED %+v", c)
	}
}
