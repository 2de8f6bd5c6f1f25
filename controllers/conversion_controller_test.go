package controllers_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	testingclock "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/conversions"
	"github.com/followup-io/followup-operator/internal/secrets"
)

// TestWonLeadIsUploadedOnceWithRetry: a won lead of a campaign with conversionUpload is
// sent to a loopback events.ingest with the Secret's token; the first answer (503) puts
// the lead in UploadRetrying with a one-minute backoff in status, the retry a minute
// later (same transaction id: the lead's UID) is accepted, the lead is ConversionUploaded
// with Google's request id, an event says so, and nothing is sent again.
func TestWonLeadIsUploadedOnceWithRetry(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	var mu sync.Mutex
	var got []conversions.IngestRequest
	var auth []string
	answers := []int{http.StatusServiceUnavailable, http.StatusOK}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var req conversions.IngestRequest
		if r.URL.Path != "/v1/events:ingest" || json.Unmarshal(raw, &req) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		got, auth = append(got, req), append(auth, r.Header.Get("Authorization"))
		code := answers[0]
		answers = answers[1:]
		w.WriteHeader(code)
		if code == http.StatusOK {
			_, _ = io.WriteString(w, `{"requestId":"req-42"}`)
		}
	}))
	defer srv.Close()

	objs := []client.Object{
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "google-ads", Namespace: ns}, Data: map[string][]byte{"access-token": []byte("ya29.test")}},
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
			Steps: []v1.Step{{Name: "call", PerformedBy: v1.PerformedByOwner}}}},
		&v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "cnc", Namespace: ns}, Spec: v1.CampaignSpec{Policy: "p",
			Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "21000000777"},
			ConversionUpload: &v1.ConversionUpload{CustomerID: "1234567890", ConversionAction: "777",
				CredentialsRef: v1.SecretKeyRef{Name: "google-ads"}, Endpoint: srv.URL}}},
	}
	for _, o := range objs {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	won := metav1.NewTime(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC))
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "stal-bud", Namespace: ns}, Spec: v1.LeadSpec{
		Contact: v1.Contact{Email: "Hanna@Example.pl"},
		Source:  v1.LeadSource{Campaign: "cnc", ClickIDs: &v1.ClickIDs{GCLID: "gclid-1"}},
		Outcome: &v1.Outcome{Result: v1.OutcomeWon, Value: &v1.Money{Amount: "42000", Currency: "EUR"}, At: won}}}
	if err := k8s.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	clk := testingclock.NewFakeClock(won.Add(time.Hour))
	r := &controllers.ConversionReconciler{Client: k8s, Secrets: &secrets.Cache{Reader: k8s, Clock: clk}, Recorder: recorder, Clock: clk, HTTP: srv.Client()}
	req := ctrl.Request{NamespacedName: client.ObjectKeyFromObject(l)}
	reconcileAt := func() (ctrl.Result, *v1.Lead) {
		t.Helper()
		res, err := r.Reconcile(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var cur v1.Lead
		if err := k8s.Get(ctx, req.NamespacedName, &cur); err != nil {
			t.Fatal(err)
		}
		return res, &cur
	}

	res, cur := reconcileAt()
	c := condition(cur.Status.Conditions, v1.ConditionConversionUploaded)
	if c == nil || c.Status != metav1.ConditionFalse || c.Reason != v1.ReasonUploadRetrying || res.RequeueAfter != time.Minute {
		t.Fatalf("after a 503: %+v requeue %s", c, res.RequeueAfter)
	}
	// Before the backoff is over nothing is sent.
	clk.Step(30 * time.Second)
	if res, _ := reconcileAt(); res.RequeueAfter != 30*time.Second || len(got) != 1 {
		t.Fatalf("within the backoff: requeue %s, %d requests", res.RequeueAfter, len(got))
	}
	clk.Step(30 * time.Second)
	_, cur = reconcileAt()
	c = condition(cur.Status.Conditions, v1.ConditionConversionUploaded)
	if c == nil || c.Status != metav1.ConditionTrue || c.Reason != v1.ReasonUploaded || cur.Status.ConversionUpload.RequestID != "req-42" {
		t.Fatalf("after the retry: %+v %+v", c, cur.Status.ConversionUpload)
	}
	clk.Step(time.Hour)
	reconcileAt()
	if len(got) != 2 {
		t.Fatalf("%d uploads, want 2 (one 503, one accepted)", len(got))
	}
	h := sha256.Sum256([]byte("hanna@example.pl"))
	for i, g := range got {
		e := g.Events[0]
		if auth[i] != "Bearer ya29.test" || e.TransactionID != string(cur.UID) || e.AdIdentifiers.GCLID != "gclid-1" ||
			e.UserData.UserIdentifiers[0].EmailAddress != hex.EncodeToString(h[:]) || *e.ConversionValue != 42000 ||
			g.Destinations[0].ProductDestinationID != "777" {
			t.Errorf("upload %d: %s %+v", i, auth[i], g)
		}
	}
	eventually(t, 10*time.Second, func() string {
		if ev := eventsFor(t, cur); len(ev[v1.ReasonUploaded]) != 1 || len(ev[v1.ReasonUploadRetrying]) != 1 {
			return "events: want one UploadRetrying and one Uploaded"
		}
		return ""
	})
}
