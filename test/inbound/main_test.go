// Package inbound_test runs the inbound path end to end: the edge (two replicas) and
// kubectl-style recorders create Interaction objects, the real lead controller folds
// them into the leads' status and deletes them, and the WhatsApp sender's message ids
// match later receipts. A real kube-apiserver and etcd, a fake Cloud API on loopback.
package inbound_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/followup-io/followup-operator/internal/indexes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	testingclock "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/edge"
	"github.com/followup-io/followup-operator/internal/testenv"
)

const (
	ns          = "inbound"
	token       = "inbound-token"
	appSecret   = "inbound-app-secret"
	numberID    = "106540352242922"
	accessToken = "EAAinbound"
)

var (
	env    *testenv.Env
	edges  [2]string // two replicas' edges
	cloud  *cloudAPI
	ctx    context.Context
	cancel context.CancelFunc
	// now is a Monday morning in Berlin: within business hours, so touches go at once.
	now = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	var err error
	if env, err = testenv.Start(); err != nil {
		return 1, err
	}
	defer func() { _ = env.Stop() }()
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	clk := testingclock.NewFakeClock(now)
	cloud = newCloudAPI()
	defer cloud.Close()

	// Replica 1 runs the controllers and an edge; replica 2 only an edge (its own cache).
	for i := range edges {
		mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
		if err != nil {
			return 1, err
		}
		if i == 0 {
			if err := controllers.Setup(mgr, controllers.Options{Clock: clk, Concurrency: 4}); err != nil {
				return 1, err
			}
		}
		if err := indexes.Setup(ctx, mgr.GetFieldIndexer()); err != nil {
			return 1, err
		}
		go func() { _ = mgr.Start(ctx) }()
		mgr.GetCache().WaitForCacheSync(ctx)
		s := &edge.Server{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Clock: clk, Log: logr.Discard(),
			Config: edge.Config{IntakeTokens: []string{token}, WhatsAppAppSecret: appSecret, Namespaces: []string{ns}}}
		hs := httptest.NewServer(s)
		defer hs.Close()
		edges[i] = hs.URL
	}
	if err := fixtures(); err != nil {
		return 1, err
	}
	return m.Run(), nil
}

// fixtures: a WhatsApp channel on the fake Cloud API, a task channel, a policy whose
// first step is WhatsApp, a campaign with one rep.
func fixtures() error {
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wa", Namespace: ns}, StringData: map[string]string{"token": accessToken}},
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "whatsapp", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWhatsApp,
			WhatsApp:       &v1.WhatsAppChannel{PhoneNumberID: numberID, APIBase: cloud.URL + "/v21.0"},
			CredentialsRef: &v1.SecretKeyRef{Name: "wa", Key: "token"}, RateLimit: v1.RateLimit{PerMinute: 6000}}},
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "tasks", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelTask}},
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
			Schedule: v1.Schedule{TimeZone: "Europe/Berlin"},
			Steps: []v1.Step{{Name: "introduce", Channel: "whatsapp", Template: "intro"},
				{Name: "call", After: &metav1.Duration{Duration: 48 * time.Hour}, PerformedBy: v1.PerformedByOwner, Channel: "tasks"}},
			Templates: map[string]v1.MessageTemplate{"intro": {Subject: "{{ .Product }}", Body: "Hello, about {{ .Product }}."}}}},
		&v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: ns}, Spec: v1.CampaignSpec{
			Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "21000000123"}, Policy: "p", Reps: []v1.Rep{{Name: "anna"}}}},
	}
	for _, o := range objs {
		if err := env.Client.Create(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// lead creates a lead of campaign c submitted now.
func lead(t *testing.T, name string, c v1.Contact) *v1.Lead {
	t.Helper()
	at := metav1.NewTime(now)
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1.LeadSpec{Contact: c, Product: "CNC laser",
		Source: v1.LeadSource{Campaign: "c", SubmittedAt: &at}}}
	if err := env.Client.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	return l
}

func get(t *testing.T, name string) *v1.Lead {
	t.Helper()
	var l v1.Lead
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &l); err != nil {
		t.Fatal(err)
	}
	return &l
}

// eventually polls cond until it returns "" or the time is up, then fails with its last say.
func eventually(t *testing.T, within time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// unfolded counts the lead's Interaction objects not yet folded.
func unfolded(t *testing.T, name string) int {
	t.Helper()
	var list v1.InteractionList
	if err := env.Client.List(ctx, &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range list.Items {
		if o.Spec.Lead == name {
			n++
		}
	}
	return n
}

var httpClient = &http.Client{Timeout: 60 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 256}}

// post sends a JSON body to an edge and decodes the answer.
func post(t *testing.T, base, path string, body any, header map[string]string) (int, map[string]any) {
	t.Helper()
	raw, ok := body.([]byte)
	if !ok {
		raw, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	return resp.StatusCode, m
}

func signed(body []byte) map[string]string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return map[string]string{"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(mac.Sum(nil))}
}

// cloudAPI is the WhatsApp Cloud API's messages endpoint as Meta documents it: it
// answers each send with a new wamid and remembers who it went to.
type cloudAPI struct {
	*httptest.Server
	mu   sync.Mutex
	sent map[string]string // wamid -> to
}

func newCloudAPI() *cloudAPI {
	c := &cloudAPI{sent: map[string]string{}}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			To string `json:"to"`
		}
		if r.URL.Path != "/v21.0/"+numberID+"/messages" || r.Header.Get("Authorization") != "Bearer "+accessToken ||
			json.NewDecoder(r.Body).Decode(&m) != nil || m.To == "" {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}`))
			return
		}
		c.mu.Lock()
		id := fmt.Sprintf("wamid.HBgLNDg2MDA3MDA4MDAVAgARGBI%04dQTNDQTVCM0Q0Q0Q2RTY3RTcA", len(c.sent)+1)
		c.sent[id] = m.To
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":"%s","wa_id":"%s"}],"messages":[{"id":"%s","message_status":"accepted"}]}`, m.To, m.To, id)
	}))
	return c
}

func (c *cloudAPI) to(wamid string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent[wamid]
}
