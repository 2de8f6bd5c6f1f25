package edge_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/indexes"
)

func TestWhatsAppHandshake(t *testing.T) {
	up(t)
	for _, c := range []struct {
		query string
		code  int
		body  string
	}{
		{"hub.mode=subscribe&hub.verify_token=" + verifyToken + "&hub.challenge=1158201444", 200, "1158201444"},
		{"hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", 403, ""},
		{"hub.mode=unsubscribe&hub.verify_token=" + verifyToken + "&hub.challenge=1", 403, ""},
		{"hub.challenge=1", 403, ""},
	} {
		resp, err := http.Get(srv.URL + "/v1/whatsapp?" + c.query)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code || (c.body != "" && string(b) != c.body) {
			t.Errorf("%s: %d %q", c.query, resp.StatusCode, b)
		}
	}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/v1/whatsapp", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 405 {
		t.Errorf("PUT: %v %v", resp.StatusCode, err)
	}
}

func TestWhatsAppSignatureIsCheckedBeforeParsing(t *testing.T) {
	payload := waPayload(waStatus("wamid.S0", "delivered", "edge/x/k"), "")
	for _, c := range []struct {
		name   string
		header map[string]string
		body   []byte
		code   int
		reason string
	}{
		{"missing", nil, payload, 401, "MissingSignature"},
		{"not sha256=", map[string]string{"X-Hub-Signature-256": "abc"}, payload, 401, "MissingSignature"},
		{"wrong", map[string]string{"X-Hub-Signature-256": "sha256=00"}, payload, 403, "BadSignature"},
		{"other body", waSign([]byte("{}")), payload, 403, "BadSignature"},
		{"garbage unsigned", nil, []byte("{{{"), 401, "MissingSignature"},
		{"garbage signed", waSign([]byte("{{{")), []byte("{{{"), 400, "InvalidJSON"},
		{"good", waSign(payload), payload, 200, ""},
	} {
		code, b := post(t, "/v1/whatsapp", c.body, c.header)
		if code != c.code || (c.reason != "" && b["reason"] != c.reason) {
			t.Errorf("%s: %d %v", c.name, code, b)
		}
	}
}

func TestWhatsAppStatusesAndMessages(t *testing.T) {
	name := newLead(t, form("wa-lead"))
	inCache(t, name)
	from := strings.TrimPrefix(numberFor("wa-lead"), "+")
	payload := waPayload(
		waStatus("wamid.HBgLNDg1MDEyMzQ1NjcVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA", "sent", "edge/"+name+"/k1a2b3c4d5e6")+","+
			waStatus("wamid.HBgLNDg1MDEyMzQ1NjcVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA", "delivered", "edge/"+name+"/k1a2b3c4d5e6")+","+
			waStatus("wamid.HBgLNDg1MDEyMzQ1NjcVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA", "read", "edge/"+name+"/k1a2b3c4d5e6")+","+
			`{"id":"wamid.F","status":"failed","timestamp":"1794819450","recipient_id":"48501234567","biz_opaque_callback_data":"edge/`+name+`/k2",
			  "errors":[{"code":131026,"title":"Message undeliverable"}]},`+
			waStatus("wamid.X", "read", "other/x/k")+","+ // a namespace not served
			waStatus("wamid.Y", "read", "no-callback-data"),
		waText(from, "wamid.IN1", "Bitte ein Muster schicken")+","+
			`{"from":"`+from+`","id":"wamid.IN2","timestamp":"1794819550","type":"interactive",
			  "interactive":{"type":"button_reply","button_reply":{"id":"b1","title":"Thanks, not now"}}},`+
			`{"from":"`+from+`","id":"wamid.SYS","timestamp":"1794819560","type":"system","system":{"body":"changed number"}},`+
			waText("15550001111", "wamid.IN3", "who is this?")) // a number no lead has
	for i := 0; i < 2; i++ { // WhatsApp redelivers; each event is recorded once
		code, b := post(t, "/v1/whatsapp", payload, waSign(payload))
		if code != 200 {
			t.Fatalf("signed post: %d %v", code, b)
		}
		want := map[string]float64{"added": 5, "ignored": 2, "unmatched": 3}
		if i == 1 {
			want = map[string]float64{"duplicate": 5, "ignored": 2, "unmatched": 3}
		}
		for k, v := range want {
			if b[k] != v {
				t.Errorf("delivery %d: %s = %v, want %v (%v)", i, k, b[k], v, b)
			}
		}
	}
	in := recorded(t, ns, name)
	if kindsOf(in) != "Delivered,Read,DeliveryFailed,Reply,Reply" {
		t.Fatalf("interactions %s", kindsOf(in))
	}
	for _, i := range in[:3] {
		if i.Medium != "WhatsApp" || i.Direction != "" || i.By != "whatsapp-webhook" || i.At.Unix() < 1794819400 {
			t.Errorf("status %+v", i)
		}
	}
	if in[0].TouchKey != "k1a2b3c4d5e6" || in[2].TouchKey != "k2" {
		t.Errorf("touch keys %q %q", in[0].TouchKey, in[2].TouchKey)
	}
	// "Muster" (sample) is action and one of the policy's buying words: hand to a human.
	if r := in[3]; *r.Quality != 3 || !r.HandToHuman || r.Direction != v1.Inbound || r.At.Unix() != 1794819500 {
		t.Errorf("reply %+v", r)
	}
	if r := in[4]; *r.Quality != 1 || r.HandToHuman {
		t.Errorf("button reply %+v", r)
	}
}

// TestWhatsAppReplyOnPhoneNumber: a lead who gave only a phone number and answers on
// WhatsApp from it is matched.
func TestWhatsAppReplyOnPhoneNumber(t *testing.T) {
	f := form("wa-phone")
	f["contact"] = map[string]any{"phone": "+48600700800"}
	name := newLead(t, f)
	inCache(t, name)
	payload := waPayload("", waText("48600700800", "wamid.P1", "What is the lead time?"))
	if code, b := post(t, "/v1/whatsapp", payload, waSign(payload)); code != 200 || b["added"] != 1.0 {
		t.Fatalf("%d %v", code, b)
	}
	if in := recorded(t, ns, name); len(in) != 1 || *in[0].Quality != 2 {
		t.Errorf("%+v", in)
	}
}

// TestWhatsAppReplyFromTheOtherFormOfANumber: a Brazilian lead typed with the ninth digit
// writes first from its older wa_id (no send has told us the id yet); the reply finds the
// lead. A lead whose send was answered with a wa_id is found by that id.
func TestWhatsAppReplyFromTheOtherFormOfANumber(t *testing.T) {
	f := form("wa-brazil")
	f["contact"] = map[string]any{"whatsapp": "+5511987654321"}
	name := newLead(t, f)
	inCache(t, name)
	payload := waPayload("", waText("551187654321", "wamid.BR1", "Qual o prazo de entrega?"))
	if code, b := post(t, "/v1/whatsapp", payload, waSign(payload)); code != 200 || b["added"] != 1.0 {
		t.Fatalf("a reply from the wa_id without the ninth digit: %d %v", code, b)
	}
	if in := recorded(t, ns, name); len(in) != 1 {
		t.Fatalf("recorded %+v", in)
	}

	f = form("wa-waid")
	f["contact"] = map[string]any{"whatsapp": "+4915111111111"}
	other := newLead(t, f)
	var l v1.Lead
	if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: other}, &l); err != nil {
		t.Fatal(err)
	}
	at := metav1.Now()
	l.Status.Touches = []v1.TouchRecord{{Number: 1, Step: "intro", Channel: "wa", Due: at, PerformedAt: &at,
		Result: v1.TouchSent, Key: "k-waid-1", WhatsAppID: "4915122222222"}}
	if err := env.Client.Status().Update(context.Background(), &l); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var list v1.LeadList
		if cached.List(context.Background(), &list, client.InNamespace(ns), client.MatchingFields{indexes.LeadNumber: "4915122222222"}) == nil && len(list.Items) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the number index never held the wa_id of the touch")
		}
	}
	payload = waPayload("", waText("4915122222222", "wamid.DE1", "Danke, bitte das Angebot"))
	if code, b := post(t, "/v1/whatsapp", payload, waSign(payload)); code != 200 || b["added"] != 1.0 {
		t.Fatalf("a reply from the wa_id a send was answered with: %d %v", code, b)
	}
}
