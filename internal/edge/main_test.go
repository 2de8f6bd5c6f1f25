package edge_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/followup-io/followup-operator/internal/indexes"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	testingclock "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/edge"
	"github.com/followup-io/followup-operator/internal/leadrecord"
	"github.com/followup-io/followup-operator/internal/testenv"
)

// The suite runs one edge Server (httptest on loopback) against a real kube-apiserver
// and etcd (envtest), reading through a real manager cache with the edge's indexes.
var (
	env    *testenv.Env
	cached client.Client // the manager's client: what the server reads through
	srv    *httptest.Server
	logs   = &lockedBuffer{}
	now    = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
)

const (
	token       = "intake-s3cret"
	googleKey   = "gkey-0c1d"
	appSecret   = "wa-app-secret"
	verifyToken = "verify-me"
	linkKey     = "link-key-5e3f"
	orderSecret = "order-s3cret"
	ns          = "edge"
	maxBody     = 64 << 10
	// teamA and teamB are two more tenants the edge serves, side by side.
	teamA = "team-a"
	teamB = "team-b"
	// businessNumberID is the phone_number_id of the suite's WhatsApp business number
	// (Meta's example), owned by the WhatsApp Channel of namespace edge.
	businessNumberID = "106540352242922"
)

// lockedBuffer captures everything the server logs, for the privacy test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) add(s string) { l.mu.Lock(); l.b.WriteString(s + "\n"); l.mu.Unlock() }
func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestMain(m *testing.M) {
	code := m.Run()
	stop()
	os.Exit(code)
}

// The control plane starts on first use, so the pure tests (and fuzz workers of pure
// targets) never wait for it.
var (
	startOnce sync.Once
	startErr  error
	stop      = func() {}
	suiteCtx  context.Context // ends when the suite stops
)

// up starts the control plane, the manager and the server once, or fails the test.
func up(t testing.TB) {
	t.Helper()
	startOnce.Do(func() { startErr = start() })
	if startErr != nil {
		t.Fatal(startErr)
	}
}

func start() error {
	// A fuzz worker talks to its coordinator on inherited descriptors (3, 4) that are not
	// close-on-exec: etcd and kube-apiserver would inherit them and the coordinator
	// would wait for them forever.
	for fd := 3; fd < 16; fd++ {
		syscall.CloseOnExec(fd)
	}
	// The coordinator interrupts a worker that takes more than a second to exit; the
	// worker must live on to stop its control plane, or etcd is left running.
	if f := flag.Lookup("test.fuzzworker"); f != nil && f.Value.String() == "true" {
		signal.Ignore(os.Interrupt)
	}
	var err error
	if env, err = testenv.Start(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	suiteCtx = ctx
	stop = func() {
		if srv != nil {
			srv.Close()
		}
		cancel()
		_ = env.Stop()
	}
	s, c, err := replica(ctx)
	if err != nil {
		return err
	}
	cached = c
	srv = httptest.NewServer(s)
	return fixtures(ctx)
}

// replica is one operator replica's edge: its own manager, cache and field indexes, the
// suite's configuration, logging into logs.
func replica(ctx context.Context) (*edge.Server, client.Client, error) {
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		return nil, nil, err
	}
	if err := indexes.Setup(ctx, mgr.GetFieldIndexer()); err != nil {
		return nil, nil, err
	}
	go func() { _ = mgr.Start(ctx) }()
	mgr.GetCache().WaitForCacheSync(ctx)
	s := &edge.Server{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Clock: testingclock.NewFakeClock(now),
		Log: funcr.New(func(prefix, args string) { logs.add(prefix + " " + args) }, funcr.Options{}),
		Config: edge.Config{IntakeTokens: []string{"old-token", token}, GoogleKeys: []string{googleKey},
			WhatsAppAppSecret: appSecret, WhatsAppVerifyToken: verifyToken, Namespaces: []string{ns, teamA, teamB}, MaxBody: maxBody,
			ActionLinkKeys: []string{linkKey}, OrderSecrets: []string{orderSecret},
			TenantSecretTTL: 100 * time.Millisecond}}
	return s, mgr.GetClient(), nil
}

// fixtures: a served namespace with a policy (buying words "quote", "muster"), a Google
// Ads campaign and the WhatsApp Channel of the business number; two more served
// tenants; and a namespace the edge does not serve.
func fixtures(ctx context.Context) error {
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "other"}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: teamA}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: teamB}},
		waChannel(ns, "whatsapp", businessNumberID),
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
			Steps:       []v1.Step{{Name: "introduce", Channel: "email", Template: "t"}},
			HandToHuman: v1.HandToHuman{Keywords: []string{"quote", "muster"}},
			Templates:   map[string]v1.MessageTemplate{"t": {Subject: "s", Body: "b"}}}},
		&v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "cnc-eu", Namespace: ns}, Spec: v1.CampaignSpec{
			Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "1234567", AdGroups: []string{"555:fiber-lasers"}},
			Region: "eu", Policy: "p"}},
	}
	for _, o := range objs {
		if err := env.Client.Create(ctx, o); err != nil {
			return err
		}
	}
	// The server reads campaigns and policies through the cache: wait until it has them.
	deadline := time.Now().Add(30 * time.Second)
	for _, o := range objs[4:] { // the namespaces are not cached
		for cached.Get(ctx, client.ObjectKeyFromObject(o), o.DeepCopyObject().(client.Object)) != nil {
			if time.Now().After(deadline) {
				return fmt.Errorf("cache never saw %s", o.GetName())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}

// waChannel is a WhatsApp Channel for the business number phoneNumberID.
func waChannel(namespace, name, phoneNumberID string) *v1.Channel {
	return &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}, Spec: v1.ChannelSpec{
		Type: v1.ChannelWhatsApp, WhatsApp: &v1.WhatsAppChannel{PhoneNumberID: phoneNumberID},
		CredentialsRef: &v1.SecretKeyRef{Name: "whatsapp"}}}
}

// waitCached waits until the manager's cache has obj (the server's index lookups).
func waitCached(t testing.TB, obj client.Object) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for cached.Get(context.Background(), client.ObjectKeyFromObject(obj), obj.DeepCopyObject().(client.Object)) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("cache never saw %s", obj.GetName())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// httpClient turns a hung request into a failure instead of a hung test; it keeps
// enough idle connections for the bursts of the benchmarks.
var httpClient = &http.Client{Timeout: 60 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 256, IdleConnTimeout: 30 * time.Second}}

var auth = map[string]string{"Authorization": "Bearer " + token}

// post sends body (bytes, a string or a value to marshal) as JSON to the suite's server
// and decodes the answer.
func post(t testing.TB, path string, body any, header map[string]string) (int, map[string]any) {
	t.Helper()
	up(t)
	return postTo(t, srv.URL, path, body, header)
}

// postTo is post to the server at base.
func postTo(t testing.TB, base, path string, body any, header map[string]string) (int, map[string]any) {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		raw, _ = json.Marshal(b)
	}
	req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	return resp.StatusCode, m
}

func getLead(t testing.TB, name string) *v1.Lead {
	t.Helper()
	up(t)
	var l v1.Lead
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &l); err != nil {
		t.Fatal(err)
	}
	return &l
}

// numberFor is a WhatsApp number of its own for each lead id, so a message matches one lead.
func numberFor(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("+4850%07d", h.Sum32()%10_000_000)
}

// form is a generic intake payload with contact data the privacy test looks for.
func form(id string) map[string]any {
	return map[string]any{"externalId": id, "campaign": "cnc-eu", "keyword": "fiber laser", "region": "eu",
		"contact": map[string]any{"name": "Hanna Kowalczyk", "email": "hanna@example.pl", "whatsapp": numberFor(id), "timeZone": "Europe/Warsaw"},
		"tier":    "high", "product": "CNC laser", "value": map[string]any{"amount": "38000", "currency": "EUR"}}
}

// newLead takes a lead in through the intake endpoint and returns its name.
func newLead(t testing.TB, f map[string]any) string {
	t.Helper()
	code, body := post(t, "/v1/namespaces/"+ns+"/leads", f, auth)
	if code != http.StatusCreated {
		t.Fatalf("intake: %d %v", code, body)
	}
	return body["name"].(string)
}

// inCache waits until the manager's cache (the server's index lookups) has the lead.
func inCache(t testing.TB, name string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for cached.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &v1.Lead{}) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("cache never saw lead %s", name)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func leadKeyOf(namespace, name string) client.ObjectKey {
	return client.ObjectKey{Namespace: namespace, Name: name}
}

var numbers atomic.Int64

// leadWith creates a lead directly with n recorded notes, for the tests of the bound.
func leadWith(t testing.TB, name string, n int) {
	t.Helper()
	up(t)
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1.LeadSpec{Policy: "p",
		Contact: v1.Contact{Email: name + "@example.com", WhatsApp: fmt.Sprintf("+4930%07d", numbers.Add(1))}}}
	for i := 0; i < n; i++ {
		l.Spec.Interactions = append(l.Spec.Interactions, v1.InteractionEntry{At: metav1.NewTime(now), Kind: v1.InteractionNote,
			ID: fmt.Sprintf("note-%d", i)})
	}
	if err := env.Client.Create(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	inCache(t, name)
}

func waSign(body []byte) map[string]string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return map[string]string{"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(mac.Sum(nil))}
}

// waPayload is a WhatsApp Cloud API webhook delivery in Meta's documented shape, for
// the suite's business number.
func waPayload(statuses, messages string) []byte {
	return waPayloadFor(businessNumberID, statuses, messages)
}

// waPayloadFor is waPayload for the business number phoneNumberID.
func waPayloadFor(phoneNumberID, statuses, messages string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"` + phoneNumberID + `"},
 "contacts":[{"profile":{"name":"Hanna"},"wa_id":"48501234567"}],
 "statuses":[` + statuses + `],"messages":[` + messages + `]}}]}]}`)
}

func waText(from, id, text string) string {
	b, _ := json.Marshal(map[string]any{"from": from, "id": id, "timestamp": "1794819500", "type": "text",
		"text": map[string]string{"body": text}})
	return string(b)
}

func waStatus(id, status, callback string) string {
	b, _ := json.Marshal(map[string]any{"id": id, "status": status, "timestamp": "1794819400",
		"recipient_id": "48501234567", "biz_opaque_callback_data": callback,
		"conversation": map[string]any{"id": "c1", "origin": map[string]string{"type": "marketing"}}})
	return string(b)
}

// recorded is what the edge stored for a lead: its Interaction objects in the order they
// were created (etcd revisions grow), each checked to be named for the lead and the
// event id and owned by the lead.
func recorded(t testing.TB, namespace, name string) []v1.InteractionEntry {
	t.Helper()
	up(t)
	ctx := context.Background()
	var l v1.Lead
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, &l); err != nil {
		t.Fatal(err)
	}
	var list v1.InteractionList
	if err := env.Client.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		t.Fatal(err)
	}
	rev := func(o v1.Interaction) int { n, _ := strconv.Atoi(o.ResourceVersion); return n }
	slices.SortFunc(list.Items, func(a, b v1.Interaction) int { return rev(a) - rev(b) })
	var out []v1.InteractionEntry
	for _, o := range list.Items {
		if o.Spec.Lead != name {
			continue
		}
		if o.Name != leadrecord.InteractionName(name, o.Spec.ID) || len(o.OwnerReferences) != 1 ||
			o.OwnerReferences[0].UID != l.UID || o.OwnerReferences[0].Name != name {
			t.Errorf("interaction %s: name or owner %+v", o.Name, o.OwnerReferences)
		}
		out = append(out, o.Spec.InteractionEntry)
	}
	return out
}

func kindsOf(in []v1.InteractionEntry) string {
	var k []string
	for _, i := range in {
		k = append(k, string(i.Kind))
	}
	return strings.Join(k, ",")
}
