package controllers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/edge"
	"github.com/followup-io/followup-operator/internal/metrics"
	"github.com/followup-io/followup-operator/internal/orders"
	"github.com/followup-io/followup-operator/internal/senders"
)

// keyedBodies is a loopback JSON webhook receiver that keeps each body with the
// Idempotency-Key header it came with.
type keyedBodies struct {
	mu   sync.Mutex
	got  []senders.WebhookTouch
	keys []string
}

func (b *keyedBodies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var touch senders.WebhookTouch
	if err := json.NewDecoder(r.Body).Decode(&touch); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	b.got = append(b.got, touch)
	b.keys = append(b.keys, r.Header.Get(senders.HeaderIdempotencyKey))
	b.mu.Unlock()
}

func (b *keyedBodies) steps() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, t := range b.got {
		if t.Notice == nil {
			out = append(out, t.Step)
		}
	}
	return out
}

func (b *keyedBodies) last() (senders.WebhookTouch, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.got[len(b.got)-1], b.keys[len(b.keys)-1]
}

// TestAfterSalesThroughTheEdge runs a won lead's after-sales cadence through the real
// API server: signed order events posted to the real edge handler on loopback are
// recorded on the lead, and the touches they trigger arrive at a loopback webhook
// receiver with their own keys: the confirmation at the win, the shipment notice with
// the carrier and tracking number, the feedback request a week after the delivery in
// business hours. An NPS answer is recorded; an opened return hands the lead to its
// owner and no automated step follows.
func TestAfterSalesThroughTheEdge(t *testing.T) {
	start := mustTime("2026-11-24T09:00:00Z") // Tuesday, 10:00 in Berlin
	h := newHarness(t, start)
	rcv := &keyedBodies{}
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	h.r.Dispatcher = senders.NewRouter(controllers.ChannelLookup{Channels: h.client}, nil)
	ctx := context.Background()

	const secret = "shop-secret"
	srv := &edge.Server{Client: h.client, Reader: h.client, Clock: h.clock, Log: logr.Discard(),
		Config: edge.Config{Namespaces: []string{h.ns}, OrderSecrets: []string{secret}}}
	shop := httptest.NewServer(srv)
	defer shop.Close()
	post := func(body map[string]any) int {
		t.Helper()
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, shop.URL+"/v1/namespaces/"+h.ns+"/orders", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(orders.SignatureHeader, orders.Sign(secret, raw))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	trig := func(ev v1.AfterSalesEvent, after time.Duration) *v1.StepTrigger {
		return &v1.StepTrigger{Event: ev, After: &metav1.Duration{Duration: after}}
	}
	step := func(name string, tr *v1.StepTrigger) v1.Step {
		return v1.Step{Name: name, Channel: "hook", Template: name, Trigger: tr}
	}
	after := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "after-sales", Namespace: h.ns}, Spec: v1.FollowUpPolicySpec{
		Schedule: v1.Schedule{TimeZone: "Europe/Berlin"},
		Steps: []v1.Step{
			step("order-confirmation", trig(v1.AfterSalesWon, 0)),
			step("shipped", trig(v1.AfterSalesShipped, 0)),
			step("feedback-request", trig(v1.AfterSalesDelivered, 168*time.Hour)),
			step("nps-request", trig(v1.AfterSalesDelivered, 336*time.Hour)),
		},
		Templates: map[string]v1.MessageTemplate{
			"order-confirmation": {Body: "Thank you, {{ .FirstName }}: order {{ .Order.ID }} is confirmed."},
			"shipped":            {Body: "Order {{ .Order.ID }} left with {{ .Order.Carrier }}, tracking number {{ .Order.Tracking }}."},
			"feedback-request":   {Body: "How is the {{ .Product }} working for you?"},
			"nps-request":        {Body: "How likely are you to recommend us, 0-10?"},
		}}}
	sales := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: h.ns}, Spec: v1.FollowUpPolicySpec{
		Schedule:    v1.Schedule{TimeZone: "Europe/Berlin"},
		Steps:       []v1.Step{{Name: "introduce", Channel: "hook", Template: "intro"}},
		Templates:   map[string]v1.MessageTemplate{"intro": {Body: "Hello"}},
		HandToHuman: v1.HandToHuman{Notify: "hook"},
		AfterSales:  &v1.AfterSalesRef{PolicyRef: "after-sales"}}}

	// The CRD refuses a policy that mixes triggered and plain steps, and an after-sales
	// policy that names another.
	mixed := after.DeepCopy()
	mixed.Name, mixed.Spec.Steps[1].Trigger = "mixed", nil
	if err := k8s.Create(ctx, mixed); err == nil || !strings.Contains(err.Error(), "an after-sales policy gives every step a trigger") {
		t.Fatalf("mixed steps: %v", err)
	}
	chained := after.DeepCopy()
	chained.Name, chained.Spec.AfterSales = "chained", &v1.AfterSalesRef{PolicyRef: "after-sales"}
	if err := k8s.Create(ctx, chained); err == nil || !strings.Contains(err.Error(), "cannot name another") {
		t.Fatalf("chained: %v", err)
	}
	h.create(&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: h.ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
		Webhook: &v1.WebhookChannel{URL: hook.URL + "/touch", Format: "JSON"}}}, after, sales)
	// An NPS answer out of range never reaches the lead.
	bad := &v1.Interaction{ObjectMeta: metav1.ObjectMeta{Name: "bad-nps", Namespace: h.ns}, Spec: v1.InteractionSpec{Lead: "buyer",
		InteractionEntry: v1.InteractionEntry{ID: "x", At: metav1.NewTime(start), Kind: v1.InteractionNPSResponse, Score: ptr.To[int32](11)}}}
	if err := k8s.Create(ctx, bad); err == nil || !strings.Contains(err.Error(), "less than or equal to 10") {
		t.Fatalf("score 11: %v", err)
	}

	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "buyer", Namespace: h.ns}, Spec: v1.LeadSpec{
		Contact: v1.Contact{Name: "Hanna Kowalczyk", Email: "hanna@example.com"}, Policy: "shop", Owner: "anna", Product: "laser",
		Source:  v1.LeadSource{SubmittedAt: ptr.To(metav1.NewTime(start.Add(-30 * 24 * time.Hour)))},
		Outcome: &v1.Outcome{Result: v1.OutcomeWon, At: metav1.NewTime(start)}}}
	if err := k8s.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	if code := post(map[string]any{"id": "evt-1", "kind": "confirmed", "at": start.Format(time.RFC3339),
		"order": map[string]string{"id": "SO-1001"}, "lead": map[string]string{"name": "buyer"}}); code != http.StatusCreated {
		t.Fatalf("confirmed: %d", code)
	}
	h.poke(l)
	got, key := rcv.last()
	if s := rcv.steps(); len(s) != 1 || got.Body != "Thank you, Hanna: order SO-1001 is confirmed." {
		t.Fatalf("want the confirmation at the win, got %v %q", s, got.Body)
	}
	if want := cadence.AfterSalesKey(string(h.get(l).UID), "after-sales", "order-confirmation"); key != want || got.Key != want {
		t.Fatalf("key %s / %s, want %s", key, got.Key, want)
	}

	// Shipped an hour later: the notice carries the carrier and the tracking number, no link.
	h.clock.SetTime(start.Add(time.Hour))
	if code := post(map[string]any{"id": "evt-2", "kind": "shipped", "at": start.Add(time.Hour).Format(time.RFC3339),
		"order": map[string]string{"id": "SO-1001", "carrier": "DHL", "tracking": "00340434161094042557"},
		"lead":  map[string]string{"name": "buyer"}}); code != http.StatusCreated {
		t.Fatalf("shipped: %d", code)
	}
	h.poke(l)
	if got, _ := rcv.last(); got.Step != "shipped" || got.Body != "Order SO-1001 left with DHL, tracking number 00340434161094042557." {
		t.Fatalf("shipped notice %q", got.Body)
	}

	// Delivered Friday at 17:00 in Berlin: the feedback request waits a week, to Friday 17:00.
	delivered := mustTime("2026-11-27T16:00:00Z")
	h.clock.SetTime(delivered)
	if code := post(map[string]any{"id": "evt-3", "kind": "delivered", "at": delivered.Format(time.RFC3339),
		"order": map[string]string{"id": "SO-1001"}, "lead": map[string]string{"name": "buyer"}}); code != http.StatusCreated {
		t.Fatalf("delivered: %d", code)
	}
	res := h.poke(l)
	if want := 168 * time.Hour; res.RequeueAfter != want {
		t.Fatalf("requeue after %v, want %v", res.RequeueAfter, want)
	}
	h.clock.SetTime(delivered.Add(168*time.Hour - time.Second))
	h.poke(l)
	if n := len(rcv.steps()); n != 2 {
		t.Fatalf("nothing before its time: %v", rcv.steps())
	}
	h.clock.SetTime(delivered.Add(168 * time.Hour))
	h.poke(l)
	if got, _ := rcv.last(); got.Step != "feedback-request" || got.Body != "How is the laser working for you?" {
		t.Fatalf("feedback %q %q", got.Step, got.Body)
	}
	h.poke(l) // nothing more: the same key is never sent twice
	if s := rcv.steps(); len(s) != 3 {
		t.Fatalf("sent %v", s)
	}
	// The after-sales touches count in followup_touches_total like the sales cadence's.
	if got := sumWith(t, metrics.NameTouches, map[string]string{"namespace": h.ns, "policy": "after-sales", "result": "Sent"}); got != 3 {
		t.Errorf("%s{policy=after-sales,result=Sent} = %v for three after-sales touches sent, want 3", metrics.NameTouches, got)
	}

	// An NPS answer and then a return: the lead goes to its owner, no more automated steps.
	h.clock.SetTime(delivered.Add(200 * time.Hour))
	if code := post(map[string]any{"id": "evt-4", "kind": "npsResponse", "score": 9,
		"order": map[string]string{"id": "SO-1001"}, "lead": map[string]string{"name": "buyer"}}); code != http.StatusCreated {
		t.Fatalf("nps: %d", code)
	}
	if code := post(map[string]any{"id": "evt-5", "kind": "returnOpened",
		"order": map[string]string{"id": "SO-1001"}, "lead": map[string]string{"name": "buyer"}}); code != http.StatusCreated {
		t.Fatalf("return: %d", code)
	}
	h.poke(l)
	h.clock.SetTime(delivered.Add(400 * time.Hour)) // past the NPS request's time
	h.poke(l)
	if s := rcv.steps(); len(s) != 3 {
		t.Fatalf("an automated step after the return: %v", s)
	}
	as := h.get(l).Status.AfterSales
	if as == nil || as.Phase != v1.AfterSalesHandedOff || as.HandOffReason != v1.HandOffReturnOpened || as.NPS == nil || *as.NPS != 9 ||
		len(as.Orders) != 1 || as.Order.Tracking != "00340434161094042557" {
		t.Fatalf("after-sales status %+v", as)
	}
	st := h.get(l).Status
	var handOff bool
	for _, n := range st.Notices {
		handOff = handOff || (n.Reason == v1.NoticeHandedToHuman && n.Result == v1.NoticeSent && strings.Contains(n.Message, "opened a return"))
	}
	if got, _ := rcv.last(); got.Notice == nil || got.Notice.Reason != string(v1.NoticeHandedToHuman) {
		t.Fatalf("the owner's notice did not arrive: %+v", got)
	}
	if !handOff || st.Phase != v1.PhaseWon || st.Stage != "won, after-sales handed-off (ReturnOpened)" {
		t.Fatalf("want a hand-off notice and the stage, got %+v %q", st.Notices, st.Stage)
	}
}
