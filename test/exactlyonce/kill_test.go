// Package exactlyonce proves the touch pipeline delivers each touch exactly once in
// effect when the operator process is killed between sending a touch and recording it.
package exactlyonce

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/senders"
	"github.com/followup-io/followup-operator/internal/testenv"
)

// receiver counts every request per Idempotency-Key; onFirst runs, before the answer,
// the first time a key arrives.
type receiver struct {
	mu      sync.Mutex
	byKey   map[string]int
	order   []string
	onFirst func(key string, n int)
	// badSignatures counts requests whose HMAC did not verify.
	badSignatures int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	body, _ := io.ReadAll(r.Body)
	if !senders.Verify([]byte("s3cret"), r.Header.Get(senders.HeaderTimestamp), body, r.Header.Get(senders.HeaderSignature)) {
		rc.mu.Lock()
		rc.badSignatures++
		rc.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	rc.mu.Lock()
	rc.byKey[key]++
	first := rc.byKey[key] == 1
	if first {
		rc.order = append(rc.order, key)
	}
	n := len(rc.order)
	hook := rc.onFirst
	rc.mu.Unlock()
	if first && hook != nil {
		hook(key, n)
	}
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) counts() (map[string]int, []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	m := make(map[string]int, len(rc.byKey))
	for k, v := range rc.byKey {
		m[k] = v
	}
	return m, append([]string(nil), rc.order...)
}

func TestKillBetweenSendAndRecord(t *testing.T) {
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := env.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	op := &testenv.Process{Bin: testenv.BuildOperator(t, dir), LogPath: filepath.Join(dir, "operator.log"),
		Env: []string{"KUBECONFIG=" + kubeconfig},
		Args: []string{"--leader-elect=false", "--metrics-bind-address=0", "--health-probe-bind-address=0",
			"--edge-bind-address=0", "--zap-log-level=debug"}}

	// The operator is killed while touch 2 is on the wire: the receiver has it, the
	// operator never hears the answer and never records it.
	killed := make(chan struct{})
	rc := &receiver{byKey: map[string]int{}}
	rc.onFirst = func(_ string, n int) {
		if n == 2 {
			op.Kill()
			close(killed)
		}
	}
	srv := &http.Server{Handler: rc}
	ln, err := newLoopbackListener()
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	ctx := context.Background()
	k8s := env.Client
	ns := "exactly-once"
	for _, o := range fixtures(ns, "http://"+ln.Addr().String()+"/touch") {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	op.Start(t)
	select {
	case <-killed:
	case <-time.After(60 * time.Second):
		t.Fatalf("touch 2 never arrived; operator log:\n%s", op.Log())
	}
	var mid v1.Lead
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "kill-me"}, &mid); err != nil {
		t.Fatal(err)
	}
	if n := len(mid.Status.Touches); n != 2 || mid.Status.Touches[1].Result != v1.TouchPending {
		t.Fatalf("after the kill want touch 2 recorded as intent only, got %+v", mid.Status.Touches)
	}

	op.Start(t)
	var got v1.Lead
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "kill-me"}, &got); err != nil {
			t.Fatal(err)
		}
		if sentAll(got.Status.Touches, 3) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("touches never all sent: %+v\noperator log:\n%s", got.Status.Touches, op.Log())
		}
		time.Sleep(200 * time.Millisecond)
	}
	op.Kill()

	counts, order := rc.counts()
	if rc.badSignatures != 0 {
		t.Errorf("%d requests with a bad signature", rc.badSignatures)
	}
	if len(order) != 3 {
		t.Fatalf("receiver saw %d distinct keys, want 3 (one per touch): %v", len(order), counts)
	}
	for i, tr := range got.Status.Touches {
		if tr.Number != int32(i+1) || tr.Key != order[i] {
			t.Errorf("touch %d: number %d key %s, receiver order %v", i+1, tr.Number, tr.Key, order)
		}
		want := 1
		if i == 1 {
			want = 2 // resent with the same key after the restart; the receiver dedupes
		}
		if counts[tr.Key] != want {
			t.Errorf("touch %d (%s) arrived %d times, want %d", i+1, tr.Step, counts[tr.Key], want)
		}
	}
	for _, secret := range []string{"kill.me@example.com", "+4930123456", "Karl Kill"} {
		if strings.Contains(op.Log(), secret) {
			t.Errorf("operator log contains contact data %q", secret)
		}
	}
}

func sentAll(ts []v1.TouchRecord, n int) bool {
	if len(ts) < n {
		return false
	}
	for _, tr := range ts[:n] {
		if tr.Result != v1.TouchSent {
			return false
		}
	}
	return true
}

// fixtures: a webhook channel to the receiver and a three-step policy with one-second
// delays, open all day, and one lead.
func fixtures(ns, url string) []client.Object {
	sec := func(s string) *metav1.Duration { d, _ := time.ParseDuration(s); return &metav1.Duration{Duration: d} }
	return []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: ns}, StringData: map[string]string{"signingKey": "s3cret"}},
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
			Webhook: &v1.WebhookChannel{URL: url}, CredentialsRef: &v1.SecretKeyRef{Name: "hook"}}},
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "fast", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
			Schedule: v1.Schedule{TimeZone: "UTC", BusinessHours: v1.BusinessHours{
				Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, From: "00:00", To: "24:00"}},
			Steps: []v1.Step{
				{Name: "one", After: sec("1s"), Channel: "hook", Template: "t"},
				{Name: "two", After: sec("1s"), Channel: "hook", Template: "t"},
				{Name: "three", After: sec("1s"), Channel: "hook", Template: "t"},
			},
			WeeklyCaps: v1.WeeklyCaps{New: 50, Active: 50, Silent: 50},
			Templates:  map[string]v1.MessageTemplate{"t": {Subject: "Hi", Body: "Hello {{ .FirstName }}"}},
		}},
		&v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "kill-me", Namespace: ns}, Spec: v1.LeadSpec{
			Contact: v1.Contact{Name: "Karl Kill", Email: "kill.me@example.com", Phone: "+4930123456"},
			Policy:  "fast", Tier: "standard"}},
	}
}
