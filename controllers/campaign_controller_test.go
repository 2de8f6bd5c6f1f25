package controllers_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlconfig "sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/indexes"
)

// statusWriteCounter counts status patches per campaign name, to prove the debounce.
type statusWriteCounter struct {
	client.Client
	mu     sync.Mutex
	writes map[string]int
}

func (c *statusWriteCounter) Status() client.SubResourceWriter {
	return countingStatus{c.Client.Status(), c}
}

type countingStatus struct {
	client.SubResourceWriter
	c *statusWriteCounter
}

func (s countingStatus) Patch(ctx context.Context, o client.Object, p client.Patch, opts ...client.SubResourcePatchOption) error {
	s.c.count1(o)
	return s.SubResourceWriter.Patch(ctx, o, p, opts...)
}

func (s countingStatus) Update(ctx context.Context, o client.Object, opts ...client.SubResourceUpdateOption) error {
	s.c.count1(o)
	return s.SubResourceWriter.Update(ctx, o, opts...)
}

func (c *statusWriteCounter) count1(o client.Object) {
	c.mu.Lock()
	c.writes[o.GetName()]++
	c.mu.Unlock()
}

func (c *statusWriteCounter) count(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes[name]
}

// startCampaignController runs the campaign controller in its own manager (its own cache
// and lead index) so the shared TestMain manager stays as the lead tests expect.
func startCampaignController(t *testing.T, now time.Time) *statusWriteCounter {
	t.Helper()
	// Tests start it more than once in one process: controller names repeat.
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"},
		Controller: ctrlconfig.Controller{SkipNameValidation: ptr.To(true)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := indexes.Setup(context.Background(), mgr.GetFieldIndexer()); err != nil {
		t.Fatal(err)
	}
	counter := &statusWriteCounter{Client: mgr.GetClient(), writes: map[string]int{}}
	r := &controllers.CampaignReconciler{Client: counter, Recorder: mgr.GetEventRecorder("campaign-test"),
		Clock: clocktesting.NewFakePassiveClock(now), Debounce: 2 * time.Second}
	if err := r.SetupWithManager(mgr); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return counter
}

func TestCampaignBurstMakesFewStatusWrites(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	now := time.Now().Truncate(time.Second)
	counter := startCampaignController(t, now)
	objs := []client.Object{
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
			Schedule: v1.Schedule{TimeZone: "Europe/Berlin"},
			Steps:    []v1.Step{{Name: "call", PerformedBy: v1.PerformedByOwner, Channel: "tasks"}}}},
		&v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "burst", Namespace: ns}, Spec: v1.CampaignSpec{
			Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "21000000777"}, Policy: "p"}},
		&v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "orphan", Namespace: ns}, Spec: v1.CampaignSpec{
			Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "21000000778"}, Policy: "missing"}},
	}
	for _, o := range objs {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	const inWindow, old, workers = 2000, 100, 8
	var next atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= inWindow+old {
					return
				}
				submitted := now.Add(-time.Hour)
				if i >= inWindow {
					submitted = now.Add(-8 * 24 * time.Hour) // outside the default 7-day window
				}
				l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("l-%d", i), Namespace: ns}, Spec: v1.LeadSpec{
					Contact: v1.Contact{Email: "buyer@example.com"},
					Source:  v1.LeadSource{Campaign: "burst", Keyword: fmt.Sprintf("kw-%d", i%13), SubmittedAt: ptr.To(metav1.NewTime(submitted))}}}
				if err := k8s.Create(ctx, l); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var c v1.Campaign
	eventually(t, 60*time.Second, func() string {
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "burst"}, &c); err != nil {
			return err.Error()
		}
		if c.Status.Measures == nil || c.Status.Measures.Leads != inWindow {
			return fmt.Sprintf("measures %+v", c.Status.Measures)
		}
		return ""
	})
	time.Sleep(3 * time.Second) // one more debounce period: no trailing writes beyond the bound
	if n := counter.count("burst"); n < 1 || n > 10 {
		t.Fatalf("%d status writes for %d lead creations, want 1..10", n, inWindow+old)
	}
	t.Logf("status writes for %d lead creations: %d", inWindow+old, counter.count("burst"))
	if rc := condition(c.Status.Conditions, v1.ConditionReady); rc == nil || rc.Status != metav1.ConditionTrue || c.Status.ObservedGeneration != c.Generation {
		t.Fatalf("Ready = %+v, observedGeneration %d/%d", rc, c.Status.ObservedGeneration, c.Generation)
	}
	if c.Status.Measures.MeanFirstResponse != "" || c.Status.Measures.TouchesPerLead != "0.0" {
		t.Fatalf("no lead was contacted or touched: %+v", c.Status.Measures)
	}

	var o v1.Campaign
	eventually(t, 20*time.Second, func() string {
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "orphan"}, &o); err != nil {
			return err.Error()
		}
		rc := condition(o.Status.Conditions, v1.ConditionReady)
		if rc == nil || rc.Status != metav1.ConditionFalse || rc.Reason != v1.ReasonPolicyNotFound {
			return fmt.Sprintf("orphan Ready = %+v", rc)
		}
		if s := condition(o.Status.Conditions, v1.ConditionStalled); s == nil || s.Status != metav1.ConditionTrue {
			return fmt.Sprintf("orphan Stalled = %+v", s)
		}
		return ""
	})
}
