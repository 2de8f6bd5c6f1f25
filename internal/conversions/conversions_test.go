package conversions

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

var now = time.Date(2026, 11, 20, 15, 4, 5, 0, time.UTC)

func sha(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

func wonLead() *v1.Lead {
	return &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "stal-bud", Namespace: "sales", UID: "0c9a7d2e-uid"},
		Spec: v1.LeadSpec{Contact: v1.Contact{Email: "  Hanna.K@GMail.com ", Phone: "+48 501 234 567"},
			Source: v1.LeadSource{ClickIDs: &v1.ClickIDs{GCLID: "Cj0KCQiA-gclid"}},
			Value:  &v1.Money{Amount: "38000", Currency: "EUR"},
			Outcome: &v1.Outcome{Result: v1.OutcomeWon, Value: &v1.Money{Amount: "42000.50", Currency: "EUR"},
				At: metav1.NewTime(now)}}}
}

var upload = &v1.ConversionUpload{CustomerID: "1234567890", LoginCustomerID: "9876543210", ConversionAction: "555001"}

func TestNormalizationFollowsGoogle(t *testing.T) {
	for in, want := range map[string]string{" John.Smith@EXAMPLE.COM ": "john.smith@example.com",
		"Jo.Hn@Gmail.com": "john@gmail.com", "a.b@googlemail.com": "ab@googlemail.com"} {
		if got := NormalizeEmail(in); got != want {
			t.Errorf("email %q -> %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"+1 (415) 555-2671": "+14155552671", "+48501234567": "+48501234567", "0415 555": ""} {
		if got := NormalizePhone(in); got != want {
			t.Errorf("phone %q -> %q, want %q", in, got, want)
		}
	}
	// Google's own example: john.smith@example.com hashes to 8e62...
	if h := Hash(NormalizeEmail("john.smith@EXAMPLE.COM")); !strings.HasPrefix(h, "8e621e3d0368") {
		t.Errorf("hash %s", h)
	}
}

// ingest is a loopback stand-in for events.ingest that checks what Google checks
// about shape and auth and answers from a script.
type ingest struct {
	*httptest.Server
	mu      sync.Mutex
	bodies  []IngestRequest
	auth    []string
	answers []int
}

func newIngest(t *testing.T, answers ...int) *ingest {
	in := &ingest{answers: answers}
	in.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/events:ingest" || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, `{"error":{"status":"NOT_FOUND"}}`, http.StatusNotFound)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields() // a misspelt field is a 400, as at Google
		var req IngestRequest
		if err := dec.Decode(&req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":{"status":"INVALID_ARGUMENT"}}`)
			return
		}
		in.mu.Lock()
		in.bodies = append(in.bodies, req)
		in.auth = append(in.auth, r.Header.Get("Authorization"))
		code := http.StatusOK
		if len(in.answers) > 0 {
			code, in.answers = in.answers[0], in.answers[1:]
		}
		in.mu.Unlock()
		w.WriteHeader(code)
		if code == http.StatusOK {
			_, _ = io.WriteString(w, `{"requestId":"req-7f3a"}`)
		} else {
			_, _ = io.WriteString(w, `{"error":{"code":503,"status":"UNAVAILABLE"}}`)
		}
	}))
	t.Cleanup(in.Close)
	return in
}

// TestUploadShapeAuthAndHashing: the request is events.ingest's documented shape, with
// the bearer token, the lead's UID as transaction id, the won value and time, the gclid
// and only hashes of the normalized email and phone; a 503 is retried with backoff,
// the retry is the same conversion, and the 200 marks the lead ConversionUploaded.
func TestUploadShapeAuthAndHashing(t *testing.T) {
	srv := newIngest(t, http.StatusServiceUnavailable, http.StatusOK)
	l := wonLead()
	req, err := Build(l, upload)
	if err != nil {
		t.Fatal(err)
	}
	body := req.Marshal()
	for _, secret := range []string{"hanna", "Hanna", "501234567", "GMail"} {
		if strings.Contains(string(body), secret) {
			t.Fatalf("personal data %q in the request: %s", secret, body)
		}
	}
	o, msg, _ := Send(context.Background(), srv.Client(), srv.URL, "ya29.token", body)
	if o != Transient || !strings.Contains(msg, "503") {
		t.Fatalf("503: %s %s", o, msg)
	}
	Apply(&l.Status, 1, o, "", msg, "", now)
	if ok, at := Wants(l, now.Add(30*time.Second)); ok || !at.Equal(now.Add(time.Minute)) {
		t.Fatalf("after a 503 the next attempt is %s (%v), want in 1 min", at, ok)
	}
	if ok, _ := Wants(l, now.Add(time.Minute)); !ok {
		t.Fatal("not retried after the backoff")
	}
	o, msg, id := Send(context.Background(), srv.Client(), srv.URL, "ya29.token", body)
	if o != Uploaded || id != "req-7f3a" {
		t.Fatalf("200: %s %s %s", o, msg, id)
	}
	if !Apply(&l.Status, 1, o, "", msg, id, now.Add(time.Minute)) {
		t.Error("uploaded is a transition")
	}
	c := apimeta.FindStatusCondition(l.Status.Conditions, v1.ConditionConversionUploaded)
	if c == nil || c.Status != metav1.ConditionTrue || c.Reason != v1.ReasonUploaded || l.Status.ConversionUpload.RequestID != "req-7f3a" ||
		l.Status.ConversionUpload.Attempts != 2 {
		t.Fatalf("condition %+v status %+v", c, l.Status.ConversionUpload)
	}
	if ok, _ := Wants(l, now.Add(time.Hour)); ok {
		t.Error("an uploaded lead is uploaded again")
	}

	if len(srv.bodies) != 2 || srv.bodies[0].Events[0].TransactionID != srv.bodies[1].Events[0].TransactionID {
		t.Fatalf("the retry is not the same conversion: %+v", srv.bodies)
	}
	for _, a := range srv.auth {
		if a != "Bearer ya29.token" {
			t.Errorf("auth header %q", a)
		}
	}
	got := srv.bodies[0]
	d := got.Destinations[0]
	if got.Encoding != "HEX" || d.OperatingAccount != (Account{"GOOGLE_ADS", "1234567890"}) || d.LoginAccount == nil ||
		d.LoginAccount.AccountID != "9876543210" || d.ProductDestinationID != "555001" {
		t.Errorf("destination %+v encoding %s", d, got.Encoding)
	}
	e := got.Events[0]
	if e.TransactionID != "0c9a7d2e-uid" || e.EventTimestamp != "2026-11-20T15:04:05Z" || e.ConversionValue == nil ||
		*e.ConversionValue != 42000.5 || e.Currency != "EUR" || e.AdIdentifiers == nil || e.AdIdentifiers.GCLID != "Cj0KCQiA-gclid" {
		t.Errorf("event %+v", e)
	}
	if e.UserData == nil || len(e.UserData.UserIdentifiers) != 2 ||
		e.UserData.UserIdentifiers[0].EmailAddress != sha("hannak@gmail.com") ||
		e.UserData.UserIdentifiers[1].PhoneNumber != sha("+48501234567") {
		t.Errorf("user identifiers %+v", e.UserData)
	}
}

func TestNoIdentifierAndPermanentFailures(t *testing.T) {
	l := wonLead()
	l.Spec.Source.ClickIDs, l.Spec.Contact = nil, v1.Contact{LinkedIn: "https://linkedin.com/in/x"}
	if _, err := Build(l, upload); err != ErrNoIdentifier {
		t.Fatalf("no identifiers: %v", err)
	}
	// A click id alone is enough.
	l.Spec.Source.ClickIDs = &v1.ClickIDs{WBRAID: "wb-1"}
	if r, err := Build(l, upload); err != nil || r.Events[0].UserData != nil || r.Events[0].AdIdentifiers.WBRAID != "wb-1" {
		t.Fatalf("wbraid only: %+v %v", r, err)
	}
	srv := newIngest(t, http.StatusBadRequest)
	o, msg, _ := Send(context.Background(), srv.Client(), srv.URL, "t", []byte(`{"destinations":[],"events":[],"encoding":"HEX"}`))
	if o != Permanent || !strings.Contains(msg, "400") {
		t.Fatalf("400: %s %s", o, msg)
	}
	Apply(&l.Status, 1, o, "", msg, "", now)
	if ok, at := Wants(l, now.Add(24*time.Hour)); ok || !at.IsZero() {
		t.Error("a permanent failure is retried")
	}
	// Transient failures give up after MaxAttempts.
	var st v1.LeadStatus
	for i := 0; i < MaxAttempts; i++ {
		Apply(&st, 1, Transient, "", "HTTP 503", "", now)
	}
	if c := apimeta.FindStatusCondition(st.Conditions, v1.ConditionConversionUploaded); c.Reason != v1.ReasonUploadFailed {
		t.Errorf("after %d transient failures: %s", MaxAttempts, c.Reason)
	}
	if Backoff(1) != time.Minute || Backoff(3) != 4*time.Minute || Backoff(20) != 6*time.Hour {
		t.Errorf("backoff %s %s %s", Backoff(1), Backoff(3), Backoff(20))
	}
	if ok, _ := Wants(&v1.Lead{}, now); ok {
		t.Error("an open lead is uploaded")
	}
}

// TestServiceAccountTokenFromLoopbackTokenURI: a service-account key is exchanged at its
// token_uri with a signed JWT (grant type jwt-bearer, scope datamanager).
func TestServiceAccountTokenFromLoopbackTokenURI(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(key))})
	var grant, scope string
	var exchanges atomic.Int32
	tok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		exchanges.Add(1)
		grant = r.PostForm.Get("grant_type")
		parts := strings.Split(r.PostForm.Get("assertion"), ".")
		if len(parts) == 3 {
			claims, _ := decodeSeg(parts[1])
			var c struct {
				Scope string `json:"scope"`
			}
			_ = json.Unmarshal(claims, &c)
			scope = c.Scope
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"ya29.from-sa","token_type":"Bearer","expires_in":3600}`)
	}))
	defer tok.Close()
	sa, _ := json.Marshal(map[string]string{"type": "service_account", "client_email": "uploader@p.iam.gserviceaccount.com",
		"private_key": string(pemKey), "token_uri": tok.URL + "/token"})
	var tokens Tokens
	ctx, cancel := context.WithCancel(context.Background())
	got, err := tokens.Token(ctx, tok.Client(), map[string][]byte{KeyServiceAccount: sa})
	if err != nil || got != "ya29.from-sa" {
		t.Fatalf("token %q %v", got, err)
	}
	// The token serves its hour: later uploads (with other, even ended, contexts) reuse it.
	cancel()
	for i := 0; i < 5; i++ {
		if got, err := tokens.Token(context.Background(), tok.Client(), map[string][]byte{KeyServiceAccount: sa}); err != nil || got != "ya29.from-sa" {
			t.Fatalf("reused token %q %v", got, err)
		}
	}
	if n := exchanges.Load(); n != 1 {
		t.Errorf("%d token exchanges for 6 uploads within the token's hour, want 1", n)
	}
	if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer" || scope != Scope {
		t.Errorf("grant %q scope %q", grant, scope)
	}
	if got, _ := tokens.Token(context.Background(), nil, map[string][]byte{KeyAccessToken: []byte(" at-1 \n")}); got != "at-1" {
		t.Errorf("access-token %q", got)
	}
	if _, err := tokens.Token(context.Background(), nil, nil); err != ErrNoCredentials {
		t.Errorf("empty secret: %v", err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func decodeSeg(s string) ([]byte, error) {
	return jsonB64(s)
}

var _ = url.Values{}

func jsonB64(s string) ([]byte, error) {
	for len(s)%4 != 0 {
		s += "="
	}
	return base64URL.DecodeString(s)
}

var base64URL = base64.URLEncoding
