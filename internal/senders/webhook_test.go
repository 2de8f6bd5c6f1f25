package senders_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	testingclock "k8s.io/utils/clock/testing"

	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/senders"
)

func TestWebhookSignsAndCarriesTheKey(t *testing.T) {
	srv := newServer(t, nil)
	var cs channels
	cs.add(webhook("crm", srv.URL+"/touch", "JSON"), map[string]string{"signingKey": "s3cret"})
	obs := &observations{}
	clk := testingclock.NewFakeClock(due)
	r := senders.NewRouter(&cs, obs, senders.WithClock(clk))

	res := r.Dispatch(context.Background(), delivery("crm"))
	if res.Outcome != cadence.Sent {
		t.Fatalf("outcome %+v", res)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	q := reqs[0]
	if q.Header.Get("Idempotency-Key") != "k1a2b3c4d5e6" || q.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers %v", q.Header)
	}
	ts := q.Header.Get(senders.HeaderTimestamp)
	if ts != "1794819600" || !senders.Verify([]byte("s3cret"), ts, q.Body, q.Header.Get(senders.HeaderSignature)) {
		t.Errorf("signature does not verify: ts %s sig %s", ts, q.Header.Get(senders.HeaderSignature))
	}
	if senders.Verify([]byte("other"), ts, q.Body, q.Header.Get(senders.HeaderSignature)) {
		t.Error("a wrong key verified")
	}
	var body senders.WebhookTouch
	if err := json.Unmarshal(q.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Key != "k1a2b3c4d5e6" || body.Lead.Name != "acme" || body.Step != "send-catalog" || body.Touch != 2 ||
		!body.Due.Equal(due) || body.Subject != "CNC laser: catalog" || body.Contact.Email != "hanna@example.pl" {
		t.Errorf("body %+v", body)
	}
	if got := obs.list(); len(got) != 1 || got[0] != "sales/crm Webhook Sent " {
		t.Errorf("observations %q", got)
	}
}

// TestWebhookAnswersDecideRetryOrFallback: 5xx, 429 and timeouts retry the channel;
// other 4xx fall back; nothing secret or personal ends up in the message.
func TestWebhookAnswersDecideRetryOrFallback(t *testing.T) {
	cases := []struct {
		code    int
		sleep   time.Duration
		outcome cadence.Outcome
		msg     string
	}{
		{200, 0, cadence.Sent, ""},
		{202, 0, cadence.Sent, ""},
		{500, 0, cadence.Transient, "HTTP 500"},
		{503, 0, cadence.Transient, "HTTP 503"},
		{429, 0, cadence.Transient, "HTTP 429"},
		{400, 0, cadence.Permanent, "HTTP 400"},
		{404, 0, cadence.Permanent, "HTTP 404"},
		{410, 0, cadence.Permanent, "HTTP 410"},
		{200, time.Second, cadence.Transient, "timeout"},
	}
	for _, c := range cases {
		srv := newServer(t, func(request) (int, string) { time.Sleep(c.sleep); return c.code, "" })
		var cs channels
		cs.add(webhook("crm", srv.URL+"/x?token=SECRETTOKEN", "JSON"), map[string]string{"signingKey": "s3cret"})
		res := senders.NewRouter(&cs, nil).Dispatch(context.Background(), delivery("crm"))
		if res.Outcome != c.outcome || res.Message != c.msg {
			t.Errorf("HTTP %d after %s: %+v, want %s %q", c.code, c.sleep, res, c.outcome, c.msg)
		}
	}
	var cs channels
	cs.add(webhook("crm", "http://127.0.0.1:1/x?token=SECRETTOKEN", "JSON"), nil)
	res := senders.NewRouter(&cs, nil).Dispatch(context.Background(), delivery("crm"))
	if res.Outcome != cadence.Transient || strings.Contains(res.Message, "SECRET") || strings.Contains(res.Message, "127.0.0.1") {
		t.Errorf("connection refused: %+v", res)
	}
	res = senders.NewRouter(&cs, nil).Dispatch(context.Background(), delivery("missing"))
	if res.Outcome != cadence.Permanent || res.Message != "channel not found" {
		t.Errorf("missing channel: %+v", res)
	}
}

// TestCountingReceiverSeesOneDeliveryPerKey: repeated dispatches of one touch carry one
// key, so a receiver that dedupes by it delivers once.
func TestCountingReceiverSeesOneDeliveryPerKey(t *testing.T) {
	srv := newServer(t, nil)
	var cs channels
	cs.add(webhook("crm", srv.URL, "JSON"), nil)
	r := senders.NewRouter(&cs, nil)
	d := delivery("crm")
	for i := 0; i < 3; i++ {
		r.Dispatch(context.Background(), d)
	}
	d2 := d
	d2.Key, d2.Number = "otherkey0001", 3
	r.Dispatch(context.Background(), d2)
	unique := map[string]int{}
	for _, q := range srv.requests() {
		unique[q.Header.Get("Idempotency-Key")]++
	}
	if len(unique) != 2 || unique["k1a2b3c4d5e6"] != 3 || unique["otherkey0001"] != 1 {
		t.Errorf("keys %v", unique)
	}
}

func TestRateLimitHoldsSendsBack(t *testing.T) {
	srv := newServer(t, nil)
	var cs channels
	ch := webhook("slow", srv.URL, "JSON")
	ch.Spec.RateLimit.PerMinute = 1
	cs.add(ch, nil)
	obs := &observations{}
	r := senders.NewRouter(&cs, obs, senders.WithMaxRateWait(50*time.Millisecond))
	first := r.Dispatch(context.Background(), delivery("slow"))
	second := r.Dispatch(context.Background(), delivery("slow"))
	// Held back, not failed: the send is deferred to the bucket's next token, a minute on.
	if first.Outcome != cadence.Sent || second.Outcome != cadence.Deferred || second.Message != "rate limited" ||
		time.Until(second.RetryAt) < 50*time.Second || time.Until(second.RetryAt) > 61*time.Second {
		t.Errorf("first %+v second %+v", first, second)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests reached the receiver, want 1", n)
	}
	// A new generation (perMinute raised) gets a new bucket.
	ch.Generation, ch.Spec.RateLimit.PerMinute = 2, 6000
	if res := r.Dispatch(context.Background(), delivery("slow")); res.Outcome != cadence.Sent {
		t.Errorf("after raising the limit: %+v", res)
	}
	// A deferral is not an attempt: only the two sends are observed.
	if got := obs.list(); len(got) != 2 {
		t.Errorf("observations %q", got)
	}
}

func TestTaskIsAssignedAndTheOwnerTold(t *testing.T) {
	srv := newServer(t, nil)
	var cs channels
	cs.add(webhook("team-chat", srv.URL+"/services/T/B/X", "Slack"), nil)
	r := senders.NewRouter(&cs, nil)
	d := delivery("tasks")
	d.Task, d.Notify = true, "team-chat"
	res := r.Dispatch(context.Background(), d)
	if res.Outcome != cadence.TaskAssigned || res.Message != "task for anna" {
		t.Fatalf("%+v", res)
	}
	reqs := srv.requests()
	var body map[string]string
	if len(reqs) != 1 || json.Unmarshal(reqs[0].Body, &body) != nil {
		t.Fatalf("requests %+v", reqs)
	}
	for _, want := range []string{"Call task for anna", "sales/acme", "send-catalog", "2026-11-16 09:00 UTC", "--touch k1a2b3c4d5e6"} {
		if !strings.Contains(body["text"], want) {
			t.Errorf("task text %q lacks %q", body["text"], want)
		}
	}
	d.Notify = ""
	if res := r.Dispatch(context.Background(), d); res.Outcome != cadence.TaskAssigned || len(srv.requests()) != 1 {
		t.Errorf("without a notify channel: %+v", res)
	}
	d.Notify = "team-chat"
	srv.answer = func(request) (int, string) { return 404, "no_service" }
	if res := r.Dispatch(context.Background(), d); res.Outcome != cadence.Transient || !strings.HasPrefix(res.Message, "notifying the owner") {
		t.Errorf("broken chat: %+v (the rep must hear of the task)", res)
	}
}

func TestNoticeGoesToTheChannel(t *testing.T) {
	srv := newServer(t, nil)
	var cs channels
	cs.add(webhook("lead-chat", srv.URL, "Slack"), nil)
	r := senders.NewRouter(&cs, nil)
	n := noticeFor("lead-chat")
	if res := r.Notify(context.Background(), n); res.Outcome != cadence.Sent {
		t.Fatal(res)
	}
	if b := string(srv.requests()[0].Body); !strings.Contains(b, "[SLABreached] lead sales/acme (owner anna)") {
		t.Errorf("notice %s", b)
	}
	if res := r.Notify(context.Background(), noticeFor("nope")); res.Outcome != cadence.Permanent {
		t.Errorf("a notice to a missing channel: %+v", res)
	}
}

// TestNoticeToAJSONWebhookIsSignedAndStructured: a JSON receiver gets the notice as a
// field (reason and message), signed like a touch, and no contact object.
func TestNoticeToAJSONWebhookIsSignedAndStructured(t *testing.T) {
	srv := newServer(t, nil)
	var cs channels
	cs.add(webhook("ops", srv.URL, "JSON"), map[string]string{"signingKey": "s3cret"})
	if res := senders.NewRouter(&cs, nil).Notify(context.Background(), noticeFor("ops")); res.Outcome != cadence.Sent {
		t.Fatal(res)
	}
	q := srv.requests()[0]
	var got senders.WebhookTouch
	if err := json.Unmarshal(q.Body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Notice == nil || got.Notice.Reason != "SLABreached" || got.Notice.Message != "no contact by the deadline" ||
		got.Lead.Name != "acme" || got.Owner != "anna" {
		t.Errorf("notice body %s", q.Body)
	}
	if strings.Contains(string(q.Body), `"contact"`) || strings.Contains(string(q.Body), `"due"`) {
		t.Errorf("notice body carries touch-only fields: %s", q.Body)
	}
	if !senders.Verify([]byte("s3cret"), q.Header.Get(senders.HeaderTimestamp), q.Body, q.Header.Get(senders.HeaderSignature)) {
		t.Error("notice signature does not verify")
	}
	srv.answer = func(request) (int, string) { return 503, "" }
	if res := senders.NewRouter(&cs, nil).Notify(context.Background(), noticeFor("ops")); res.Outcome != cadence.Transient || strings.Contains(res.Message, "127.0.0.1") {
		t.Errorf("failed notice: %+v", res)
	}
}
