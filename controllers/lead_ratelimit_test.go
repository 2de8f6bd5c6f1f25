package controllers_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/senders"
)

// TestRateLimitedBacklogCostsTwoWritesPerTouch sends through the real router to a
// loopback webhook limited to 20 a minute (limitedLeads): the first ten leads are sent
// at once; the eleventh is written once, as an intent queued for its slot, and sent at
// the slot with the same key: two status writes in all, no try that is deferred. A
// twelfth lead replies while it is queued: nothing is sent to it.
func TestRateLimitedBacklogCostsTwoWritesPerTouch(t *testing.T) {
	h, rcv, leads := limitedLeads(t, 12)
	for _, l := range leads[:10] {
		if got := h.get(l).Status.Touches; len(got) != 1 || got[0].Result != v1.TouchSent || len(rcv.of(l.Name)) != 1 {
			t.Fatalf("%s of the burst: %+v, %d received", l.Name, got, len(rcv.of(l.Name)))
		}
	}
	eleventh, twelfth := leads[10], leads[11]
	writes := h.writes.Load()
	var wrote []string
	h.failWrite = func(l *v1.Lead) bool {
		wrote = append(wrote, fmt.Sprintf("%s:%s", l.Name, l.Status.Touches[0].Result))
		return false
	}
	queued := h.get(eleventh).Status.Touches
	if len(queued) != 1 || queued[0].Result != v1.TouchPending || queued[0].NextAttemptAt == nil || queued[0].Message != cadence.SlotMessage ||
		len(rcv.of(eleventh.Name)) != 0 {
		t.Fatalf("the eleventh lead: %+v, %d received; want an intent queued for its slot", queued, len(rcv.of(eleventh.Name)))
	}
	if wait := queued[0].NextAttemptAt.Sub(limitedStart); wait < time.Second || wait > 5*time.Second {
		t.Errorf("queued until %s after the start, want the next slot (up to 3s on)", wait)
	}

	// The twelfth lead replies while it waits.
	h.record(twelfth, v1.InteractionEntry{At: metav1.NewTime(limitedStart), Kind: v1.InteractionReply, Direction: v1.Inbound, ID: "r-12"})
	h.poke(twelfth)

	time.Sleep(3200 * time.Millisecond) // the eleventh's slot comes (the limiter runs on real time)
	h.clock.SetTime(queued[0].NextAttemptAt.Time.Add(2 * time.Second))
	h.poke(eleventh)
	h.poke(twelfth)
	got := h.get(eleventh).Status.Touches
	if len(got) != 1 || got[0].Result != v1.TouchSent || got[0].Key != queued[0].Key || len(rcv.of(eleventh.Name)) != 1 {
		t.Fatalf("the eleventh lead at its slot: %+v, %d received", got, len(rcv.of(eleventh.Name)))
	}
	if n := h.writes.Load() - writes; n != 2 { // the eleventh's result and the twelfth's skip
		t.Errorf("%d status writes after the backlog was queued (%q), want the result only (and the twelfth's)", n, wrote)
	}
	if got := h.get(twelfth).Status.Touches; len(got) != 1 || got[0].Result != v1.TouchSkipped || len(rcv.of(twelfth.Name)) != 0 {
		t.Errorf("the twelfth lead replied while queued: %+v, %d received; want skipped, nothing sent", got, len(rcv.of(twelfth.Name)))
	}
}

// TestQueuedTouchAfterARestart: the slots live in memory; after a restart a touch
// queued in status reserves again when its slot comes and goes with its key, once, at
// the cost of its result write only.
func TestQueuedTouchAfterARestart(t *testing.T) {
	h, rcv, leads := limitedLeads(t, 11)
	eleventh := leads[10]
	queued := h.get(eleventh).Status.Touches
	if len(queued) != 1 || queued[0].Result != v1.TouchPending || queued[0].NextAttemptAt == nil {
		t.Fatalf("the eleventh lead: %+v, want an intent queued for its slot", queued)
	}
	h.restart()
	h.r.Dispatcher = limitedRouter(h)
	writes := h.writes.Load()
	h.poke(eleventh) // before its slot: still queued
	if n := len(rcv.of(eleventh.Name)); n != 0 {
		t.Fatalf("sent before its slot after the restart: %d", n)
	}
	h.clock.SetTime(queued[0].NextAttemptAt.Time)
	h.poke(eleventh)
	got := h.get(eleventh).Status.Touches
	if len(got) != 1 || got[0].Result != v1.TouchSent || got[0].Key != queued[0].Key {
		t.Fatalf("after the restart, at its slot: %+v", got)
	}
	if r := rcv.of(eleventh.Name); len(r) != 1 || r[0].Key != queued[0].Key {
		t.Errorf("received %+v, want one touch with key %s", r, queued[0].Key)
	}
	if n := h.writes.Load() - writes; n != 1 {
		t.Errorf("%d status writes after the restart, want the result only", n)
	}
}

// limitedStart is when the rate-limit tests' leads came in: Monday, 10:00 in Berlin.
var limitedStart = mustTime("2026-11-16T09:00:00Z")

// limitedLeads makes n leads on a policy whose one step goes, day or night, through a
// loopback JSON webhook limited to 20 a minute (a burst of 10, then one every 3 s), and
// reconciles each once.
func limitedLeads(t *testing.T, n int) (*harness, *bodies, []*v1.Lead) {
	h := newHarness(t, limitedStart)
	rcv := &bodies{by: map[string][]senders.WebhookTouch{}}
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	h.r.Dispatcher = limitedRouter(h)
	h.create(
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: h.ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
			Webhook: &v1.WebhookChannel{URL: srv.URL + "/touch", Format: "JSON"}, RateLimit: v1.RateLimit{PerMinute: 20}}},
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "limited", Namespace: h.ns}, Spec: v1.FollowUpPolicySpec{
			Schedule:  v1.Schedule{TimeZone: "Europe/Berlin"},
			Steps:     []v1.Step{{Name: "introduce", Channel: "hook", Template: "intro", SendWindow: v1.SendAnytime}},
			StopOn:    []v1.StopEvent{v1.StopReplied},
			Templates: map[string]v1.MessageTemplate{"intro": {Subject: "Your inquiry", Body: "Hello {{ .FirstName }}."}},
		}},
	)
	var leads []*v1.Lead
	for i := range n {
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint("lead-", i), Namespace: h.ns}, Spec: v1.LeadSpec{
			Contact: v1.Contact{Name: "Hanna Kowalczyk", Email: "hanna@example.com"}, Policy: "limited", Owner: "anna",
			Source: v1.LeadSource{SubmittedAt: ptr.To(metav1.NewTime(limitedStart))}}}
		if err := k8s.Create(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		leads = append(leads, l)
	}
	for _, l := range leads {
		h.poke(l)
	}
	return h, rcv, leads
}

// limitedRouter is the real router over the harness's client; a send waits at most
// 100 ms for its token.
func limitedRouter(h *harness) *senders.Router {
	return senders.NewRouter(controllers.ChannelLookup{Channels: h.client}, nil, senders.WithMaxRateWait(100*time.Millisecond))
}
