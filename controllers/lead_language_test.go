package controllers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/senders"
)

// bodies is a loopback JSON webhook receiver that keeps each lead's received bodies.
type bodies struct {
	mu sync.Mutex
	by map[string][]senders.WebhookTouch
}

func (b *bodies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var touch senders.WebhookTouch
	if err := json.NewDecoder(r.Body).Decode(&touch); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	b.by[touch.Lead.Name] = append(b.by[touch.Lead.Name], touch)
	b.mu.Unlock()
}

func (b *bodies) of(lead string) []senders.WebhookTouch {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]senders.WebhookTouch(nil), b.by[lead]...)
}

// TestLeadLanguage sends through the real router to a loopback webhook: a lead from
// Austria gets the German translation, a lead who reads French (no translation) gets
// the default text, a TranslationMissing condition and one event saying so, and the CRD
// refuses a translation keyed by something that is not a language code.
func TestLeadLanguage(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z") // Monday, 10:00 in Berlin
	h := newHarness(t, start)
	rcv := &bodies{by: map[string][]senders.WebhookTouch{}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	h.r.Dispatcher = senders.NewRouter(controllers.ChannelLookup{Channels: h.client}, nil)
	ctx := context.Background()

	policy := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "multi", Namespace: h.ns}, Spec: v1.FollowUpPolicySpec{
		Schedule: v1.Schedule{TimeZone: "Europe/Berlin"},
		Steps: []v1.Step{
			{Name: "introduce", Channel: "hook", Template: "intro"},
			{Name: "send-catalog", After: &metav1.Duration{Duration: 36 * time.Hour}, Channel: "hook", Template: "catalog"},
		},
		Templates: map[string]v1.MessageTemplate{
			"intro": {Subject: "Your inquiry", Body: "Hello {{ .FirstName }}, about the {{ .Product }}.", Translations: map[string]v1.Translation{
				"bad code": {Body: "x"}}},
			"catalog": {Body: "Our catalog."},
		},
	}}
	if err := k8s.Create(ctx, policy); err == nil || !strings.Contains(err.Error(), "translations are keyed by a language code") {
		t.Fatalf("a translation keyed 'bad code': %v", err)
	}
	policy.Spec.Templates["intro"] = v1.MessageTemplate{Subject: "Your inquiry", Body: "Hello {{ .FirstName }}, about the {{ .Product }}.",
		Translations: map[string]v1.Translation{"de": {Subject: "Ihre Anfrage", Body: "Hallo {{ .FirstName }}, zur {{ .Product }}."}}}
	h.create(
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: h.ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
			Webhook: &v1.WebhookChannel{URL: srv.URL + "/touch", Format: "JSON"}}},
		policy,
	)
	mk := func(name string, c v1.Contact) *v1.Lead {
		c.Name, c.Email = "Hanna Kowalczyk", "hanna@example.com"
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: h.ns}, Spec: v1.LeadSpec{Contact: c, Policy: "multi",
			Source: v1.LeadSource{SubmittedAt: ptr.To(metav1.NewTime(start))}, Owner: "anna", Product: "Laser"}}
		if err := k8s.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	bad := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "bad", Namespace: h.ns}, Spec: v1.LeadSpec{Policy: "multi",
		Contact: v1.Contact{Language: "DE"}}}
	if err := k8s.Create(ctx, bad); err == nil || !strings.Contains(err.Error(), "language must be a code") {
		t.Fatalf("language DE: %v", err)
	}
	at := mk("austria", v1.Contact{Country: "AT"})
	fr := mk("paris", v1.Contact{Country: "DE", Language: "fr"})
	h.poke(at)
	h.poke(fr)

	if got := rcv.of("austria"); len(got) != 1 || got[0].Subject != "Ihre Anfrage" || got[0].Body != "Hallo Hanna, zur Laser." {
		t.Fatalf("austria received %+v", got)
	}
	if got := rcv.of("paris"); len(got) != 1 || got[0].Subject != "Your inquiry" || got[0].Body != "Hello Hanna, about the Laser." {
		t.Fatalf("paris received %+v", got)
	}
	a := h.get(at)
	if a.Status.Touches[0].Language != "de" || condition(a.Status.Conditions, v1.ConditionTranslationMissing) != nil {
		t.Errorf("austria: touch language %q, TranslationMissing %v", a.Status.Touches[0].Language,
			condition(a.Status.Conditions, v1.ConditionTranslationMissing))
	}
	f := h.get(fr)
	c := condition(f.Status.Conditions, v1.ConditionTranslationMissing)
	if c == nil || c.Reason != v1.ReasonNoTranslation || c.Message != "template intro has no fr translation: touch 1/introduce went out in the default language (en)" {
		t.Fatalf("paris: TranslationMissing %+v", c)
	}

	// The next touch (catalog, no fr either) keeps the condition and makes no second event.
	h.clock.SetTime(mustTime("2026-11-18T08:00:00Z"))
	h.poke(fr)
	h.poke(fr)
	if got := rcv.of("paris"); len(got) != 2 || got[1].Body != "Our catalog." {
		t.Fatalf("paris received %+v", got)
	}
	f = h.get(fr)
	if c := condition(f.Status.Conditions, v1.ConditionTranslationMissing); c == nil || !strings.Contains(c.Message, "template catalog has no fr translation") {
		t.Fatalf("after catalog: %+v", c)
	}
	eventually(t, 10*time.Second, func() string {
		ev := eventsFor(t, f)[v1.EventTranslationMissing]
		if len(ev) != 1 {
			return "TranslationMissing events: " + strings.Repeat("x", len(ev))
		}
		if strings.Contains(ev[0].Note, "Hanna") || strings.Contains(ev[0].Note, "@") {
			return "personal data in the event: " + ev[0].Note
		}
		return ""
	})
	time.Sleep(500 * time.Millisecond) // a late second event would show by now
	if n := len(eventsFor(t, f)[v1.EventTranslationMissing]); n != 1 {
		t.Errorf("%d TranslationMissing events, want 1", n)
	}
	if n := len(eventsFor(t, a)[v1.EventTranslationMissing]); n != 0 {
		t.Errorf("austria has %d TranslationMissing events", n)
	}
}
