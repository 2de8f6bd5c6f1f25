package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// step pokes the lead and checks what a person would check: the stage, the number of
// deliveries so far, the status writes this poke made, and the requeue delay.
func (h *harness) step(l *v1.Lead, wantStage string, wantDeliveries int, wantWrites int64, wantRequeue time.Duration) *v1.Lead {
	h.t.Helper()
	w0 := h.writes.Load()
	res := h.poke(l)
	got := h.get(l)
	if got.Status.Stage != wantStage {
		h.t.Errorf("at %s: stage %q, want %q", h.clock.Now().UTC().Format(time.RFC3339), got.Status.Stage, wantStage)
	}
	if n := len(h.sent.Deliveries()); n != wantDeliveries {
		h.t.Errorf("at %s: %d deliveries, want %d", h.clock.Now().UTC().Format(time.RFC3339), n, wantDeliveries)
	}
	if w := h.writes.Load() - w0; w != wantWrites {
		h.t.Errorf("at %s: %d status writes, want %d", h.clock.Now().UTC().Format(time.RFC3339), w, wantWrites)
	}
	if res.RequeueAfter != wantRequeue {
		h.t.Errorf("at %s: requeue after %s, want %s", h.clock.Now().UTC().Format(time.RFC3339), res.RequeueAfter, wantRequeue)
	}
	return got
}

func conditionText(l *v1.Lead, typ string) string {
	c := condition(l.Status.Conditions, typ)
	if c == nil {
		return "<none>"
	}
	return fmt.Sprintf("%s/%s: %s", c.Status, c.Reason, c.Message)
}

// TestLeadLifecycle follows one high-tier lead through its cadence, a task, dormancy,
// a reactivation and final dormancy, with a fake clock.
func TestLeadLifecycle(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z") // Monday, 10:00 in Warsaw
	h := newHarness(t, start)
	h.fixtures()
	l := h.lead("kowalczyk", "high", start)

	// Touch 1 at once: two writes (intent, result). Touch 2 is 36h later, which is
	// 22:00 in Warsaw, so Wednesday 09:00 there (08:00Z): 47h from now.
	got := h.step(l, "2/3 send-catalog", 1, 2, 47*time.Hour)
	if got.Status.Owner != "anna" || got.Status.FirstResponse.Summary != "Met (0s)" {
		t.Errorf("owner %q, SLA %q", got.Status.Owner, got.Status.FirstResponse.Summary)
	}
	if s := conditionText(got, v1.ConditionFirstResponseSLA); !strings.HasPrefix(s, "True/Met: first contact 0s after submission, within the 1h deadline") {
		t.Errorf("FirstResponseSLA = %s", s)
	}
	if s := conditionText(got, v1.ConditionReady); s != "True/InCadence: 2/3 send-catalog" {
		t.Errorf("Ready = %s", s)
	}
	if condition(got.Status.Conditions, v1.ConditionReconciling) != nil || condition(got.Status.Conditions, v1.ConditionStalled) != nil {
		t.Error("Reconciling or Stalled left behind")
	}
	d := h.sent.Deliveries()[0]
	if d.Message.Body != "Hello Hanna, I'm anna." || d.Key != got.Status.Touches[0].Key || d.Channel != "email" {
		t.Errorf("delivery %+v", d)
	}
	if got.Status.ObservedGeneration != got.Generation {
		t.Error("observedGeneration not current")
	}

	// Repeated pokes change nothing and send nothing.
	for i := 0; i < 3; i++ {
		h.step(l, "2/3 send-catalog", 1, 0, 47*time.Hour)
	}

	h.clock.SetTime(mustTime("2026-11-18T08:00:00Z"))
	h.step(l, "3/3 call-with-offer", 2, 2, 48*time.Hour)

	// Touch 3 is a call: a task for the owner, open until the rep records the outcome.
	h.clock.SetTime(mustTime("2026-11-20T08:00:00Z"))
	got = h.step(l, "3/3 call-with-offer (task open)", 3, 2, 0)
	if last := got.Status.Touches[2]; last.Result != v1.TouchTaskAssigned || !h.sent.Deliveries()[2].Task {
		t.Errorf("touch 3 = %+v", last)
	}

	// The rep records a call with no answer: the cadence is over, dormant for 720h.
	h.clock.SetTime(mustTime("2026-11-20T09:00:00Z"))
	h.record(l, v1.InteractionEntry{At: metav1.NewTime(h.clock.Now()), Kind: v1.InteractionCallNoAnswer, Direction: v1.Outbound})
	got = h.step(l, "dormant", 3, 1, 720*time.Hour)
	if s := conditionText(got, v1.ConditionDormant); s != "True/NoAnswer: no answer after the last step; reactivation at 2026-12-20T09:00:00Z" {
		t.Errorf("Dormant = %s", s)
	}
	if got.Status.Touches[2].Result != v1.TouchDone {
		t.Errorf("task not closed by the recorded call: %+v", got.Status.Touches[2])
	}

	// Reactivation starts on Sunday 20 December; its touch waits for Monday 09:00 Warsaw.
	h.clock.SetTime(mustTime("2026-12-20T09:00:00Z"))
	got = h.step(l, "reactivation 1: 1/1 win-back", 3, 1, 23*time.Hour)
	h.clock.SetTime(mustTime("2026-12-21T08:00:00Z"))
	got = h.step(l, "dormant (final)", 4, 2, 0)
	if s := conditionText(got, v1.ConditionDormant); !strings.HasPrefix(s, "True/Final") {
		t.Errorf("Dormant = %s", s)
	}

	eventually(t, 10*time.Second, func() string {
		ev := eventsFor(t, got)
		want := map[string]int{"TouchDue": 4, "TouchPerformed": 3, "TaskAssigned": 1, "SLAMet": 1, "Dormant": 2,
			"Reactivated": 1, "OwnerAssigned": 1}
		for reason, n := range want {
			if len(ev[reason]) != n {
				return fmt.Sprintf("%d %s events, want %d", len(ev[reason]), reason, n)
			}
		}
		return ""
	})
	// 4 touches, 1 call recorded, 1 reactivation: at most two writes per touch.
	if w := h.writes.Load(); w != 10 {
		t.Errorf("%d status writes in all, want 10", w)
	}
}

// TestLeadSLABreachEscalatesThenHandOff: a high-tier lead on a Saturday cannot be
// touched until Monday; the deadline warning, the breach, the escalation and a
// quality-3 reply follow each other on the fake clock.
func TestLeadSLABreachEscalatesThenHandOff(t *testing.T) {
	start := mustTime("2026-11-21T10:00:00Z") // Saturday
	h := newHarness(t, start)
	h.fixtures()
	l := h.lead("nordwind", "high", start)

	got := h.step(l, "1/3 introduce", 0, 1, 45*time.Minute)
	if s := conditionText(got, v1.ConditionFirstResponseSLA); !strings.HasPrefix(s, "Unknown/Pending: no contact yet; deadline 2026-11-21T11:00:00Z") {
		t.Errorf("FirstResponseSLA = %s", s)
	}
	h.clock.SetTime(mustTime("2026-11-21T10:45:00Z"))
	h.step(l, "1/3 introduce", 0, 1, 15*time.Minute)
	h.clock.SetTime(mustTime("2026-11-21T11:00:00Z"))
	// Monday 09:00 in Warsaw is 08:00Z: 45h away.
	got = h.step(l, "1/3 introduce", 0, 1, 45*time.Hour)
	if s := conditionText(got, v1.ConditionFirstResponseSLA); s != "False/Breached: no contact by the deadline 2026-11-21T11:00:00Z (1h after submission)" {
		t.Errorf("FirstResponseSLA = %s", s)
	}
	if got.Status.Owner != "jonas" || !got.Status.FirstResponse.Escalated {
		t.Errorf("after the breach: owner %q (want jonas, reassigned), escalated %v", got.Status.Owner, got.Status.FirstResponse.Escalated)
	}
	if n := h.sent.Notices(); len(n) != 1 || n[0].Channel != "lead-chat" || n[0].Reason != "SLABreached" {
		t.Errorf("notices %+v", n)
	}
	h.clock.SetTime(mustTime("2026-11-21T12:00:00Z"))
	h.step(l, "1/3 introduce", 0, 0, 44*time.Hour)

	// The customer writes: "send me a PI" (quality 3). No touch follows; the owner is told.
	h.record(l, v1.InteractionEntry{At: metav1.NewTime(h.clock.Now()), Kind: v1.InteractionReply, Direction: v1.Inbound, Quality: ptr.To[int32](3)})
	got = h.step(l, "handed-off", 0, 1, 0)
	if s := conditionText(got, v1.ConditionEngaged); s != "True/Replied: 1 replies, 0 turns, best quality 3, customer wrote first" {
		t.Errorf("Engaged = %s", s)
	}
	if s := got.Status.FirstResponse.Summary; s != "Breached (+1h)" {
		t.Errorf("SLA summary %q", s)
	}
	h.clock.SetTime(mustTime("2026-11-23T08:00:00Z"))
	h.step(l, "handed-off", 0, 0, 0)
	if n := h.sent.Notices(); len(n) != 2 || n[1].Reason != "HandedToHuman" || n[1].Owner != "jonas" {
		t.Errorf("notices %+v", n)
	}
	eventually(t, 10*time.Second, func() string {
		ev := eventsFor(t, got)
		for reason, n := range map[string]int{"SLAAtRisk": 1, "SLABreached": 1, "Reassigned": 1, "HandedToHuman": 1} {
			if len(ev[reason]) != n {
				return fmt.Sprintf("%d %s events, want %d", len(ev[reason]), reason, n)
			}
		}
		if ev["SLABreached"][0].Type != "Warning" {
			return "SLABreached is not a Warning"
		}
		return ""
	})
}

// TestLeadStaleCacheSendsNothing: a reconcile that reads an old lead (before touch 1
// was recorded) plans touch 1 again; its intent write conflicts and nothing is sent.
func TestLeadStaleCacheSendsNothing(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	h.fixtures()
	l := h.lead("stale", "high", start)
	h.poke(l) // owner assigned... and touch 1 sent
	if n := len(h.sent.Deliveries()); n != 1 {
		t.Fatalf("%d deliveries, want 1", n)
	}
	stale := h.get(l)
	stale.Status = v1.LeadStatus{}
	stale.ResourceVersion = fmt.Sprint(mustAtoi(h.get(l).ResourceVersion) - 1)
	h.stale = stale
	h.poke(l)
	h.stale = nil
	if n := len(h.sent.Deliveries()); n != 1 {
		t.Fatalf("stale read led to %d deliveries, want 1", n)
	}
	if got := h.get(l); len(got.Status.Touches) != 1 || got.Status.Touches[0].Result != v1.TouchSent {
		t.Errorf("touches after the stale read: %+v", got.Status.Touches)
	}
}

// TestLeadCrashBetweenSendAndRecord: the result write fails after the send (the
// process "dies"); the next reconcile resends with the same key and records once.
func TestLeadCrashBetweenSendAndRecord(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	h.fixtures()
	l := h.lead("crash", "high", start)
	h.failWrite = func(l *v1.Lead) bool {
		n := len(l.Status.Touches)
		return n > 0 && l.Status.Touches[n-1].Result == v1.TouchSent
	}
	if _, err := h.r.Reconcile(context.Background(), reqFor(l)); err == nil {
		t.Fatal("want the injected failure")
	}
	h.failWrite = nil
	got := h.get(l)
	if len(got.Status.Touches) != 1 || got.Status.Touches[0].Result != v1.TouchPending {
		t.Fatalf("after the crash, want the intent only: %+v", got.Status.Touches)
	}
	key := got.Status.Touches[0].Key
	h.poke(l)
	got = h.get(l)
	if h.sent.Count(key) != 2 || len(h.sent.Deliveries()) != 2 {
		t.Errorf("resend: key sent %d times (want 2, same key), %d deliveries", h.sent.Count(key), len(h.sent.Deliveries()))
	}
	if len(got.Status.Touches) != 1 || got.Status.Touches[0].Result != v1.TouchSent || got.Status.Touches[0].Key != key {
		t.Errorf("after the resend: %+v", got.Status.Touches)
	}
}

func TestLeadWaitsForItsPolicy(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "early", Namespace: h.ns}, Spec: v1.LeadSpec{
		Contact: v1.Contact{Email: "x@example.com"}, Policy: "industrial",
		Source: v1.LeadSource{SubmittedAt: ptr.To(metav1.NewTime(start))}}}
	if err := k8s.Create(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	res := h.poke(l)
	got := h.get(l)
	if s := conditionText(got, v1.ConditionStalled); s != `True/PolicyNotFound: policy "industrial" not found in namespace `+h.ns {
		t.Errorf("Stalled = %s", s)
	}
	if res.RequeueAfter != 30*time.Second || len(h.sent.Deliveries()) != 0 {
		t.Errorf("requeue %s, deliveries %d", res.RequeueAfter, len(h.sent.Deliveries()))
	}
	h.fixtures()
	h.poke(l)
	got = h.get(l)
	if condition(got.Status.Conditions, v1.ConditionStalled) != nil || len(h.sent.Deliveries()) != 1 {
		t.Errorf("after the policy appeared: %s, %d deliveries", conditionText(got, v1.ConditionReady), len(h.sent.Deliveries()))
	}
}

func TestLeadOwnersRoundRobinSkippingAbsentReps(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	h.fixtures()
	var owners []string
	for i := 0; i < 4; i++ {
		l := h.lead(fmt.Sprintf("rr-%d", i), "standard", start)
		h.poke(l)
		owners = append(owners, h.get(l).Status.Owner)
	}
	if got := strings.Join(owners, " "); got != "anna jonas anna jonas" {
		t.Errorf("owners %q, want anna jonas anna jonas (mei is away)", got)
	}
}
