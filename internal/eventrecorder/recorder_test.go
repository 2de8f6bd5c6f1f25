package eventrecorder

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	testingclock "k8s.io/utils/clock/testing"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/followup-io/followup-operator/internal/metrics"
)

// TestFullQueueDropsAndCountsWithoutBlocking: with nobody writing (the recorder not
// started, as when the API server stalls), Eventf past the queue's bound returns at once,
// drops the Event and counts it; the queued ones stay.
func TestFullQueueDropsAndCountsWithoutBlocking(t *testing.T) {
	clk := testingclock.NewFakeClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	r := New(nil, clientgoscheme.Scheme, "followup-operator", Options{QueueSize: 3, Clock: clk})
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "ns", UID: "u1"}}
	dropped := droppedCount(t, metrics.EventDropQueueFull)

	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 5 {
			clk.Step(time.Millisecond) // distinct names, as real time gives
			r.Eventf(cm, nil, corev1.EventTypeNormal, "Touched", "Send", "touch %d", i)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Eventf blocked on a full queue")
	}
	if got := droppedCount(t, metrics.EventDropQueueFull) - dropped; got != 2 {
		t.Errorf("dropped %v, want 2", got)
	}
	if len(r.queue) != 3 {
		t.Fatalf("queued %d, want 3", len(r.queue))
	}
	first := <-r.queue
	if first.Note != "touch 0" || first.Regarding.Kind != "ConfigMap" || first.Regarding.UID != "u1" ||
		first.Namespace != "ns" || !first.EventTime.Time.Equal(clk.Now().Add(-4*time.Millisecond)) {
		t.Errorf("first queued event %+v", first)
	}
}

// TestUnsupportedTypeIsNotQueued: client-go's recorder refuses a type other than
// Normal or Warning; so does this one, instead of queuing an Event the server rejects.
func TestUnsupportedTypeIsNotQueued(t *testing.T) {
	r := New(nil, clientgoscheme.Scheme, "followup-operator", Options{})
	r.Eventf(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "ns"}}, nil, "Loud", "X", "Y", "z")
	if len(r.queue) != 0 {
		t.Fatalf("queued %d events of an unsupported type", len(r.queue))
	}
}

// droppedCount reads followup_events_dropped_total{reason} off the manager's registry,
// as the metrics endpoint serves it.
func droppedCount(t *testing.T, reason string) float64 {
	t.Helper()
	families, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != metrics.NameEventsDropped {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "reason" && l.GetValue() == reason {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
