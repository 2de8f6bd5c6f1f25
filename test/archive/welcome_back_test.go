package archive_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"k8s.io/utils/ptr"
	"net/http"
	"net/http/httptest"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"strings"
	"sync"
	"testing"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/archive"
)

// webhookTouch is what the loopback receiver keeps of a touch.
type webhookTouch struct {
	Lead struct {
		Name string `json:"name"`
	} `json:"lead"`
	Touch   int32  `json:"touch"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// receiver is a loopback webhook endpoint recording the touches it got.
type receiver struct {
	mu      sync.Mutex
	touches []webhookTouch
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var t webhookTouch
	if err := json.Unmarshal(b, &t); err == nil && t.Touch > 0 {
		rc.mu.Lock()
		rc.touches = append(rc.touches, t)
		rc.mu.Unlock()
	}
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) of(lead string) []webhookTouch {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []webhookTouch
	for _, t := range rc.touches {
		if t.Lead.Name == lead {
			out = append(out, t)
		}
	}
	return out
}

// TestWelcomeBackThroughTheLeadController runs the operator's controllers (controllers.Setup
// with an archive, as main.go does) against a real control plane and PostgreSQL: a new
// lead of a contact whose earlier lead is archived is linked to it before its first
// touch, announced once, and greeted with the policy's welcome-back template, on the
// lead's status and in the message the channel delivered; a new contact's lead gets
// the first step's own template.
func TestWelcomeBackThroughTheLeadController(t *testing.T) {
	store, _ := newArchive(t)
	ns := newNamespace(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)

	rcv := &receiver{}
	srv := httptest.NewServer(rcv)
	defer srv.Close()

	// The earlier lead: lost 40 days ago, archived, gone from the cluster.
	earlier := createLead(t, ns, leadSpec{name: "olga-2025", email: "olga@werft.example", submitted: now.Add(-70 * day),
		phase: v1.PhaseLost, outcome: v1.OutcomeLost, closedAt: now.Add(-40 * day), touches: 3})
	var got v1.Lead
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(earlier), &got); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(ctx, archive.NewRecord(&got, nil), now); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Delete(ctx, &got); err != nil {
		t.Fatal(err)
	}

	allDay := v1.BusinessHours{Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, From: "00:00", To: "24:00"}
	objs := []client.Object{
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
			Webhook: &v1.WebhookChannel{URL: srv.URL + "/touch"}}},
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
			Schedule:      v1.Schedule{TimeZone: "UTC", BusinessHours: allDay},
			FirstResponse: []v1.FirstResponseTarget{{Tier: "standard", Within: metav1.Duration{Duration: time.Hour}}},
			Steps: []v1.Step{
				{Name: "introduce", After: &metav1.Duration{Duration: time.Second}, Channel: "hook", Template: "intro"},
				{Name: "follow-up", After: &metav1.Duration{Duration: time.Hour}, Channel: "hook", Template: "intro"},
			},
			WeeklyCaps: v1.WeeklyCaps{New: 50, Active: 50, Silent: 50},
			Templates: map[string]v1.MessageTemplate{
				"intro":   {Subject: "Hello", Body: "Nice to meet you, {{ .FirstName }}"},
				"welcome": {Subject: "Welcome back", Body: "Good to hear from you again, {{ .FirstName }}"},
			},
			ReturningContact: &v1.ReturningContactPolicy{Template: "welcome"},
		}},
	}
	for _, o := range objs {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}

	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0", Cache: cacheFor(ns),
		// Other tests of this process registered the same controllers in their managers.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := controllers.Setup(mgr, controllers.Options{Archive: store, Concurrency: 2}); err != nil {
		t.Fatal(err)
	}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(mctx) }()
	defer func() { cancel(); <-done }()

	newLead := func(name, email string) *v1.Lead {
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1.LeadSpec{
			Contact: v1.Contact{Name: "Olga Nowak", Email: email}, Policy: "p", Tier: "standard"}}
		if err := k8s.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	// The same person, the address written differently.
	back := newLead("olga-2026", "Olga@Werft.example")
	fresh := newLead("pia", "pia@example.net")

	firstTouch := func(name string) v1.Lead {
		var l v1.Lead
		eventually(t, 30*time.Second, func() string {
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &l); err != nil {
				return err.Error()
			}
			if len(l.Status.Touches) == 0 || l.Status.Touches[0].Result != v1.TouchSent {
				return fmt.Sprintf("%s: no sent touch yet: %+v", name, l.Status.Touches)
			}
			if len(rcv.of(name)) == 0 {
				return name + ": the receiver got nothing yet"
			}
			return ""
		})
		return l
	}

	l := firstTouch(back.Name)
	rc := l.Status.ReturningContact
	if rc == nil || rc.PreviousLead != "olga-2025" || rc.PreviousUID != string(earlier.UID) || !rc.Archived ||
		rc.MatchedBy != v1.MatchedByEmail || rc.PreviousPhase != v1.PhaseLost || rc.EarlierLeads != 1 {
		t.Fatalf("status.returningContact of the returning lead: %+v", rc)
	}
	if tpl := l.Status.Touches[0].Template; tpl != "welcome" {
		t.Errorf("first touch of the returning contact: template %q, want welcome", tpl)
	}
	if got := rcv.of(back.Name); got[0].Touch != 1 || got[0].Subject != "Welcome back" || got[0].Body != "Good to hear from you again, Olga" {
		t.Errorf("the channel delivered %+v, want the welcome-back message", got[0])
	}

	l = firstTouch(fresh.Name)
	if l.Status.ReturningContact != nil {
		t.Errorf("a new contact linked: %+v", l.Status.ReturningContact)
	}
	if tpl := l.Status.Touches[0].Template; tpl != "intro" {
		t.Errorf("first touch of a new contact: template %q, want the step's intro", tpl)
	}
	if got := rcv.of(fresh.Name); got[0].Subject != "Hello" || got[0].Body != "Nice to meet you, Olga" {
		t.Errorf("the channel delivered %+v to the new contact, want the step's message", got[0])
	}

	// Exactly one ReturningContact event, on the returning lead, naming no contact data.
	// Events are written asynchronously: wait for one, then make sure no second follows.
	events := func() []eventsv1.Event {
		var evs eventsv1.EventList
		if err := k8s.List(ctx, &evs, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
		var out []eventsv1.Event
		for _, e := range evs.Items {
			if e.Reason == v1.EventReturningContact {
				out = append(out, e)
			}
		}
		return out
	}
	eventually(t, 10*time.Second, func() string {
		if n := len(events()); n == 0 {
			return "no ReturningContact event"
		}
		return ""
	})
	time.Sleep(2 * time.Second)
	evs := events()
	if len(evs) != 1 {
		t.Fatalf("%d ReturningContact events, want exactly 1: %+v", len(evs), evs)
	}
	e := evs[0]
	if e.Regarding.Name != back.Name || e.Series != nil && e.Series.Count > 1 {
		t.Errorf("event regarding %s (series %+v), want one on %s", e.Regarding.Name, e.Series, back.Name)
	}
	for _, pii := range []string{"olga@", "Olga@", "werft", "Olga Nowak"} {
		if strings.Contains(e.Note, pii) {
			t.Errorf("event note %q carries contact data %q", e.Note, pii)
		}
	}
}
