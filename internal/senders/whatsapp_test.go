package senders_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/senders"
)

// cloudAPI checks each request against the Cloud API's documented format and answers
// like the Graph API does.
func cloudAPI(t *testing.T, fail func() (int, string)) *server {
	return newServer(t, func(r request) (int, string) {
		if r.Path != "/v21.0/109876543210987/messages" || r.Header.Get("Authorization") != "Bearer EAAtoken" ||
			r.Header.Get("Content-Type") != "application/json" {
			return 400, `{"error":{"message":"bad request line","type":"OAuthException","code":100}}`
		}
		var m struct {
			MessagingProduct string `json:"messaging_product"`
			RecipientType    string `json:"recipient_type"`
			To, Type         string
			Template         struct {
				Name       string
				Language   struct{ Code string }
				Components []struct {
					Type       string
					Parameters []struct{ Type, Text string }
				}
			}
			Callback string `json:"biz_opaque_callback_data"`
		}
		if err := json.Unmarshal(r.Body, &m); err != nil || m.MessagingProduct != "whatsapp" || m.RecipientType != "individual" ||
			m.Type != "template" || m.To != "48501234567" || m.Template.Name == "" || m.Template.Language.Code == "" ||
			len(m.Template.Components) != 1 || m.Template.Components[0].Type != "body" ||
			m.Template.Components[0].Parameters[0].Type != "text" || m.Callback == "" {
			return 400, fmt.Sprintf(`{"error":{"message":"invalid parameter","type":"OAuthException","code":100,"fbtrace_id":"x"}}`)
		}
		if fail != nil {
			return fail()
		}
		// The Cloud API's documented answer to a send.
		return 200, `{"messaging_product":"whatsapp","contacts":[{"input":"48501234567","wa_id":"48501234567"}],` +
			`"messages":[{"id":"wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA","message_status":"accepted"}]}`
	})
}

func waChannel(base string) *v1.Channel {
	return &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "wa"}, Spec: v1.ChannelSpec{Type: v1.ChannelWhatsApp,
		WhatsApp:       &v1.WhatsAppChannel{PhoneNumberID: "109876543210987", APIBase: base + "/v21.0", Language: "pl"},
		CredentialsRef: &v1.SecretKeyRef{Name: "wa", Key: "token"}, RateLimit: v1.RateLimit{PerMinute: 6000}}}
}

func TestWhatsAppTemplateMessage(t *testing.T) {
	srv := cloudAPI(t, nil)
	var cs channels
	cs.add(waChannel(srv.URL), map[string]string{"token": "EAAtoken"})
	r := senders.NewRouter(&cs, nil)
	res := r.Dispatch(context.Background(), delivery("wa"))
	if res.Outcome != cadence.Sent || res.MessageID != "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA" {
		t.Fatalf("%+v: want sent with the wamid the Cloud API answered", res)
	}
	var m map[string]any
	_ = json.Unmarshal(srv.requests()[0].Body, &m)
	tmpl := m["template"].(map[string]any)
	if tmpl["name"] != "catalog" || tmpl["language"].(map[string]any)["code"] != "pl" {
		t.Errorf("template %v", tmpl)
	}
	ns, lead, key, ok := senders.ParseCallbackData(m["biz_opaque_callback_data"].(string))
	if !ok || ns != "sales" || lead != "acme" || key != "k1a2b3c4d5e6" {
		t.Errorf("callback data %v", m["biz_opaque_callback_data"])
	}
}

func TestWhatsAppErrorsDecideRetryOrFallback(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		outcome cadence.Outcome
	}{
		{400, `{"error":{"message":"(#131026) Message undeliverable","type":"OAuthException","code":131026}}`, cadence.Permanent},
		{400, `{"error":{"message":"(#131049) This message was not delivered to maintain healthy ecosystem engagement.","code":131049}}`, cadence.Permanent},
		{400, `{"error":{"message":"(#131030) Recipient phone number not in allowed list","code":131030}}`, cadence.Permanent},
		{400, `{"error":{"message":"Recipient not valid","code":131047}}`, cadence.Permanent},
		{429, `{"error":{"message":"Rate limit hit","code":130429}}`, cadence.Transient},
		{400, `{"error":{"message":"Spam rate limit hit","code":131048}}`, cadence.Transient},
		{500, `{"error":{"message":"Something went wrong","code":131000}}`, cadence.Transient},
		{401, `{"error":{"message":"Invalid OAuth access token","code":190}}`, cadence.Permanent},
		{503, `garbage`, cadence.Transient},
	}
	for _, c := range cases {
		srv := cloudAPI(t, func() (int, string) { return c.status, c.body })
		var cs channels
		cs.add(waChannel(srv.URL), map[string]string{"token": "EAAtoken"})
		res := senders.NewRouter(&cs, nil).Dispatch(context.Background(), delivery("wa"))
		if res.Outcome != c.outcome || strings.Contains(res.Message, "48501234567") || strings.Contains(res.Message, "EAAtoken") {
			t.Errorf("%d %s: %+v, want %s", c.status, c.body, res, c.outcome)
		}
	}
	srv := cloudAPI(t, nil)
	var cs channels
	cs.add(waChannel(srv.URL), map[string]string{"token": "EAAtoken"})
	d := delivery("wa")
	d.Contact.WhatsApp = ""
	if res := senders.NewRouter(&cs, nil).Dispatch(context.Background(), d); res.Outcome != cadence.Permanent || len(srv.requests()) != 0 {
		t.Errorf("no number: %+v", res)
	}
}

// TestWhatsAppReachesThePhoneNumber: a contact who gave only a phone number is sent to
// on it; when the Cloud API answers that the number is not on WhatsApp (131026, as Meta
// documents it), the outcome is Permanent so the step falls back to its next channel.
func TestWhatsAppReachesThePhoneNumber(t *testing.T) {
	undeliverable := `{"error":{"message":"(#131026) Message Undeliverable.","type":"OAuthException","code":131026,` +
		`"error_data":{"messaging_product":"whatsapp","details":"Message Undeliverable."},"error_subcode":2494010,"fbtrace_id":"AbCdEf"}}`
	var fail bool
	srv := cloudAPI(t, func() (int, string) {
		if fail {
			return 400, undeliverable
		}
		return 200, `{"messaging_product":"whatsapp","contacts":[{"input":"48501234567","wa_id":"48501234567"}],"messages":[{"id":"wamid.P1"}]}`
	})
	var cs channels
	cs.add(waChannel(srv.URL), map[string]string{"token": "EAAtoken"})
	r := senders.NewRouter(&cs, nil)
	d := delivery("wa")
	d.Contact.WhatsApp, d.Contact.Phone = "", "+48501234567"
	if res := r.Dispatch(context.Background(), d); res.Outcome != cadence.Sent || res.MessageID != "wamid.P1" {
		t.Fatalf("phone only: %+v", res)
	}
	var m map[string]any
	_ = json.Unmarshal(srv.requests()[0].Body, &m)
	if m["to"] != "48501234567" {
		t.Errorf("sent to %v", m["to"])
	}
	fail = true
	res := r.Dispatch(context.Background(), d)
	if res.Outcome != cadence.Permanent || !strings.Contains(res.Message, "code 131026") || strings.Contains(res.Message, "48501234567") {
		t.Errorf("not on WhatsApp: %+v, want Permanent (fall back)", res)
	}
	d.Contact.Phone = ""
	before := len(srv.requests())
	if res := r.Dispatch(context.Background(), d); res.Outcome != cadence.Permanent || res.Message != "contact has no whatsapp or phone number" ||
		len(srv.requests()) != before {
		t.Errorf("no number at all: %+v", res)
	}
	if senders.WhatsAppNumber(v1.Contact{WhatsApp: "+1555", Phone: "+1666"}) != "+1555" {
		t.Error("contact.whatsapp must come first")
	}
}

func FuzzParseCallbackData(f *testing.F) {
	for _, s := range []string{"sales/acme/k1", "a/b", "//", "a/b/c/d", "", strings.Repeat("x/", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ns, lead, key, ok := senders.ParseCallbackData(s)
		if ok && senders.CallbackData(ns, lead, key) != s {
			t.Fatalf("%q parsed to %q %q %q", s, ns, lead, key)
		}
		if ok && (ns == "" || lead == "" || key == "") {
			t.Fatalf("%q: empty part accepted", s)
		}
	})
}

// TestWhatsAppKeepsTheWaIDMetaAnswers: a Brazilian mobile number sent with its ninth
// digit is answered with the older wa_id (Meta's contacts[].wa_id); the result carries it
// so the customer's replies, which come from that id, find the lead. When the wa_id is
// the number sent to, nothing extra is kept.
func TestWhatsAppKeepsTheWaIDMetaAnswers(t *testing.T) {
	for _, tc := range []struct{ to, waID, want string }{
		{"+5511987654321", "551187654321", "551187654321"},
		{"+48501234567", "48501234567", ""},
		{"+5511987654321", "55-11", ""}, // not an id: never stored
	} {
		srv := newServer(t, func(r request) (int, string) {
			var m struct{ To string }
			_ = json.Unmarshal(r.Body, &m)
			return 200, fmt.Sprintf(`{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":"wamid.X1"}]}`, m.To, tc.waID)
		})
		var cs channels
		cs.add(waChannel(srv.URL), map[string]string{"token": "EAAtoken"})
		d := delivery("wa")
		d.Contact.WhatsApp = tc.to
		res := senders.NewRouter(&cs, nil).Dispatch(context.Background(), d)
		if res.Outcome != cadence.Sent || res.WhatsAppID != tc.want {
			t.Errorf("to %s answered %s: %+v, want wa_id %q kept", tc.to, tc.waID, res, tc.want)
		}
	}
}
