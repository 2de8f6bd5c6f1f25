package controllers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/gather"
)

// TestLeadSameCompany runs the sameCompany rule through the real API: a reply on one
// lead of nordwind.de pauses the other nordwind.de lead (phase, stage, condition and one
// event naming the lead that answered), while a lead of another company and two
// gmail.com leads (free mail is no company) go on. Colleagues are found through the
// company field index of the manager's cache.
func TestLeadSameCompany(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z") // Monday, 10:00 in Berlin
	h := newHarness(t, start)
	h.fixtures()
	ctx := context.Background()
	// Leads are listed by index from the manager's cache, as in the operator.
	h.r.Client = interceptor.NewClient(h.client.(client.WithWatch), interceptor.Funcs{
		List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
			if _, ok := list.(*v1.LeadList); ok {
				return cached.List(ctx, list, opts...)
			}
			return c.List(ctx, list, opts...)
		},
	})
	p := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "company", Namespace: h.ns}, Spec: v1.FollowUpPolicySpec{
		Schedule: v1.Schedule{TimeZone: "Europe/Berlin"},
		Steps: []v1.Step{
			{Name: "introduce", Channel: "email", Template: "intro"},
			{Name: "send-catalog", After: &metav1.Duration{Duration: 36 * time.Hour}, Channel: "email", Template: "intro"},
		},
		SameCompany: v1.SameCompanyPolicy{Action: v1.SameCompanyPause, PauseFor: &metav1.Duration{Duration: 168 * time.Hour}},
		Templates:   map[string]v1.MessageTemplate{"intro": {Body: "Hello {{ .FirstName }}."}},
	}}
	h.create(p)
	mk := func(name, email string) *v1.Lead {
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: h.ns}, Spec: v1.LeadSpec{Policy: "company", Owner: "anna",
			Contact: v1.Contact{Name: "Jens Nordwind", Email: email}, Source: v1.LeadSource{SubmittedAt: ptr.To(metav1.NewTime(start))}}}
		if err := k8s.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	answering := mk("nordwind-anna", "anna@nordwind.de")
	colleague := mk("nordwind-jens", "jens@Nordwind.DE")
	other := mk("suedwind-li", "li@suedwind.de")
	free1 := mk("free-one", "one@gmail.com")
	free2 := mk("free-two", "two@gmail.com")
	all := []*v1.Lead{answering, colleague, other, free1, free2}
	for _, l := range all {
		h.poke(l)
	}
	if n := len(h.sent.Deliveries()); n != 5 {
		t.Fatalf("%d first touches, want 5", n)
	}

	h.clock.SetTime(mustTime("2026-11-16T12:00:00Z"))
	h.record(answering, v1.InteractionEntry{At: metav1.NewTime(h.clock.Now()), Kind: v1.InteractionReply, Medium: "Email"})
	h.record(free1, v1.InteractionEntry{At: metav1.NewTime(h.clock.Now()), Kind: v1.InteractionReply, Medium: "Email"})
	h.poke(answering)
	h.poke(free1)
	eventually(t, 10*time.Second, func() string { // the cache has seen both replies
		for _, l := range []*v1.Lead{answering, free1} {
			var got v1.Lead
			if err := cached.Get(ctx, client.ObjectKeyFromObject(l), &got); err != nil || len(got.Status.Interactions) == 0 {
				return "cache behind for " + l.Name
			}
		}
		return ""
	})
	// What the watch maps a new answer to: the other leads of the company, by index.
	same, err := gather.SameCompany(ctx, cached, h.get(answering))
	if err != nil || len(same) != 1 || same[0].Name != colleague.Name {
		t.Fatalf("same company as %s: %v %v", answering.Name, names(same), err)
	}
	if same, _ := gather.SameCompany(ctx, cached, h.get(free1)); len(same) != 0 {
		t.Fatalf("free mail made a company: %v", names(same))
	}

	for range 2 { // decided twice: one event
		for _, l := range []*v1.Lead{colleague, other, free2} {
			h.poke(l)
		}
	}
	got := h.get(colleague)
	until := mustTime("2026-11-23T12:00:00Z")
	if got.Status.Phase != v1.PhasePaused || got.Status.SameCompany == nil || got.Status.SameCompany.Lead != answering.Name ||
		!got.Status.SameCompany.Until.Time.Equal(until) {
		t.Fatalf("colleague: phase %s sameCompany %+v", got.Status.Phase, got.Status.SameCompany)
	}
	if want := "paused until 2026-11-23 (lead nordwind-anna of the same company replied), then 2/2 send-catalog"; got.Status.Stage != want {
		t.Errorf("stage %q, want %q", got.Status.Stage, want)
	}
	c := condition(got.Status.Conditions, v1.ConditionSameCompany)
	if c == nil || c.Status != "True" || c.Reason != v1.ReasonColleagueAnswered || !strings.HasPrefix(c.Message, "lead nordwind-anna of the same company replied") {
		t.Fatalf("condition %+v", c)
	}
	for _, l := range []*v1.Lead{other, free2} {
		g := h.get(l)
		if g.Status.Phase != v1.PhaseInCadence || g.Status.SameCompany != nil || condition(g.Status.Conditions, v1.ConditionSameCompany) != nil {
			t.Errorf("%s: phase %s sameCompany %+v", l.Name, g.Status.Phase, g.Status.SameCompany)
		}
	}

	// When send-catalog falls due, the paused lead gets nothing; the other company's does.
	h.clock.SetTime(mustTime("2026-11-17T21:00:00Z"))
	before := len(h.sent.Deliveries())
	for _, l := range []*v1.Lead{colleague, other} {
		h.poke(l)
	}
	h.clock.SetTime(mustTime("2026-11-18T08:00:00Z"))
	for _, l := range []*v1.Lead{colleague, other} {
		h.poke(l)
	}
	var to []string
	for _, d := range h.sent.Deliveries()[before:] {
		to = append(to, d.Lead.Name)
	}
	if strings.Join(to, ",") != "suedwind-li" {
		t.Errorf("sent to %v while the colleague is paused, want suedwind-li only", to)
	}

	eventually(t, 10*time.Second, func() string {
		ev := eventsFor(t, got)[v1.EventSameCompanyPaused]
		if len(ev) != 1 {
			return "SameCompanyPaused events: " + strings.Repeat("x", len(ev))
		}
		if !strings.Contains(ev[0].Note, "nordwind-anna") || strings.Contains(ev[0].Note, "@") || strings.Contains(ev[0].Note, "Jens") {
			return "event note: " + ev[0].Note
		}
		return ""
	})
	time.Sleep(500 * time.Millisecond) // a late second event would show by now
	if n := len(eventsFor(t, got)[v1.EventSameCompanyPaused]); n != 1 {
		t.Errorf("%d SameCompanyPaused events, want 1", n)
	}
	for _, l := range []*v1.Lead{other, free2} {
		ev := eventsFor(t, h.get(l))
		if len(ev[v1.EventSameCompanyPaused])+len(ev[v1.EventSameCompanyStopped]) != 0 {
			t.Errorf("%s got a same-company event", l.Name)
		}
	}

	// The pause ends a week after the reply: the cadence resumes where it was (its last
	// step goes out, then it is dormant).
	h.clock.SetTime(until)
	h.poke(colleague)
	got = h.get(colleague)
	last := h.sent.Deliveries()[len(h.sent.Deliveries())-1]
	if got.Status.Phase != v1.PhaseDormant || got.Status.SameCompany != nil || last.Lead.Name != colleague.Name || last.Step != "send-catalog" ||
		condition(got.Status.Conditions, v1.ConditionSameCompany) != nil {
		t.Errorf("after the pause: phase %s, last delivery %s/%s", got.Status.Phase, last.Lead.Name, last.Step)
	}
}

func names(ls []v1.Lead) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

// TestSameCompanyAnswerWakesColleagues runs the whole operator (controllers.Setup in a
// manager): a reply recorded on one lead stops, with policy action Stop, the other
// lead of its company at once, woken through the company index (nothing else would
// reconcile it: its task is not due for a day), and leaves another company's lead be.
func TestSameCompanyAnswerWakesColleagues(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"},
		Controller: config.Controller{SkipNameValidation: ptr.To(true)}, Cache: cacheFor(ns)})
	if err != nil {
		t.Fatal(err)
	}
	if err := controllers.Setup(mgr, controllers.Options{Concurrency: 2}); err != nil {
		t.Fatal(err)
	}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(mctx) }()
	t.Cleanup(func() { cancel(); <-done })

	for _, o := range []client.Object{
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "tasks", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelTask}},
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "calls", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
			Schedule: v1.Schedule{TimeZone: "UTC", BusinessHours: v1.BusinessHours{
				Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, From: "00:00", To: "24:00"}},
			SameCompany: v1.SameCompanyPolicy{Action: v1.SameCompanyStop},
			Steps:       []v1.Step{{Name: "call", PerformedBy: v1.PerformedByOwner, Channel: "tasks"}}}},
	} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(name string, c v1.Contact) *v1.Lead {
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1.LeadSpec{Policy: "calls", Owner: "ana", Contact: c}}
		if err := k8s.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	answering := mk("acme-one", v1.Contact{Email: "one@acme-tools.example", CompanyID: "acct-7"})
	colleague := mk("acme-two", v1.Contact{Email: "two@gmail.com", CompanyID: "acct-7"}) // same account, free mail
	other := mk("other-one", v1.Contact{Email: "one@other-tools.example"})
	phase := func(l *v1.Lead) v1.LeadPhase {
		var got v1.Lead
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(l), &got); err != nil {
			t.Fatal(err)
		}
		return got.Status.Phase
	}
	eventually(t, 30*time.Second, func() string {
		for _, l := range []*v1.Lead{answering, colleague, other} {
			if p := phase(l); p != v1.PhaseAwaitingTask {
				return l.Name + " is " + string(p)
			}
		}
		return ""
	})
	in := &v1.Interaction{ObjectMeta: metav1.ObjectMeta{Name: "acme-one-reply", Namespace: ns}, Spec: v1.InteractionSpec{Lead: answering.Name,
		InteractionEntry: v1.InteractionEntry{At: metav1.Now(), Kind: v1.InteractionReply, Medium: "Email", ID: "r1"}}}
	if err := k8s.Create(ctx, in); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() string {
		var got v1.Lead
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(colleague), &got); err != nil {
			return err.Error()
		}
		if got.Status.Phase != v1.PhaseStopped || got.Status.SameCompany == nil || got.Status.SameCompany.Lead != answering.Name {
			return "colleague: " + string(got.Status.Phase)
		}
		return ""
	})
	if p := phase(answering); p != v1.PhaseStopped {
		t.Errorf("the answering lead is %s, want Stopped (its own reply)", p)
	}
	time.Sleep(time.Second)
	if p := phase(other); p != v1.PhaseAwaitingTask {
		t.Errorf("another company's lead is %s", p)
	}
}
