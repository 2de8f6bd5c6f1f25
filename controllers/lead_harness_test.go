package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	testingclock "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/dispatch"
)

// harness drives a LeadReconciler by hand: a fake clock, a recording dispatcher and a
// client that counts lead status writes and can inject faults.
type harness struct {
	t      *testing.T
	ns     string
	clock  *testingclock.FakeClock
	sent   *dispatch.Recording
	writes atomic.Int64
	// noops counts the lead status writes the API server took without a new version:
	// writes that changed nothing as stored.
	noops atomic.Int64
	// failWrite, when set, fails the lead status write it returns true for.
	failWrite func(l *v1.Lead) bool
	seq       int
	// stale, when set, is served instead of the stored lead on Get.
	stale  *v1.Lead
	r      *controllers.LeadReconciler
	client client.Client
	// direct reads the API server with no stale lead injected: the reconciler's
	// APIReader, as mgr.GetAPIReader() is in the operator.
	direct client.Client
}

func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	h := &harness{t: t, ns: newNamespace(t), clock: testingclock.NewFakeClock(start), sent: &dispatch.Recording{}}
	direct, err := client.NewWithWatch(env.Config, client.Options{Scheme: env.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	c := interceptor.NewClient(direct, interceptor.Funcs{
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			if l, ok := obj.(*v1.Lead); ok && h.stale != nil {
				h.stale.DeepCopyInto(l)
				return nil
			}
			return c.Get(ctx, key, obj, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			if l, ok := obj.(*v1.Lead); ok {
				if h.failWrite != nil && h.failWrite(l) {
					return context.DeadlineExceeded
				}
				h.writes.Add(1)
				read := l.ResourceVersion
				err := c.SubResource(sub).Update(ctx, obj, opts...)
				if err == nil && l.ResourceVersion == read {
					h.noops.Add(1)
				}
				return err
			}
			return c.SubResource(sub).Update(ctx, obj, opts...)
		},
	})
	h.client, h.direct = c, direct
	h.restart()
	return h
}

// restart replaces the reconciler, as a new operator process would: the sends in
// flight and their outcomes, and the rep reservations, are gone.
func (h *harness) restart() {
	h.r = &controllers.LeadReconciler{Client: h.client, APIReader: h.direct, Recorder: recorder, Clock: h.clock, Dispatcher: h.sent,
		Sends: controllers.NewSendQueue(h.clock, true), Loads: controllers.NewRepLoads()}
}

// fixtures creates the channels, a Berlin business-hours policy with three steps and a
// win-back, and a campaign with three reps (one away).
func (h *harness) fixtures() {
	h.t.Helper()
	objs := []client.Object{
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "smtp", Namespace: h.ns}, StringData: map[string]string{"password": "x"}},
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "email", Namespace: h.ns}, Spec: v1.ChannelSpec{Type: v1.ChannelSMTP,
			SMTP: &v1.SMTPChannel{Host: "127.0.0.1", From: "sales@example.com"}, CredentialsRef: &v1.SecretKeyRef{Name: "smtp"}}},
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "tasks", Namespace: h.ns}, Spec: v1.ChannelSpec{Type: v1.ChannelTask}},
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "lead-chat", Namespace: h.ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
			Webhook: &v1.WebhookChannel{URL: "http://127.0.0.1:1/hook", Format: "Slack"}}},
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "anna-chat", Namespace: h.ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
			Webhook: &v1.WebhookChannel{URL: "http://127.0.0.1:1/anna", Format: "Slack"}}},
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "industrial", Namespace: h.ns}, Spec: v1.FollowUpPolicySpec{
			Schedule: v1.Schedule{TimeZone: "Europe/Berlin"},
			Steps: []v1.Step{
				{Name: "introduce", Channel: "email", Template: "intro"},
				{Name: "send-catalog", After: &metav1.Duration{Duration: 36 * time.Hour}, Channel: "email", Template: "intro"},
				{Name: "call-with-offer", After: &metav1.Duration{Duration: 48 * time.Hour}, PerformedBy: v1.PerformedByOwner, Channel: "tasks"},
			},
			AfterLastStep: v1.AfterLastStep{Reactivation: []v1.Step{{Name: "win-back", Channel: "email", Template: "intro"}}},
			Escalation:    &v1.Escalation{WarnBefore: &metav1.Duration{Duration: 15 * time.Minute}, OnBreach: &v1.BreachAction{Notify: "lead-chat", Reassign: true}},
			Templates:     map[string]v1.MessageTemplate{"intro": {Subject: "{{ .Product }}", Body: "Hello {{ .FirstName }}, I'm {{ .Owner.Name }}."}},
		}},
		&v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "cnc", Namespace: h.ns}, Spec: v1.CampaignSpec{
			Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "21000000777"}, Policy: "industrial",
			Reps: []v1.Rep{{Name: "anna", Chat: "anna-chat"}, {Name: "mei", Unavailable: true}, {Name: "jonas"}}}},
	}
	h.create(objs...)
}

// create makes the objects and waits until every policy among them is Ready.
func (h *harness) create(objs ...client.Object) {
	h.t.Helper()
	for _, o := range objs {
		if err := k8s.Create(context.Background(), o); err != nil {
			h.t.Fatal(err)
		}
	}
	for _, o := range objs {
		if p, ok := o.(*v1.FollowUpPolicy); ok {
			eventually(h.t, 10*time.Second, func() string {
				if _, s := policyHealth(h.t, client.ObjectKeyFromObject(p)); !strings.HasPrefix(s, "Ready=True") {
					return p.Name + ": " + s
				}
				return ""
			})
		}
	}
}

func (h *harness) lead(name, tier string, submitted time.Time) *v1.Lead {
	h.t.Helper()
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: h.ns}, Spec: v1.LeadSpec{
		Contact: v1.Contact{Name: "Hanna Kowalczyk", Email: "hanna@example.pl", TimeZone: "Europe/Warsaw"},
		Source:  v1.LeadSource{Campaign: "cnc", SubmittedAt: ptr.To(metav1.NewTime(submitted))},
		Tier:    tier, Product: "CNC laser",
	}}
	if err := k8s.Create(context.Background(), l); err != nil {
		h.t.Fatal(err)
	}
	return l
}

// poke reconciles a lead once and returns the result.
func (h *harness) poke(l *v1.Lead) ctrl.Result {
	h.t.Helper()
	res, err := h.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(l)})
	if err != nil {
		h.t.Fatalf("reconcile: %v", err)
	}
	return res
}

func (h *harness) get(l *v1.Lead) *v1.Lead {
	h.t.Helper()
	var got v1.Lead
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(l), &got); err != nil {
		h.t.Fatal(err)
	}
	return &got
}

// record creates Interaction objects for a lead, as the inbound edge or kubectl
// followup would.
func (h *harness) record(l *v1.Lead, ins ...v1.InteractionEntry) {
	h.t.Helper()
	for _, in := range ins {
		h.seq++
		if in.ID == "" {
			in.ID = fmt.Sprintf("test-%d", h.seq)
		}
		obj := &v1.Interaction{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", l.Name, h.seq), Namespace: l.Namespace},
			Spec: v1.InteractionSpec{Lead: l.Name, InteractionEntry: in}}
		if err := k8s.Create(context.Background(), obj); err != nil {
			h.t.Fatal(err)
		}
	}
}

func reqFor(l *v1.Lead) ctrl.Request {
	return ctrl.Request{NamespacedName: client.ObjectKeyFromObject(l)}
}

func mustAtoi(s string) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		panic(err)
	}
	return n
}
