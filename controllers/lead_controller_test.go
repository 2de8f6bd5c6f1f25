package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
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
	if got.Status.Phase != v1.PhaseInCadence || got.Status.Step != 2 || got.Status.Steps != 3 || got.Status.Round != 0 {
		t.Errorf("phase %s step %d/%d round %d", got.Status.Phase, got.Status.Step, got.Status.Steps, got.Status.Round)
	}
	if s := conditionText(got, v1.ConditionFirstResponseSLA); !strings.HasPrefix(s, "True/Met: first contact 0s after submission, within the 1h deadline counted in the team's working hours") {
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

	// Touch 3 is a call: a task for the owner, due within 24 working hours (Tuesday
	// 15:00 Berlin), and announced in anna's chat.
	h.clock.SetTime(mustTime("2026-11-20T08:00:00Z"))
	got = h.step(l, "3/3 call-with-offer (task open)", 3, 2, 102*time.Hour)
	last := got.Status.Touches[2]
	if last.Result != v1.TouchTaskAssigned || !h.sent.Deliveries()[2].Task || h.sent.Deliveries()[2].Notify != "anna-chat" {
		t.Errorf("touch 3 = %+v", last)
	}
	if got.Status.Phase != v1.PhaseAwaitingTask || got.Status.NextTouchAt == nil || !got.Status.NextTouchAt.Time.Equal(mustTime("2026-11-24T14:00:00Z")) {
		t.Errorf("phase %s, next %v: want the task deadline", got.Status.Phase, got.Status.NextTouchAt)
	}

	// The rep records a call with no answer: the cadence is over, dormant for 720h. The
	// Interaction object is folded into the lead and removed.
	h.clock.SetTime(mustTime("2026-11-20T09:00:00Z"))
	h.record(l, v1.InteractionEntry{At: metav1.NewTime(h.clock.Now()), Kind: v1.InteractionCallNoAnswer, Direction: v1.Outbound})
	got = h.step(l, "dormant", 3, 1, 720*time.Hour)
	if s := conditionText(got, v1.ConditionDormant); s != "True/NoAnswer: no answer after the last step; reactivation at 2026-12-20T09:00:00Z" {
		t.Errorf("Dormant = %s", s)
	}
	if got.Status.Touches[2].Result != v1.TouchDone || len(got.Status.Interactions) != 1 {
		t.Errorf("task not closed by the recorded call: %+v, interactions %d", got.Status.Touches[2], len(got.Status.Interactions))
	}
	var inbox v1.InteractionList
	if err := k8s.List(context.Background(), &inbox, client.InNamespace(h.ns)); err != nil || len(inbox.Items) != 0 {
		t.Errorf("%d Interaction objects left after the fold (%v)", len(inbox.Items), err)
	}

	// Reactivation starts on Sunday 20 December; its touch waits for Monday 09:00 Warsaw.
	h.clock.SetTime(mustTime("2026-12-20T09:00:00Z"))
	got = h.step(l, "reactivation 1: 1/1 win-back", 3, 1, 23*time.Hour)
	h.clock.SetTime(mustTime("2026-12-21T08:00:00Z"))
	got = h.step(l, "dormant (final)", 4, 2, 0)
	if s := conditionText(got, v1.ConditionDormant); !strings.HasPrefix(s, "True/Final") || got.Status.Phase != v1.PhaseFinished {
		t.Errorf("Dormant = %s, phase %s", s, got.Status.Phase)
	}

	// One event per reconcile that changed something, named by its main transition.
	eventually(t, 10*time.Second, func() string {
		ev := eventsFor(t, got)
		want := map[string]int{"TouchPerformed": 2, "TaskAssigned": 1, "Dormant": 2, "Reactivated": 1}
		n := 0
		for reason, list := range ev {
			n += len(list)
			if len(list) != want[reason] {
				return fmt.Sprintf("%d %s events, want %d", len(list), reason, want[reason])
			}
		}
		if n != 6 {
			return fmt.Sprintf("%d events, want 6", n)
		}
		return ""
	})
	// 4 touches, 1 call recorded, 1 reactivation: at most two writes per touch.
	if w := h.writes.Load(); w != 10 {
		t.Errorf("%d status writes in all, want 10", w)
	}
}

// TestLeadEscalationLadderAndHandOff: a high-tier lead on a Saturday under a calendar
// clock cannot be touched until Monday. The owner is warned before the deadline, the
// team lead told at the breach, the lead reassigned; then a quality-3 reply hands it to
// the new owner, whom no channel reaches: the lead says so instead of claiming the owner
// was told.
func TestLeadEscalationLadderAndHandOff(t *testing.T) {
	start := mustTime("2026-11-21T10:00:00Z") // Saturday
	h := newHarness(t, start)
	h.fixtures()
	calendar(t, h.ns, "industrial")
	l := h.lead("nordwind", "high", start)

	got := h.step(l, "1/3 introduce", 0, 1, 45*time.Minute)
	if s := conditionText(got, v1.ConditionFirstResponseSLA); !strings.HasPrefix(s, "Unknown/Pending: no contact yet; deadline 2026-11-21T11:00:00Z") {
		t.Errorf("FirstResponseSLA = %s", s)
	}
	h.clock.SetTime(mustTime("2026-11-21T10:45:00Z"))
	h.step(l, "1/3 introduce", 0, 2, 15*time.Minute)
	if n := h.sent.Notices(); len(n) != 1 || n[0].Channel != "anna-chat" || n[0].Reason != "SLAAtRisk" || n[0].Key == "" {
		t.Errorf("warning notices %+v", n)
	}
	h.clock.SetTime(mustTime("2026-11-21T11:00:00Z"))
	// Monday 09:00 in Warsaw is 08:00Z: 45h away.
	got = h.step(l, "1/3 introduce", 0, 2, 45*time.Hour)
	if s := conditionText(got, v1.ConditionFirstResponseSLA); s != "False/Breached: no contact by the deadline 2026-11-21T11:00:00Z (1h counted around the clock)" {
		t.Errorf("FirstResponseSLA = %s", s)
	}
	fr := got.Status.FirstResponse
	if got.Status.Owner != "jonas" || !fr.Warned || !fr.Escalated || !fr.Reassigned {
		t.Errorf("after the breach: owner %q (want jonas), rungs %+v", got.Status.Owner, fr)
	}
	if n := h.sent.Notices(); len(n) != 2 || n[1].Channel != "lead-chat" || n[1].Reason != "SLABreached" {
		t.Errorf("notices %+v", n)
	}
	if s := conditionText(got, v1.ConditionDelivering); !strings.HasPrefix(s, "False/NoticeUndeliverable: Reassigned notice to jonas: no channel reaches jonas") {
		t.Errorf("Delivering = %s", s)
	}
	h.clock.SetTime(mustTime("2026-11-21T12:00:00Z"))
	h.step(l, "1/3 introduce", 0, 0, 44*time.Hour)

	// The customer writes: "send me a PI" (quality 3). No touch follows.
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
	eventually(t, 10*time.Second, func() string {
		ev := eventsFor(t, got)
		for reason, n := range map[string]int{"OwnerAssigned": 1, "NoticeSent": 1, "SLABreached": 1, "HandedToHuman": 1} {
			if len(ev[reason]) != n {
				return fmt.Sprintf("%d %s events, want %d: %v", len(ev[reason]), reason, n, ev)
			}
		}
		if e := ev["SLABreached"][0]; e.Type != "Warning" || !strings.Contains(e.Note, "reassigned from anna to jonas") {
			return "SLABreached: " + e.Type + " " + e.Note
		}
		if e := ev["HandedToHuman"][0]; !strings.Contains(e.Note, "owner jonas NOT told: no channel reaches jonas") {
			return "HandedToHuman must say the owner was not told: " + e.Note
		}
		return ""
	})
}

// calendar switches a policy's first-response targets to the calendar clock.
func calendar(t *testing.T, ns, name string) {
	t.Helper()
	var p v1.FollowUpPolicy
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &p); err != nil {
		t.Fatal(err)
	}
	for i := range p.Spec.FirstResponse {
		p.Spec.FirstResponse[i].Clock = v1.ClockCalendar
	}
	if err := k8s.Update(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, func() string {
		if _, s := policyHealth(t, client.ObjectKeyFromObject(&p)); !strings.HasPrefix(s, "Ready=True") {
			return s
		}
		var cur v1.FollowUpPolicy
		_ = k8s.Get(context.Background(), client.ObjectKeyFromObject(&p), &cur)
		if cur.Status.ObservedGeneration != cur.Generation {
			return "policy not observed yet"
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

// TestLeadCrashBetweenSendAndRecord: the result write fails after the send and the
// process dies; the new process resends with the same key and records once.
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
	h.restart()
	h.poke(l)
	got = h.get(l)
	if h.sent.Count(key) != 2 || len(h.sent.Deliveries()) != 2 {
		t.Errorf("resend: key sent %d times (want 2, same key), %d deliveries", h.sent.Count(key), len(h.sent.Deliveries()))
	}
	if len(got.Status.Touches) != 1 || got.Status.Touches[0].Result != v1.TouchSent || got.Status.Touches[0].Key != key {
		t.Errorf("after the resend: %+v", got.Status.Touches)
	}
}

// TestLeadChangedDuringASendIsRecordedOnce: someone changes the lead while its touch is
// on the wire, so the result write conflicts; nothing is sent again and the touch is
// recorded as sent once the newer lead is read (before, the result was dropped and the
// touch went out twice). A failed write without a conflict keeps the outcome too.
func TestLeadChangedDuringASendIsRecordedOnce(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	h.fixtures()
	l := h.lead("busy", "high", start)
	h.sent.Answer = func(d dispatch.Delivery) dispatch.Result {
		cur := h.get(l)
		cur.Spec.Vars = map[string]string{"edited": "during the send"}
		if err := k8s.Update(context.Background(), cur); err != nil {
			t.Error(err)
		}
		return dispatch.Result{Outcome: cadence.Sent, MessageID: "wamid.HBgL"}
	}
	h.poke(l)
	h.sent.Answer = nil
	if got := h.get(l); got.Status.Touches[0].Result != v1.TouchPending {
		t.Fatalf("the conflicting write landed: %+v", got.Status.Touches[0])
	}
	h.poke(l)
	got := h.get(l)
	if n := len(h.sent.Deliveries()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
	if tr := got.Status.Touches[0]; tr.Result != v1.TouchSent || tr.MessageID != "wamid.HBgL" {
		t.Errorf("touch = %+v, want sent with the provider's message id", tr)
	}

	// A write that fails for another reason: the outcome waits for the next reconcile.
	h.clock.SetTime(mustTime("2026-11-18T08:00:00Z"))
	h.failWrite = func(l *v1.Lead) bool { return l.Status.Touches[len(l.Status.Touches)-1].Result == v1.TouchSent }
	if _, err := h.r.Reconcile(context.Background(), reqFor(l)); err == nil {
		t.Fatal("want the injected failure")
	}
	h.failWrite = nil
	h.poke(l)
	if got = h.get(l); len(h.sent.Deliveries()) != 2 || got.Status.Touches[1].Result != v1.TouchSent {
		t.Errorf("after a failed write: %d deliveries, touch 2 %+v", len(h.sent.Deliveries()), got.Status.Touches[1])
	}
}

// TestTemplateThatDoesNotRenderIsNeverSent: a template that fails for one lead's data
// sends nothing; the touch fails with the reason, the lead and the policy say so, and
// the cadence goes on.
func TestTemplateThatDoesNotRenderIsNeverSent(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	h.fixtures()
	var p v1.FollowUpPolicy
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: h.ns, Name: "industrial"}, &p); err != nil {
		t.Fatal(err)
	}
	p.Spec.Templates["intro"] = v1.MessageTemplate{Subject: "About {{ .Product }}", Body: "{{ slice .Product 0 40 }}: the full name"}
	if err := k8s.Update(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, func() string {
		var cur v1.FollowUpPolicy
		_ = k8s.Get(context.Background(), client.ObjectKeyFromObject(&p), &cur)
		if cur.Status.ObservedGeneration != cur.Generation {
			return "policy not observed yet"
		}
		return ""
	})
	l := h.lead("short-product", "high", start) // "CNC laser" is shorter than 40
	// Nothing reached the customer, so the SLA warning (09:45) is the next thing due.
	got := h.step(l, "2/3 send-catalog", 0, 2, 45*time.Minute)
	tr := got.Status.Touches[0]
	if tr.Result != v1.TouchFailed || !strings.Contains(tr.Message, "template intro does not render for this lead") {
		t.Errorf("touch 1 = %+v", tr)
	}
	if s := conditionText(got, v1.ConditionDelivering); !strings.HasPrefix(s, "False/TemplateRenderFailed: touch 1 (introduce): template intro does not render") {
		t.Errorf("Delivering = %s", s)
	}
	eventually(t, 10*time.Second, func() string {
		if len(eventsFor(t, got)["TemplateRenderFailed"]) != 1 {
			return "no TemplateRenderFailed event on the lead"
		}
		if len(eventsFor(t, &p)["TemplateRenderFailed"]) != 1 {
			return "no TemplateRenderFailed event on the policy"
		}
		return ""
	})
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
	if got.Status.Phase != v1.PhaseBlocked || res.RequeueAfter != 30*time.Second || len(h.sent.Deliveries()) != 0 {
		t.Errorf("phase %s requeue %s, deliveries %d", got.Status.Phase, res.RequeueAfter, len(h.sent.Deliveries()))
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

// TestTransientFailureIsRetried: a send that fails for a passing reason is recorded and
// retried at its backoff: the lead asks to be woken then (the outcome just written is
// not "in flight" any more), and the retry carries the same key.
func TestTransientFailureIsRetried(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	h.fixtures()
	l := h.lead("flaky", "high", start)
	h.sent.Answer = func(dispatch.Delivery) dispatch.Result {
		return dispatch.Result{Outcome: cadence.Transient, Message: "HTTP 503"}
	}
	got := h.step(l, "1/3 introduce", 1, 2, 30*time.Second)
	if tr := got.Status.Touches[0]; tr.Result != v1.TouchPending || tr.Attempts != 1 || tr.NextAttemptAt == nil {
		t.Fatalf("touch after a 503: %+v", tr)
	}
	if s := conditionText(got, v1.ConditionDelivering); !strings.HasPrefix(s, "False/ChannelFailing: touch 1 (introduce) via email: HTTP 503 (attempt 1 of 10)") {
		t.Errorf("Delivering = %s", s)
	}
	h.sent.Answer = nil
	h.clock.SetTime(start.Add(30 * time.Second))
	// Two writes again: the intent write guards the retry against a stale cache too.
	got = h.step(l, "2/3 send-catalog", 2, 2, 47*time.Hour-30*time.Second)
	if key := got.Status.Touches[0].Key; h.sent.Count(key) != 2 || got.Status.Touches[0].Result != v1.TouchSent {
		t.Errorf("retry: key sent %d times, touch %+v", h.sent.Count(key), got.Status.Touches[0])
	}
}
