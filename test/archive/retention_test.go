package archive_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/indexes"
)

const day = 24 * time.Hour

func reconcile(t *testing.T, r *controllers.RetentionReconciler, l *v1.Lead) ctrl.Result {
	t.Helper()
	res, err := r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(l)})
	if err != nil {
		t.Fatalf("reconcile %s: %v", l.Name, err)
	}
	return res
}

// TestRetentionMovesClosedLeadsToTheArchive drives the retention controller with a fake
// clock: each lead leaves the cluster exactly when its rule says, whole, with its
// unfolded interactions, and only after the archive holds it.
func TestRetentionMovesClosedLeadsToTheArchive(t *testing.T) {
	store, _ := newArchive(t)
	ns := newNamespace(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	clk := clocktesting.NewFakeClock(now)
	if err := k8s.Create(ctx, policy(ns, "p", &v1.Retention{FinishedFor: dur(day)})); err != nil {
		t.Fatal(err)
	}
	won := createLead(t, ns, leadSpec{name: "won", email: "won@example.org", submitted: now.Add(-60 * day), phase: v1.PhaseWon,
		outcome: v1.OutcomeWon, closedAt: now.Add(-29 * day), touches: 2, replyQuality: 3, value: "12000"})
	finished := createLead(t, ns, leadSpec{name: "finished", submitted: now.Add(-50 * day), phase: v1.PhaseFinished,
		closedAt: now.Add(-12 * time.Hour), touches: 3})
	open := createLead(t, ns, leadSpec{name: "open", submitted: now.Add(-400 * day), phase: v1.PhaseInCadence, touches: 1})
	stopped := createLead(t, ns, leadSpec{name: "replied", submitted: now.Add(-400 * day), phase: v1.PhaseStopped, replyQuality: 1})
	late := &v1.Interaction{ObjectMeta: metav1.ObjectMeta{Name: "won-read-1", Namespace: ns}, Spec: v1.InteractionSpec{Lead: "won",
		InteractionEntry: v1.InteractionEntry{At: metav1.NewTime(now.Add(-28 * day)), Kind: v1.InteractionRead, ID: "read-1"}}}
	other := &v1.Interaction{ObjectMeta: metav1.ObjectMeta{Name: "open-read-1", Namespace: ns}, Spec: v1.InteractionSpec{Lead: "open",
		InteractionEntry: v1.InteractionEntry{At: metav1.NewTime(now), Kind: v1.InteractionRead, ID: "read-2"}}}
	for _, o := range []client.Object{late, other} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		t.Fatal(err)
	}
	r := &controllers.RetentionReconciler{Client: k8s, APIReader: k8s, Archive: store, Clock: clk,
		Recorder: mgr.GetEventRecorder("retention-test")}
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = mgr.Start(mctx) }()

	// Not yet due: each waits for its own instant; the open ones are never due.
	if res := reconcile(t, r, won); res.RequeueAfter != day {
		t.Errorf("won 29 days ago: requeue %v, want 24h (30-day default)", res.RequeueAfter)
	}
	if res := reconcile(t, r, finished); res.RequeueAfter != 12*time.Hour {
		t.Errorf("finished 12h ago under a 24h rule: requeue %v, want 12h", res.RequeueAfter)
	}
	for _, l := range []*v1.Lead{open, stopped} {
		if res := reconcile(t, r, l); res.RequeueAfter != 0 {
			t.Errorf("%s: requeue %v, want none (woken when its phase changes)", l.Name, res.RequeueAfter)
		}
	}
	if sz, _ := store.Size(ctx); sz.Leads != 0 {
		t.Fatalf("archived before due: %+v", sz)
	}

	clk.Step(12 * time.Hour)
	reconcile(t, r, finished)
	reconcile(t, r, won)
	if exists(t, finished) || !exists(t, won) {
		t.Fatalf("after 12h: finished gone=%v (want true), won live=%v (want true)", !exists(t, finished), exists(t, won))
	}
	rec, err := store.Get(ctx, string(finished.UID))
	if err != nil || rec == nil || rec.Lead.Status.Phase != v1.PhaseFinished || len(rec.Lead.Status.Touches) != 3 {
		t.Fatalf("finished lead in the archive: %+v %v", rec, err)
	}

	clk.Step(12 * time.Hour)
	reconcile(t, r, won)
	if exists(t, won) {
		t.Fatal("won lead still in the cluster 30 days after its outcome")
	}
	rec, err = store.Get(ctx, string(won.UID))
	if err != nil || rec == nil {
		t.Fatalf("won lead not archived: %v", err)
	}
	if rec.Lead.Spec.Outcome == nil || rec.Lead.Spec.Outcome.Value.Amount != "12000" || len(rec.Lead.Status.Interactions) != 1 ||
		rec.Lead.Spec.Contact.Email != "won@example.org" || rec.Writes != 1 || !rec.ArchivedAt.Equal(now.Add(day)) {
		t.Fatalf("archived lead not whole: %+v", rec)
	}
	if len(rec.Inbox) != 1 || rec.Inbox[0].ID != "read-1" {
		t.Fatalf("the unfolded interaction was not archived with the lead: %+v", rec.Inbox)
	}
	var ints v1.InteractionList
	if err := k8s.List(ctx, &ints, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	if len(ints.Items) != 1 || ints.Items[0].Name != "open-read-1" {
		t.Fatalf("archived interactions leave with their lead, others stay: %+v", ints.Items)
	}

	clk.Step(400 * day)
	for _, l := range []*v1.Lead{open, stopped} {
		reconcile(t, r, l)
		if !exists(t, l) {
			t.Fatalf("%s archived although it still needs work", l.Name)
		}
	}

	eventually(t, 10*time.Second, func() string {
		var evs eventsv1.EventList
		if err := k8s.List(ctx, &evs, client.InNamespace(ns)); err != nil {
			return err.Error()
		}
		n := 0
		for _, e := range evs.Items {
			if e.Reason == v1.EventArchived {
				n++
			}
		}
		if n != 2 {
			return fmt.Sprintf("%d Archived events, want 2", n)
		}
		return ""
	})
}

// changeDuringWrite updates the lead (a late receipt folded into its status) right
// after the archive write commits, as a lead controller could between our two steps.
type changeDuringWrite struct {
	*archive.Store
	once   sync.Once
	change func()
}

func (a *changeDuringWrite) Put(ctx context.Context, r archive.Record, now time.Time) (int, error) {
	n, err := a.Store.Put(ctx, r, now)
	a.once.Do(a.change)
	return n, err
}

// TestALeadChangedAfterTheWriteIsNotDeletedOnAnOldCopy: the delete carries the archived
// resourceVersion as a precondition, so the newer lead is archived before it goes.
func TestALeadChangedAfterTheWriteIsNotDeletedOnAnOldCopy(t *testing.T) {
	store, _ := newArchive(t)
	ns := newNamespace(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	l := createLead(t, ns, leadSpec{name: "moving", submitted: now.Add(-90 * day), phase: v1.PhaseLost, outcome: v1.OutcomeLost,
		closedAt: now.Add(-31 * day), touches: 3})
	a := &changeDuringWrite{Store: store, change: func() {
		var cur v1.Lead
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(l), &cur); err != nil {
			t.Error(err)
			return
		}
		cur.Status.Interactions = append(cur.Status.Interactions, v1.InteractionEntry{At: metav1.NewTime(now), Kind: v1.InteractionRead, ID: "late"})
		if err := k8s.Status().Update(ctx, &cur); err != nil {
			t.Error(err)
		}
	}}
	r := &controllers.RetentionReconciler{Client: k8s, APIReader: k8s, Archive: a, Clock: clocktesting.NewFakeClock(now)}
	if res := reconcile(t, r, l); res.RequeueAfter == 0 || !exists(t, l) {
		t.Fatalf("the delete of a changed lead must fail its precondition and retry: %+v, live %v", res, exists(t, l))
	}
	reconcile(t, r, l)
	if exists(t, l) {
		t.Fatal("not deleted after archiving the newer copy")
	}
	rec, _ := store.Get(ctx, string(l.UID))
	if rec == nil || rec.Writes != 2 || len(rec.Lead.Status.Interactions) != 1 || rec.Lead.Status.Interactions[0].ID != "late" {
		t.Fatalf("the archive must hold the newest lead, written twice in one row: %+v", rec)
	}
}

// TestRetentionControllerInAManager: the watches wake closed leads, a policy that keeps
// its leads holds them, and changing that policy releases them.
func TestRetentionControllerInAManager(t *testing.T) {
	store, _ := newArchive(t)
	ns := newNamespace(t)
	ctx := context.Background()
	now := time.Now().UTC()
	keep := policy(ns, "p", &v1.Retention{Keep: true})
	if err := k8s.Create(ctx, keep); err != nil {
		t.Fatal(err)
	}
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"},
		Cache: cacheFor(ns)})
	if err != nil {
		t.Fatal(err)
	}
	if err := indexes.Setup(ctx, mgr.GetFieldIndexer()); err != nil {
		t.Fatal(err)
	}
	if err := (&controllers.RetentionReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Archive: store,
		Recorder: mgr.GetEventRecorder("retention")}).SetupWithManager(mgr, 2); err != nil {
		t.Fatal(err)
	}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(mctx) }()
	defer func() { cancel(); <-done }()

	var leads []*v1.Lead
	for i := range 6 {
		leads = append(leads, createLead(t, ns, leadSpec{name: fmt.Sprintf("closed-%d", i), submitted: now.Add(-70 * day),
			phase: v1.PhaseWon, outcome: v1.OutcomeWon, closedAt: now.Add(-40 * day), touches: 1}))
	}
	// A control lead under a policy with the default rule, created last: once it is
	// archived the controller has seen the kept leads too, so their staying is its
	// decision and not a controller that has not run yet.
	if err := k8s.Create(ctx, policy(ns, "defaults", nil)); err != nil {
		t.Fatal(err)
	}
	control := createLead(t, ns, leadSpec{name: "control", submitted: now.Add(-70 * day),
		phase: v1.PhaseWon, outcome: v1.OutcomeWon, closedAt: now.Add(-40 * day), touches: 1})
	control.Spec.Policy = "defaults"
	if err := k8s.Update(ctx, control); err != nil {
		t.Fatal(err)
	}
	control.Status.Policy = "defaults"
	if err := k8s.Status().Update(ctx, control); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, func() string {
		if exists(t, control) {
			return "the control lead is still in the cluster"
		}
		return ""
	})
	for _, l := range leads {
		if !exists(t, l) {
			t.Fatalf("%s archived although its policy keeps its leads", l.Name)
		}
	}
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(keep), keep); err != nil {
		t.Fatal(err)
	}
	keep.Spec.Retention = nil
	if err := k8s.Update(ctx, keep); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, func() string {
		for _, l := range leads {
			if exists(t, l) {
				return l.Name + " still in the cluster"
			}
		}
		return ""
	})
	if sz, err := store.Size(ctx); err != nil || sz.Leads != int64(len(leads))+1 {
		t.Fatalf("archive: %+v %v", sz, err)
	}
}
