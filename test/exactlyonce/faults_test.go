package exactlyonce

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
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

// faultConfig is one crash-and-failure run.
type faultConfig struct {
	Leads, Steps, Kills int
	// FailRate is the share of requests the receiver answers 503.
	FailRate float64
	Timeout  time.Duration
}

// faultReport is what a run measured. Every field but the first three must be zero.
type faultReport struct {
	KeysExpected, DistinctKeys, Resends int
	// Duplicates: touches (lead, number) delivered under more than one key: a customer
	// messaged twice.
	Duplicates int
	// Skipped: touches recorded as anything but sent (skipped, failed, a task).
	Skipped int
	// Stuck: leads not finished when the run ended.
	Stuck int
	// Unrecorded: keys the receiver accepted that no lead records as sent.
	Unrecorded int
	// BadSignatures: requests whose HMAC did not verify.
	BadSignatures int
	// CounterDrift: Channel.status.sends minus the touches really sent.
	CounterDrift int64
	// LeakedContact: contact data found in the operator's log.
	LeakedContact int
}

func (r faultReport) defects() int {
	return r.Duplicates + r.Skipped + r.Stuck + r.Unrecorded + r.BadSignatures + r.LeakedContact +
		int(max(r.CounterDrift, -r.CounterDrift)) + abs(r.KeysExpected-r.DistinctKeys)
}

func abs(n int) int { return max(n, -n) }

// flakyReceiver accepts signed touches, answering 503 to a share of requests (seeded, so
// a run can be repeated), and counts the accepted ones per key and per touch.
type flakyReceiver struct {
	mu       sync.Mutex
	rng      *rand.Rand
	failRate float64
	accepted map[string]int             // key -> 2xx answers
	byTouch  map[string]map[string]bool // lead/number -> keys accepted
	requests int
	bad      int
}

func (rc *flakyReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.requests++
	if !senders.Verify([]byte("s3cret"), r.Header.Get(senders.HeaderTimestamp), body, r.Header.Get(senders.HeaderSignature)) {
		rc.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if rc.rng.Float64() < rc.failRate {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var touch senders.WebhookTouch
	if err := json.Unmarshal(body, &touch); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	key := r.Header.Get(senders.HeaderIdempotencyKey)
	rc.accepted[key]++
	id := fmt.Sprintf("%s/%d", touch.Lead.Name, touch.Touch)
	if rc.byTouch[id] == nil {
		rc.byTouch[id] = map[string]bool{}
	}
	rc.byTouch[id][key] = true
	w.WriteHeader(http.StatusOK)
}

func (rc *flakyReceiver) accepts() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, c := range rc.accepted {
		n += c
	}
	return n
}

// TestCrashesAndFailures runs leads through automated webhook steps while the operator
// is SIGKILLed again and again and the receiver fails a share of requests, then checks
// that every touch was delivered, under one key, recorded as sent, and counted once on
// its channel. `make soak` runs it with FOLLOWUP_SOAK=1: 1,000 leads and 100 kills.
func TestCrashesAndFailures(t *testing.T) {
	cfg := faultConfig{Leads: 100, Steps: 3, Kills: 20, FailRate: 0.3, Timeout: 150 * time.Second}
	if os.Getenv("FOLLOWUP_SOAK") != "" {
		cfg = faultConfig{Leads: 1000, Steps: 3, Kills: 100, FailRate: 0.3, Timeout: 30 * time.Minute}
	}
	for _, kv := range []struct {
		env string
		to  *int
	}{{"FOLLOWUP_SOAK_LEADS", &cfg.Leads}, {"FOLLOWUP_SOAK_KILLS", &cfg.Kills}} {
		if v, err := strconv.Atoi(os.Getenv(kv.env)); err == nil && v > 0 {
			*kv.to = v
		}
	}
	start := time.Now()
	rep := runFaults(t, cfg)
	t.Logf("crash run: %d leads x %d steps, %d kills, %.0f%% 5xx, %s", cfg.Leads, cfg.Steps, cfg.Kills, 100*cfg.FailRate,
		time.Since(start).Round(time.Second))
	t.Logf("  keys expected %d, distinct keys delivered %d, resends of a key %d", rep.KeysExpected, rep.DistinctKeys, rep.Resends)
	t.Logf("  duplicates %d, skipped %d, stuck %d, unrecorded %d, bad signatures %d, channel counter drift %d, contact data in log %d",
		rep.Duplicates, rep.Skipped, rep.Stuck, rep.Unrecorded, rep.BadSignatures, rep.CounterDrift, rep.LeakedContact)
	if rep.defects() != 0 {
		t.Errorf("defects found: %+v", rep)
	}
}

func runFaults(t *testing.T, cfg faultConfig) faultReport {
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
			"--edge-bind-address=0", "--channel-count-settle=5s", "--max-concurrent-reconciles=8", "--kube-api-qps=200", "--kube-api-burst=400"}}

	rc := &flakyReceiver{rng: rand.New(rand.NewPCG(42, 7)), failRate: cfg.FailRate, accepted: map[string]int{},
		byTouch: map[string]map[string]bool{}}
	ln, err := newLoopbackListener()
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: rc}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	ctx := context.Background()
	k8s := env.Client
	ns := "faults"
	for _, o := range faultFixtures(ns, "http://"+ln.Addr().String()+"/touch", cfg.Steps) {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	createLeads(t, k8s, ns, cfg.Leads)

	// Kill the operator mid-work, again and again: each life lasts until it has made
	// progress (or 4s), then a random moment more.
	kr := rand.New(rand.NewPCG(7, 42))
	for i := 0; i < cfg.Kills; i++ {
		op.Start(t)
		before := rc.accepts()
		deadline := time.Now().Add(4 * time.Second)
		for rc.accepts() == before && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(time.Duration(kr.IntN(800)) * time.Millisecond)
		op.Kill()
	}
	op.Start(t)

	var rep faultReport
	rep.KeysExpected = cfg.Leads * cfg.Steps
	var leads v1.LeadList
	deadline := time.Now().Add(cfg.Timeout)
	for {
		if err := k8s.List(ctx, &leads, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, l := range leads.Items {
			if l.Status.Phase == v1.PhaseFinished {
				done++
			}
		}
		if done == len(leads.Items) || time.Now().After(deadline) {
			rep.Stuck = len(leads.Items) - done
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	sent := map[string]bool{}
	for _, l := range leads.Items {
		for _, tr := range l.Status.Touches {
			if tr.Result == v1.TouchSent {
				sent[tr.Key] = true
			} else {
				rep.Skipped++
				t.Logf("lead %s touch %d: %s %s", l.Name, tr.Number, tr.Result, tr.Message)
			}
		}
	}

	// The channel's counters settle within a flush interval of the last send.
	var ch v1.Channel
	counted := time.Now().Add(30 * time.Second)
	for {
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "hook"}, &ch); err != nil {
			t.Fatal(err)
		}
		rep.CounterDrift = ch.Status.Sends - int64(len(sent))
		if rep.CounterDrift == 0 || time.Now().After(counted) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	op.Kill()

	rc.mu.Lock()
	rep.BadSignatures = rc.bad
	rep.DistinctKeys = len(rc.accepted)
	for key, n := range rc.accepted {
		rep.Resends += n - 1
		if !sent[key] {
			rep.Unrecorded++
		}
	}
	for id, keys := range rc.byTouch {
		if len(keys) > 1 {
			rep.Duplicates++
			t.Logf("touch %s delivered under %d keys", id, len(keys))
		}
	}
	rc.mu.Unlock()
	log := op.Log()
	for _, secret := range []string{"@example.com", "+4930"} {
		rep.LeakedContact += strings.Count(log, secret)
	}
	if rep.defects() != 0 {
		_ = os.WriteFile(filepath.Join(os.TempDir(), "faults-operator.log"), []byte(log), 0o644)
		tail := log
		if len(tail) > 4000 {
			tail = tail[len(tail)-4000:]
		}
		t.Logf("operator log (tail):\n%s", tail)
	}
	return rep
}

// faultFixtures: a signed webhook channel with a fast retry, and a policy of automated
// steps one second apart, open all day, that finishes after the last step.
func faultFixtures(ns, url string, steps int) []client.Object {
	d := func(s string) *metav1.Duration { v, _ := time.ParseDuration(s); return &metav1.Duration{Duration: v} }
	p := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "fast", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
		Schedule: v1.Schedule{TimeZone: "UTC", BusinessHours: v1.BusinessHours{
			Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, From: "00:00", To: "24:00"}},
		AfterLastStep: v1.AfterLastStep{Reactivations: new(int32)},
		WeeklyCaps:    v1.WeeklyCaps{New: 50, Active: 50, Silent: 50},
		Templates:     map[string]v1.MessageTemplate{"t": {Subject: "Hi", Body: "Hello {{ .FirstName }}, touch {{ .Touch }}"}},
	}}
	for i := 1; i <= steps; i++ {
		p.Spec.Steps = append(p.Spec.Steps, v1.Step{Name: fmt.Sprintf("step-%d", i), After: d("1s"), Channel: "hook", Template: "t"})
	}
	return []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: ns}, StringData: map[string]string{"signingKey": "s3cret"}},
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
			Webhook: &v1.WebhookChannel{URL: url, Timeout: d("2s")}, CredentialsRef: &v1.SecretKeyRef{Name: "hook"},
			RateLimit: v1.RateLimit{PerMinute: 100000},
			Retry:     v1.RetryPolicy{InitialBackoff: d("200ms"), MaxBackoff: d("2s"), MaxAttempts: 20}}},
		p,
	}
}

// createLeads creates n leads with 8 writers.
func createLeads(t *testing.T, k8s client.Client, ns string, n int) {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	work := make(chan int)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("lead-%04d", i), Namespace: ns}, Spec: v1.LeadSpec{
					Contact: v1.Contact{Name: "Karl Kill", Email: fmt.Sprintf("k%d@example.com", i), Phone: "+4930123456"},
					Policy:  "fast", Tier: "standard"}}
				if err := k8s.Create(context.Background(), l); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
