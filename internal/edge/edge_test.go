package edge_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
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
	"github.com/followup-io/followup-operator/internal/testenv"
)

var (
	env  *testenv.Env
	srv  *httptest.Server
	logs = &lockedBuffer{}
	now  = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
)

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

const (
	token     = "intake-s3cret"
	appSecret = "wa-app-secret"
	ns        = "edge"
)

func TestMain(m *testing.M) {
	var err error
	env, err = testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := edge.SetupIndexes(context.Background(), mgr.GetFieldIndexer()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _ = mgr.Start(ctx) }()
	mgr.GetCache().WaitForCacheSync(ctx)
	s := &edge.Server{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Clock: testingclock.NewFakeClock(now),
		Log: funcr.New(func(prefix, args string) { logs.add(prefix + " " + args) }, funcr.Options{}),
		Config: edge.Config{IntakeTokens: []string{token}, GoogleKeys: []string{"gkey"}, WhatsAppAppSecret: appSecret,
			WhatsAppVerifyToken: "verify-me", Namespaces: []string{ns}, MaxBody: 64 << 10}}
	srv = httptest.NewServer(s.Handler())
	if err := fixtures(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	srv.Close()
	cancel()
	_ = env.Stop()
	os.Exit(code)
}

func fixtures() error {
	ctx := context.Background()
	for _, o := range []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "other"}},
		&v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns}, Spec: v1.FollowUpPolicySpec{
			Steps:       []v1.Step{{Name: "introduce", Channel: "email", Template: "t"}},
			HandToHuman: v1.HandToHuman{Keywords: []string{"quote", "muster"}},
			Templates:   map[string]v1.MessageTemplate{"t": {Subject: "s", Body: "b"}}}},
		&v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "cnc-eu", Namespace: ns}, Spec: v1.CampaignSpec{
			Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "1234567", AdGroups: []string{"555:fiber-lasers"}},
			Region: "eu", Policy: "p"}},
	} {
		if err := env.Client.Create(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

func post(t testing.TB, path string, body any, header map[string]string) (int, map[string]any) {
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
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	return resp.StatusCode, m
}

var auth = map[string]string{"Authorization": "Bearer " + token}

func getLead(t *testing.T, name string) *v1.Lead {
	t.Helper()
	var l v1.Lead
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &l); err != nil {
		t.Fatal(err)
	}
	return &l
}

func form(id string) map[string]any {
	return map[string]any{"externalId": id, "campaign": "cnc-eu", "keyword": "fiber laser", "region": "eu",
		"contact": map[string]any{"name": "Hanna Kowalczyk", "email": "hanna@example.pl", "whatsapp": "+48501234567", "timeZone": "Europe/Warsaw"},
		"tier":    "high", "product": "CNC laser"}
}

func TestIntakeIsIdempotent(t *testing.T) {
	code, body := post(t, "/v1/namespaces/edge/leads", form("web-1"), auth)
	if code != 201 || body["created"] != true {
		t.Fatalf("first: %d %v", code, body)
	}
	name := body["name"].(string)
	code, body = post(t, "/v1/namespaces/edge/leads", form("web-1"), auth)
	if code != 200 || body["name"] != name || body["created"] != false {
		t.Errorf("repeat: %d %v", code, body)
	}
	l := getLead(t, name)
	if l.Spec.Source.Campaign != "cnc-eu" || l.Spec.Source.ExternalID != "web-1" || l.Labels[edge.LabelRegion] != "eu" ||
		l.Spec.Source.SubmittedAt == nil || !l.Spec.Source.SubmittedAt.Time.Equal(now) {
		t.Errorf("lead %+v", l.Spec.Source)
	}
	// 20 posts of one new id at once make one lead.
	var wg sync.WaitGroup
	codes := make(chan int, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c, _ := post(t, "/v1/namespaces/edge/leads", form("web-2"), auth); codes <- c }()
	}
	wg.Wait()
	close(codes)
	created := 0
	for c := range codes {
		if c == 201 {
			created++
		} else if c != 200 {
			t.Errorf("concurrent intake answered %d", c)
		}
	}
	if created != 1 {
		t.Errorf("%d creates for one external id", created)
	}
}

func TestIntakeRefusesBadInput(t *testing.T) {
	bad := form("web-bad")
	bad["contact"] = map[string]any{"email": "not-an-address"}
	cases := []struct {
		path   string
		body   any
		header map[string]string
		code   int
		reason string
	}{
		{"/v1/namespaces/edge/leads", form("x"), nil, 401, "Unauthorized"},
		{"/v1/namespaces/edge/leads", form("x"), map[string]string{"Authorization": "Bearer wrong"}, 401, "Unauthorized"},
		{"/v1/namespaces/other/leads", form("x"), auth, 403, "NamespaceNotServed"},
		{"/v1/namespaces/edge/leads", "{not json", auth, 400, "InvalidJSON"},
		{"/v1/namespaces/edge/leads", map[string]any{"contact": map[string]any{"email": "a@b.co"}}, auth, 422, "MissingExternalID"},
		{"/v1/namespaces/edge/leads", bad, auth, 422, "Invalid"},
		{"/v1/namespaces/edge/leads", `{"externalId":"` + strings.Repeat("x", 70<<10) + `"}`, auth, 413, "BodyTooLarge"},
		{"/v1/nothing", "{}", auth, 404, "NotFound"},
	}
	for _, c := range cases {
		code, body := post(t, c.path, c.body, c.header)
		if code != c.code || body["reason"] != c.reason {
			t.Errorf("%s: %d %v, want %d %s", c.path, code, body, c.code, c.reason)
		}
	}
	_, body := post(t, "/v1/namespaces/edge/leads", bad, auth)
	if msg, _ := body["error"].(string); !strings.Contains(msg, "email must be an address such as name@example.com") {
		t.Errorf("422 does not carry the CEL message: %q", msg)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/namespaces/edge/leads", strings.NewReader("a=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 415 {
		t.Errorf("form encoding: %v %v", resp.StatusCode, err)
	}
	resp, err := http.Get(srv.URL + "/v1/namespaces/edge/leads")
	if err != nil || resp.StatusCode != 405 {
		t.Errorf("GET on intake: %v %v", resp.StatusCode, err)
	}
}

// TestFiftyEventsForOneLeadAtOnce: concurrent events conflict on the lead; retries make
// each land exactly once, and a redelivery of all of them adds nothing.
func TestFiftyEventsForOneLeadAtOnce(t *testing.T) {
	_, body := post(t, "/v1/namespaces/edge/leads", form("busy"), auth)
	name := body["name"].(string)
	send := func() []int {
		var wg sync.WaitGroup
		codes := make([]int, 50)
		for i := range codes {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				codes[i], _ = post(t, "/v1/namespaces/edge/leads/"+name+"/interactions",
					map[string]any{"id": fmt.Sprintf("crm-%d", i), "kind": "delivered", "medium": "email"}, auth)
			}(i)
		}
		wg.Wait()
		return codes
	}
	for i, c := range send() {
		if c != 201 {
			t.Errorf("event %d: %d", i, c)
		}
	}
	if t.Failed() {
		t.Log(logs.String())
	}
	for i, c := range send() {
		if c != 200 {
			t.Errorf("redelivered event %d: %d", i, c)
		}
	}
	if n := len(getLead(t, name).Spec.Interactions); n != 50 {
		t.Errorf("%d interactions, want 50", n)
	}
}

func TestReplyIsRatedAndBuyingWordsHandOff(t *testing.T) {
	_, body := post(t, "/v1/namespaces/edge/leads", form("reply"), auth)
	name := body["name"].(string)
	path := "/v1/namespaces/edge/leads/" + name + "/interactions"
	code, _ := post(t, path, map[string]any{"id": "m1", "kind": "reply", "text": "Please send a quote for 2 units, Hanna"}, auth)
	code2, _ := post(t, path, map[string]any{"id": "m2", "kind": "Reply", "text": "Thanks!"}, auth)
	code3, _ := post(t, path, map[string]any{"id": "m3", "kind": "reply", "quality": 2}, auth)
	if code != 201 || code2 != 201 || code3 != 201 {
		t.Fatalf("%d %d %d", code, code2, code3)
	}
	in := getLead(t, name).Spec.Interactions
	if len(in) != 3 || *in[0].Quality != 3 || !in[0].HandToHuman || *in[1].Quality != 1 || in[1].HandToHuman || *in[2].Quality != 2 {
		t.Errorf("interactions %+v", in)
	}
	for _, c := range []struct {
		body   map[string]any
		code   int
		reason string
	}{
		{map[string]any{"id": "x", "kind": "shout"}, 422, "UnknownKind"},
		{map[string]any{"kind": "reply"}, 422, "MissingID"},
		{map[string]any{"id": "x", "kind": "bounce", "quality": 2}, 422, "InvalidQuality"},
		{map[string]any{"id": "x", "kind": "reply", "quality": 5}, 422, "InvalidQuality"},
		{map[string]any{"id": "x", "kind": "reply", "medium": "fax"}, 422, "UnknownMedium"},
	} {
		if code, b := post(t, path, c.body, auth); code != c.code || b["reason"] != c.reason {
			t.Errorf("%v: %d %v", c.body, code, b)
		}
	}
	if code, b := post(t, "/v1/namespaces/edge/leads/nobody/interactions", map[string]any{"id": "x", "kind": "bounce"}, auth); code != 404 || b["reason"] != "LeadNotFound" {
		t.Errorf("unknown lead: %d %v", code, b)
	}
}

func waSign(body []byte) map[string]string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return map[string]string{"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(mac.Sum(nil))}
}

func TestWhatsAppWebhook(t *testing.T) {
	resp, err := http.Get(srv.URL + "/v1/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != "1158201444" {
		t.Errorf("handshake: %d %q", resp.StatusCode, b)
	}
	if resp, _ := http.Get(srv.URL + "/v1/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"); resp.StatusCode != 403 {
		t.Errorf("wrong verify token: %d", resp.StatusCode)
	}

	_, body := post(t, "/v1/namespaces/edge/leads", form("wa-lead"), auth)
	name := body["name"].(string)
	payload := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
 "statuses":[{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA","status":"delivered","timestamp":"1763283000",
   "recipient_id":"48501234567","biz_opaque_callback_data":"edge/%s/k1a2b3c4d5e6"},
  {"id":"wamid.X","status":"read","timestamp":"1763283100","recipient_id":"48501234567","biz_opaque_callback_data":"other/x/k"}],
 "contacts":[{"profile":{"name":"Hanna"},"wa_id":"48501234567"}],
 "messages":[{"from":"48501234567","id":"wamid.IN1","timestamp":"1763283200","type":"text","text":{"body":"Bitte ein Muster schicken"}}]}}]}]}`, name))
	if code, b := post(t, "/v1/whatsapp", payload, map[string]string{"X-Hub-Signature-256": "sha256=00"}); code != 401 || b["reason"] != "BadSignature" {
		t.Errorf("bad signature: %d %v", code, b)
	}
	if code, _ := post(t, "/v1/whatsapp", payload, nil); code != 401 {
		t.Errorf("missing signature: %d", code)
	}
	for i := 0; i < 2; i++ { // WhatsApp redelivers; each event is recorded once
		if code, b := post(t, "/v1/whatsapp", payload, waSign(payload)); code != 200 {
			t.Fatalf("signed post: %d %v", code, b)
		}
	}
	in := getLead(t, name).Spec.Interactions
	if len(in) != 2 {
		t.Fatalf("interactions %+v", in)
	}
	if in[0].Kind != v1.InteractionDelivered || in[0].TouchKey != "k1a2b3c4d5e6" || in[0].By != "whatsapp-webhook" {
		t.Errorf("status: %+v", in[0])
	}
	if in[1].Kind != v1.InteractionReply || *in[1].Quality != 3 || !in[1].HandToHuman || in[1].Medium != "WhatsApp" {
		t.Errorf("message: %+v", in[1])
	}
}

func TestGoogleAdsLeadForm(t *testing.T) {
	lead := map[string]any{"lead_id": "TeSter-123-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz-0123456789-AaBbCcDdEeFfGgHhIiJjKkLl",
		"api_version": "1.0", "form_id": 40000000000, "campaign_id": 1234567, "google_key": "gkey", "is_test": false,
		"gcl_id": "gcl", "adgroup_id": 555, "creative_id": 30000000000,
		"user_column_data": []map[string]any{
			{"column_name": "Full Name", "string_value": "Jan Nowak", "column_id": "FULL_NAME"},
			{"column_name": "User Phone", "string_value": "+48 501 234 568", "column_id": "PHONE_NUMBER"},
			{"column_name": "User Email", "string_value": "jan@example.pl", "column_id": "EMAIL"},
			{"column_name": "Country", "string_value": "pl", "column_id": "COUNTRY"}}}
	code, body := post(t, "/v1/namespaces/edge/google-ads", lead, nil)
	if code != 201 {
		t.Fatalf("%d %v", code, body)
	}
	l := getLead(t, body["name"].(string))
	if l.Spec.Source.Campaign != "cnc-eu" || l.Spec.Source.AdGroup != "fiber-lasers" || l.Spec.Source.Region != "eu" ||
		l.Spec.Contact.Phone != "+48501234568" || l.Spec.Contact.Country != "PL" || l.Labels[edge.LabelSource] != "google-ads" {
		t.Errorf("lead %+v %+v", l.Spec.Source, l.Spec.Contact)
	}
	if code, _ := post(t, "/v1/namespaces/edge/google-ads", lead, nil); code != 200 {
		t.Errorf("repeat: %d", code)
	}
	lead["google_key"] = "wrong"
	if code, b := post(t, "/v1/namespaces/edge/google-ads", lead, nil); code != 403 || b["reason"] != "WrongGoogleKey" {
		t.Errorf("wrong key: %d %v", code, b)
	}
	lead["google_key"], lead["is_test"], lead["lead_id"] = "gkey", true, "test-1"
	if code, b := post(t, "/v1/namespaces/edge/google-ads", lead, nil); code != 200 || b["test"] != true {
		t.Errorf("test lead: %d %v", code, b)
	}
	lead["is_test"], lead["campaign_id"] = false, 999
	if code, b := post(t, "/v1/namespaces/edge/google-ads", lead, nil); code != 404 || b["reason"] != "CampaignNotFound" {
		t.Errorf("unknown campaign: %d %v", code, b)
	}
}

// TestLogsHoldNoContactData runs last-ish: everything above logged through the sink.
func TestLogsHoldNoContactData(t *testing.T) {
	post(t, "/v1/namespaces/edge/leads", form("log-check"), auth)
	out := logs.String()
	if out == "" {
		t.Fatal("nothing was logged; the check would prove nothing")
	}
	for _, pii := range []string{"hanna@example.pl", "48501234567", "Hanna", "Kowalczyk", "quote", "Muster", "jan@example.pl"} {
		if strings.Contains(out, pii) {
			t.Errorf("log contains %q", pii)
		}
	}
}

func FuzzEndpoints(f *testing.F) {
	for _, s := range []string{`{}`, `{"externalId":"f","contact":{"email":"a@b.co"}}`, `{"id":"1","kind":"reply","text":"price?"}`,
		`{"lead_id":"1","google_key":"gkey","campaign_id":1234567}`, `{"entry":[{"changes":[{"value":{"statuses":[{"status":"read","biz_opaque_callback_data":"edge/a/b"}]}}]}]}`,
		`[`, "\x00\xff", `{"contact":{"email":1}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/v1/namespaces/edge/leads", "/v1/namespaces/edge/leads/x/interactions", "/v1/namespaces/edge/google-ads"} {
			if code, _ := post(t, path, body, auth); code >= 500 && code != 503 {
				t.Fatalf("%s %q: %d", path, body, code)
			}
		}
		if code, _ := post(t, "/v1/whatsapp", body, waSign([]byte(body))); code >= 500 {
			t.Fatalf("whatsapp %q: %d", body, code)
		}
	})
}
