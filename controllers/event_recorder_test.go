package controllers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
)

// TestEventRecorderWritesEventsThroughTheAPIServer: an Event the operator's recorder
// (internal/eventrecorder, as the suite's manager runs it) queues arrives in the API
// server as events.k8s.io/v1 with the fields client-go's recorder fills.
func TestEventRecorderWritesEventsThroughTheAPIServer(t *testing.T) {
	ns := newNamespace(t)
	ctx := context.Background()
	ch := &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "tasks", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelTask}}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "creds", Namespace: ns}}
	if err := k8s.Create(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Create(ctx, secret); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Second)
	recorder.Eventf(ch, secret, corev1.EventTypeWarning, "RecorderCheck", "Check", "step %d of %d", 2, 3)

	eventually(t, 10*time.Second, func() string {
		if len(eventsFor(t, ch)["RecorderCheck"]) == 0 {
			return "no RecorderCheck event yet"
		}
		return ""
	})
	evs := eventsFor(t, ch)["RecorderCheck"]
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	e := evs[0]
	if e.Type != corev1.EventTypeWarning || e.Action != "Check" || e.Note != "step 2 of 3" {
		t.Errorf("type/action/note = %q/%q/%q", e.Type, e.Action, e.Note)
	}
	if e.ReportingController != controllers.EventReporter ||
		!strings.HasPrefix(e.ReportingInstance, controllers.EventReporter+"-") {
		t.Errorf("reporting controller/instance = %q/%q", e.ReportingController, e.ReportingInstance)
	}
	if !strings.HasPrefix(e.Name, ch.Name+".") || e.Namespace != ns {
		t.Errorf("event %s/%s, want %s/%s.<hex nanos>", e.Namespace, e.Name, ns, ch.Name)
	}
	if e.EventTime.Time.Before(before) || e.EventTime.Time.After(time.Now().Add(time.Second)) {
		t.Errorf("eventTime %v, want about now", e.EventTime)
	}
	if e.Series != nil {
		t.Errorf("series %+v, want none", e.Series)
	}
	r := e.Regarding
	if r.APIVersion != v1.GroupVersion.String() || r.Kind != "Channel" || r.Name != ch.Name || r.UID != ch.UID ||
		r.ResourceVersion == "" {
		t.Errorf("regarding %+v", r)
	}
	if e.Related == nil || e.Related.Kind != "Secret" || e.Related.APIVersion != "v1" || e.Related.Name != secret.Name ||
		e.Related.UID != secret.UID {
		t.Errorf("related %+v", e.Related)
	}
}
