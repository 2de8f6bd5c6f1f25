package controllers_test

import (
	"context"
	"encoding/json"
	"github.com/followup-io/followup-operator/internal/secrets"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/senders"
)

// TestLeadWhatsAppWindow runs two WhatsApp steps through the real API and the real
// router to a loopback Cloud API: the first, an hour after the contact wrote on
// WhatsApp, goes as free-form text; the second, two days later (the 24-hour window
// closed), goes only as the step's approved template with its language and parameters
// rendered from the template variables. The CRD refuses a template name WhatsApp
// would not accept.
func TestLeadWhatsAppWindow(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z") // Monday, 10:00 in Berlin
	h := newHarness(t, start)
	ctx := context.Background()
	srv := newLoopback(t)
	h.r.Dispatcher = senders.NewRouter(controllers.ChannelLookup{Channels: h.client,
		Secrets: &secrets.Cache{Reader: h.client, Clock: h.clock, TTL: time.Second}}, nil, senders.WithClock(h.clock))

	policy := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "wa", Namespace: h.ns}, Spec: v1.FollowUpPolicySpec{
		Schedule: v1.Schedule{TimeZone: "Europe/Berlin"},
		StopOn:   []v1.StopEvent{v1.StopUnsubscribed},
		Steps: []v1.Step{
			{Name: "answer", Channel: "wa", Template: "answer"},
			{Name: "nudge", After: &metav1.Duration{Duration: 48 * time.Hour}, Channel: "wa", Template: "nudge",
				WhatsAppTemplate: &v1.WhatsAppTemplate{Name: "Nudge V1", Language: "de", Parameters: []string{"{{ .FirstName }}", "{{ .Product }}"}}},
		},
		Templates: map[string]v1.MessageTemplate{
			"answer": {Body: "Hello {{ .FirstName }}, here are the {{ .Product }} details."},
			"nudge":  {Body: "Hello {{ .FirstName }}, any questions on the {{ .Product }}?"},
		},
	}}
	if err := k8s.Create(ctx, policy.DeepCopy()); err == nil || !strings.Contains(err.Error(), "a WhatsApp template name is lowercase") {
		t.Fatalf("template name 'Nudge V1': %v", err)
	}
	policy.Spec.Steps[1].WhatsAppTemplate.Name = "nudge_v1"
	h.create(
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wa", Namespace: h.ns}, StringData: map[string]string{"accessToken": "EAAtoken"}},
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "wa", Namespace: h.ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWhatsApp,
			WhatsApp:       &v1.WhatsAppChannel{PhoneNumberID: "109876543210987", APIBase: srv.URL + "/v21.0", Language: "pl"},
			CredentialsRef: &v1.SecretKeyRef{Name: "wa"}}},
		policy,
	)
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "wa-lead", Namespace: h.ns}, Spec: v1.LeadSpec{Policy: "wa", Owner: "anna",
		Product: "Laser", Contact: v1.Contact{Name: "Hanna Kowalczyk", WhatsApp: "+48501234567"},
		Source: v1.LeadSource{SubmittedAt: ptr.To(metav1.NewTime(start))}}}
	if err := k8s.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	// The contact wrote on WhatsApp: the window is open until 24h after it.
	h.record(l, v1.InteractionEntry{At: metav1.NewTime(start), Kind: v1.InteractionReply, Medium: v1.MediumWhatsApp, Direction: v1.Inbound})

	h.clock.SetTime(start.Add(time.Hour))
	h.poke(l)
	sent := srv.messages(t)
	if len(sent) != 1 || sent[0].Type != "text" || sent[0].Text == nil || sent[0].Text.Body != "Hello Hanna, here are the Laser details." || sent[0].Template != nil {
		t.Fatalf("inside the window: %+v, want free-form text", sent)
	}

	h.clock.SetTime(mustTime("2026-11-18T10:00:00Z")) // 48h after the first touch: the window closed a day ago
	h.poke(l)
	sent = srv.messages(t)
	if len(sent) != 2 {
		t.Fatalf("%d messages, want 2 (status %+v)", len(sent), h.get(l).Status.Touches)
	}
	m := sent[1]
	if m.Type != "template" || m.Text != nil || m.Template == nil || m.Template.Name != "nudge_v1" || m.Template.Language.Code != "de" ||
		len(m.Template.Components) != 1 || len(m.Template.Components[0].Parameters) != 2 ||
		m.Template.Components[0].Parameters[0].Text != "Hanna" || m.Template.Components[0].Parameters[1].Text != "Laser" {
		t.Fatalf("outside the window: %+v", m)
	}
	got := h.get(l)
	if n := len(got.Status.Touches); n != 2 || got.Status.Touches[1].Result != v1.TouchSent {
		t.Errorf("touches %+v", got.Status.Touches)
	}
}

// waLoopback is a loopback Cloud API that keeps the messages it received.
type waLoopback struct {
	*httptest.Server
	mu   sync.Mutex
	body [][]byte
}

type waReceived struct {
	Type string
	Text *struct {
		Body string
	}
	Template *struct {
		Name       string
		Language   struct{ Code string }
		Components []struct {
			Type       string
			Parameters []struct{ Type, Text string }
		}
	}
}

func newLoopback(t *testing.T) *waLoopback {
	w := &waLoopback{}
	w.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/v21.0/109876543210987/messages" || r.Header.Get("Authorization") != "Bearer EAAtoken" {
			http.Error(rw, `{"error":{"message":"bad request","code":100}}`, http.StatusBadRequest)
			return
		}
		w.mu.Lock()
		w.body = append(w.body, b)
		w.mu.Unlock()
		_, _ = io.WriteString(rw, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.X"}]}`)
	}))
	t.Cleanup(w.Close)
	return w
}

func (w *waLoopback) messages(t *testing.T) []waReceived {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []waReceived
	for _, b := range w.body {
		var m waReceived
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}
