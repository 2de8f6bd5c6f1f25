package controllers_test

import (
	"context"
	"fmt"
	"k8s.io/apimachinery/pkg/types"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	testingclock "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
)

func newChannelReconciler(start time.Time) (*controllers.ChannelReconciler, *testingclock.FakeClock) {
	clk := testingclock.NewFakeClock(start)
	return &controllers.ChannelReconciler{Client: k8s, Secrets: k8s, Recorder: recorder,
		Stats: controllers.NewChannelStats(clk), Clock: clk}, clk
}

// hookChannel creates the webhook channel "hook" the counter tests count sends of.
func hookChannel(t *testing.T, ns string) *v1.Channel {
	t.Helper()
	ch := &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
		Webhook: &v1.WebhookChannel{URL: "http://127.0.0.1:1/x"}}}
	if err := k8s.Create(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	return ch
}

func reconcileChannel(t *testing.T, r *controllers.ChannelReconciler, ch *v1.Channel) (ctrl.Result, *v1.Channel) {
	t.Helper()
	res, err := r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(ch)})
	if err != nil {
		t.Fatal(err)
	}
	var got v1.Channel
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ch), &got); err != nil {
		t.Fatal(err)
	}
	return res, &got
}

func TestChannelReadinessFollowsItsSecretAndNotifyChannel(t *testing.T) {
	ns := newNamespace(t)
	ctx := context.Background()
	r, _ := newChannelReconciler(time.Now())
	smtp := &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "mail", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelSMTP,
		SMTP: &v1.SMTPChannel{Host: "smtp.example.com", From: "sales@example.com"}, CredentialsRef: &v1.SecretKeyRef{Name: "mail", Key: "password"}}}
	tasks := &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "tasks", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelTask,
		Task: &v1.TaskChannel{Notify: "mail"}}}
	for _, o := range []client.Object{smtp, tasks} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}

	res, got := reconcileChannel(t, r, smtp)
	if s := chanCond(got, v1.ConditionStalled); s != `True/SecretNotFound: Secret "mail" (spec.credentialsRef) not found in namespace `+ns {
		t.Errorf("without its Secret: Stalled = %s", s)
	}
	if res.RequeueAfter != 30*time.Second || got.Status.ObservedGeneration != got.Generation {
		t.Errorf("requeue %s, observedGeneration %d/%d", res.RequeueAfter, got.Status.ObservedGeneration, got.Generation)
	}

	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "mail", Namespace: ns}, StringData: map[string]string{"username": "u"}}
	if err := k8s.Create(ctx, sec); err != nil {
		t.Fatal(err)
	}
	_, got = reconcileChannel(t, r, smtp)
	if s := chanCond(got, v1.ConditionStalled); s != `True/SecretKeyMissing: Secret "mail" has no key "password" (spec.credentialsRef.key)` {
		t.Errorf("without the key: Stalled = %s", s)
	}
	sec.StringData = map[string]string{"password": "p"}
	if err := k8s.Update(ctx, sec); err != nil {
		t.Fatal(err)
	}
	res, got = reconcileChannel(t, r, smtp)
	if s := chanCond(got, v1.ConditionReady); s != "True/Valid: SMTP channel ready" || condition(got.Status.Conditions, v1.ConditionStalled) != nil {
		t.Errorf("with its Secret: Ready = %s", s)
	}
	if res.RequeueAfter != 0 {
		t.Errorf("a ready channel with no news requeues after %s", res.RequeueAfter)
	}

	_, got = reconcileChannel(t, r, tasks)
	if s := chanCond(got, v1.ConditionStalled); s != `True/NotifyChannelNotWebhook: spec.task.notify: channel "mail" is SMTP; tasks are announced through a Webhook channel` {
		t.Errorf("task channel: Stalled = %s", s)
	}
	eventually(t, 10*time.Second, func() string {
		if n := len(eventsFor(t, got)["NotifyChannelNotWebhook"]); n != 1 {
			return fmt.Sprintf("%d NotifyChannelNotWebhook events, want 1", n)
		}
		return ""
	})
	reconcileChannel(t, r, tasks)
	time.Sleep(time.Second) // events are sent asynchronously; give a wrong second one time to land
	if ev := eventsFor(t, got); len(ev["NotifyChannelNotWebhook"]) != 1 {
		t.Errorf("a repeated reconcile emitted another event: %v", ev)
	}
}

// sentLead is a lead whose touches on the hook channel were sent at the given times.
func sentLead(ns, name string, at ...time.Time) *v1.Lead {
	l := &v1.Lead{}
	l.Namespace, l.Name = ns, name
	for i, t := range at {
		pt := metav1.NewTime(t)
		l.Status.Touches = append(l.Status.Touches, v1.TouchRecord{Number: int32(i + 1), Key: fmt.Sprint(name, i), Channel: "hook",
			Result: v1.TouchSent, PerformedAt: &pt})
	}
	return l
}

// TestChannelCountersAreFlushedInBatches: sends counted from the leads' touch records are
// folded into status at most once per flush interval, and only once they settled, so a
// busy channel does not cost a write per message.
func TestChannelCountersAreFlushedInBatches(t *testing.T) {
	ns := newNamespace(t)
	start := mustTime("2026-11-16T09:00:00Z")
	r, clk := newChannelReconciler(start)
	ch := hookChannel(t, ns)
	_, got := reconcileChannel(t, r, ch)
	rv := got.ResourceVersion

	h := r.Stats.Handler()
	before := sentLead(ns, "a")
	after := sentLead(ns, "a", start, start, start)
	after.Status.Touches = append(after.Status.Touches, v1.TouchRecord{Key: "f", Channel: "hook", Result: v1.TouchPending, Attempts: 1, Message: "HTTP 503 (attempt 1 of 10)"})
	before.Status.Touches = append(before.Status.Touches, v1.TouchRecord{Key: "f", Channel: "hook", Result: v1.TouchPending})
	h.OnUpdate(before, after)
	h.OnUpdate(after, after)  // a repeat of the same state counts nothing
	clk.Step(2 * time.Minute) // past the settle time
	_, got = reconcileChannel(t, r, ch)
	if got.Status.Sends != 3 || got.Status.Failures != 1 || got.Status.LastError != "HTTP 503" ||
		got.Status.LastSendAt == nil || !got.Status.LastSendAt.Time.Equal(start) || got.Status.CountedThrough == nil {
		t.Fatalf("after the first flush: %+v", got.Status)
	}
	if got.ResourceVersion == rv {
		t.Fatal("counters were not written")
	}
	rv = got.ResourceVersion

	clk.Step(2 * time.Second)
	h.OnUpdate(sentLead(ns, "b"), sentLead(ns, "b", clk.Now()))
	res, got := reconcileChannel(t, r, ch)
	if got.ResourceVersion != rv || res.RequeueAfter != 8*time.Second {
		t.Fatalf("within the flush interval: wrote=%v, requeue %s (want no write, 8s)", got.ResourceVersion != rv, res.RequeueAfter)
	}
	clk.Step(2 * time.Minute)
	_, got = reconcileChannel(t, r, ch)
	if got.Status.Sends != 4 || got.Status.Failures != 1 {
		t.Errorf("after the second flush: sends %d failures %d, want 4 and 1", got.Status.Sends, got.Status.Failures)
	}
}

// TestChannelCountersSurviveARestart: a process dies with counted sends it never wrote;
// the next process sees every lead again (the informer's first list) and counts exactly
// the touches after the written watermark.
func TestChannelCountersSurviveARestart(t *testing.T) {
	ns := newNamespace(t)
	start := mustTime("2026-11-16T09:00:00Z")
	r, clk := newChannelReconciler(start)
	ch := hookChannel(t, ns)
	reconcileChannel(t, r, ch)
	// Five sends at 09:00, written at 09:02.
	lead := sentLead(ns, "a", start, start, start, start, start)
	r.Stats.Handler().OnUpdate(sentLead(ns, "a"), lead)
	clk.Step(2 * time.Minute)
	_, got := reconcileChannel(t, r, ch)
	if got.Status.Sends != 5 {
		t.Fatalf("sends %d, want 5", got.Status.Sends)
	}
	// Seven more at 09:03, counted but not written: the process is killed.
	t2 := start.Add(3 * time.Minute)
	later := sentLead(ns, "b", t2, t2, t2, t2, t2, t2, t2)
	r.Stats.Handler().OnUpdate(sentLead(ns, "b"), later)

	// The new process lists both leads; only lead b's sends are after the watermark.
	clk.Step(5 * time.Minute)
	r2, _ := newChannelReconciler(clk.Now())
	r2.Clock = clk
	r2.Stats.Handler().OnAdd(lead, true)
	r2.Stats.Handler().OnAdd(later, true)
	_, got = reconcileChannel(t, r2, ch)
	if got.Status.Sends != 12 {
		t.Errorf("after the restart: sends %d, want 12 (5 written + 7 recovered, none twice)", got.Status.Sends)
	}
}

// TestChannelCountsASendWhoseResultLandsLate: a touch performed at 09:00 whose result
// write lands at 09:05 (a conflict, a slow API server), after a flush moved the
// watermark past 09:00, is still counted: a send seen by the running process counts at
// the time it is seen.
func TestChannelCountsASendWhoseResultLandsLate(t *testing.T) {
	ns := newNamespace(t)
	start := mustTime("2026-11-16T09:00:00Z")
	r, clk := newChannelReconciler(start)
	ch := hookChannel(t, ns)
	reconcileChannel(t, r, ch)
	r.Stats.Handler().OnUpdate(sentLead(ns, "a"), sentLead(ns, "a", start))
	clk.Step(3 * time.Minute)
	if _, got := reconcileChannel(t, r, ch); got.Status.Sends != 1 || got.Status.CountedThrough == nil || !got.Status.CountedThrough.After(start) {
		t.Fatalf("first flush: %+v", got.Status)
	}
	clk.Step(2 * time.Minute)
	r.Stats.Handler().OnUpdate(sentLead(ns, "late"), sentLead(ns, "late", start)) // performed 09:00, seen 09:05
	clk.Step(2 * time.Minute)
	if _, got := reconcileChannel(t, r, ch); got.Status.Sends != 2 {
		t.Errorf("sends %d, want 2: the late result was dropped behind the watermark", got.Status.Sends)
	}
}

func chanCond(ch *v1.Channel, typ string) string {
	c := condition(ch.Status.Conditions, typ)
	if c == nil {
		return "<none>"
	}
	return fmt.Sprintf("%s/%s: %s", c.Status, c.Reason, c.Message)
}

// TestChannelShowsItsQueue: touches whose intent is written and whose result is not
// (a rate limit's backlog) show as status.queued with the time the queue drains at the
// channel's rate; a lead that moves on or is deleted leaves the queue; an empty queue
// clears both fields.
func TestChannelShowsItsQueue(t *testing.T) {
	ns := newNamespace(t)
	start := mustTime("2026-11-16T09:00:30Z")
	r, clk := newChannelReconciler(start)
	r.Waiting = controllers.NewChannelWaiting()
	ch := &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
		Webhook: &v1.WebhookChannel{URL: "http://127.0.0.1:1/x"}, RateLimit: v1.RateLimit{PerMinute: 60}}}
	if err := k8s.Create(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	waiting := func(name string, n int) *v1.Lead {
		l := &v1.Lead{}
		l.Namespace, l.Name, l.UID = ns, name, types.UID("uid-"+name)
		for i := range n {
			l.Status.Touches = append(l.Status.Touches, v1.TouchRecord{Number: int32(i + 1), Key: fmt.Sprint(name, i),
				Channel: "hook", Result: v1.TouchPending})
		}
		return l
	}
	h := r.Waiting.Handler()
	var leads []*v1.Lead
	for i := range 150 {
		l := waiting(fmt.Sprint("l", i), 1)
		leads = append(leads, l)
		h.OnAdd(l, false)
	}
	other := waiting("elsewhere", 1)
	other.Status.Touches[0].Channel = "mail"
	h.OnAdd(other, false)

	res, got := reconcileChannel(t, r, ch)
	if got.Status.Queued != 150 || got.Status.DrainsAt == nil || !got.Status.DrainsAt.Time.Equal(mustTime("2026-11-16T09:03:00Z")) {
		t.Fatalf("queued %d drainsAt %v, want 150 draining at 09:03 (3 minutes at 60/min)", got.Status.Queued, got.Status.DrainsAt)
	}
	if res.RequeueAfter <= 0 || res.RequeueAfter > time.Minute {
		t.Errorf("a channel with a queue refreshes it: requeue %v", res.RequeueAfter)
	}

	// 100 are sent, 20 leads are deleted: 30 wait.
	for _, l := range leads[:100] {
		sent := l.DeepCopy()
		sent.Status.Touches[0].Result = v1.TouchSent
		h.OnUpdate(l, sent)
	}
	for _, l := range leads[100:120] {
		h.OnDelete(l)
	}
	clk.Step(time.Minute)
	_, got = reconcileChannel(t, r, ch)
	if got.Status.Queued != 30 || got.Status.DrainsAt == nil || !got.Status.DrainsAt.Time.Equal(mustTime("2026-11-16T09:02:00Z")) {
		t.Fatalf("queued %d drainsAt %v, want 30 draining at 09:02", got.Status.Queued, got.Status.DrainsAt)
	}
	for _, l := range leads[120:] {
		h.OnDelete(l)
	}
	_, got = reconcileChannel(t, r, ch)
	if got.Status.Queued != 0 || got.Status.DrainsAt != nil {
		t.Fatalf("an empty queue: queued %d drainsAt %v", got.Status.Queued, got.Status.DrainsAt)
	}
}
