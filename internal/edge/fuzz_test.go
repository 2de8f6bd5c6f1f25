package edge_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// The handlers' fuzz tests send garbage with valid credentials: every answer must be
// below 500 (a 5xx tells a provider to retry garbage forever) and nothing may panic
// (httptest would answer 500 or drop the connection, failing post).

var garbageSeeds = []string{`{}`, `[`, `[]`, `null`, `"x"`, "\x00\xff\xfe", `{"a":` + strings.Repeat("[", 300),
	`{"contact":{"email":1}}`, `{"externalId":"` + strings.Repeat("é", 100) + `"}`, `{"at":"0001-01-01T00:00:00Z"}`,
	`{"quality":99999999999}`, `{"entry":[{"changes":[{"value":{"statuses":[{"status":"read","id":"1","biz_opaque_callback_data":"edge/%/k"}]}}]}]}`}

func FuzzIntake(f *testing.F) {
	for _, s := range append(garbageSeeds, `{"externalId":"f","campaign":"cnc-eu","contact":{"email":"a@b.co"},"tier":"Über"}`,
		`{"externalId":"f2","campaign":"../x","contact":{"whatsapp":"+1"}}`, `{"externalId":"f3","policy":"p","contact":{"linkedin":"http://x"},"region":"a b"}`) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if code, b := post(t, "/v1/namespaces/edge/leads", body, auth); code >= 500 {
			t.Fatalf("%q: %d %v", body, code, b)
		}
	})
}

func FuzzGoogleAds(f *testing.F) {
	for _, s := range garbageSeeds {
		f.Add(s, "fz-1", "+48 123", "EMAIL")
	}
	f.Add(`{"lead_id":"1","google_key":"`+googleKey+`","campaign_id":"-1"}`, "", "x@y", "PHONE_NUMBER")
	f.Add(`{"google_key":"`+googleKey+`","campaign_id":1e99}`, strings.Repeat("x", 300), "pl", "COUNTRY")
	f.Fuzz(func(t *testing.T, body, leadID, value, column string) {
		if code, b := post(t, "/v1/namespaces/edge/google-ads", body, nil); code >= 500 {
			t.Fatalf("%q: %d %v", body, code, b)
		}
		g := googleLead("fz-" + leadID)
		g["user_column_data"] = []map[string]any{{"column_id": column, "string_value": value}, {"column_id": "FULL_NAME", "string_value": value}}
		if code, b := post(t, "/v1/namespaces/edge/google-ads", g, nil); code >= 500 {
			t.Fatalf("structured %q %q %q: %d %v", leadID, value, column, code, b)
		}
	})
}

func FuzzWhatsApp(f *testing.F) {
	for _, s := range garbageSeeds {
		f.Add(s, "price?", "edge/x/k", "48123")
	}
	f.Add(`{"entry":[{"changes":[{"value":{"messages":[{"from":"","id":"","type":"reaction","reaction":{}}]}}]}]}`,
		"\u202e", "edge/"+strings.Repeat("a", 300)+"/k", "+")
	f.Fuzz(func(t *testing.T, body, text, callback, from string) {
		if code, b := post(t, "/v1/whatsapp", body, waSign([]byte(body))); code >= 500 {
			t.Fatalf("%q: %d %v", body, code, b)
		}
		p := waPayload(waStatus("wamid.fz", "delivered", callback), waText(from, "wamid.fz", text))
		if code, b := post(t, "/v1/whatsapp", p, waSign(p)); code >= 500 {
			t.Fatalf("structured %q %q %q: %d %v", text, callback, from, code, b)
		}
	})
}

var fuzzLead struct {
	once sync.Once
	name string
}

func FuzzInteraction(f *testing.F) {
	for _, s := range garbageSeeds {
		f.Add(s, "reply", "id-1", "price?")
	}
	f.Add(`{"id":"1","kind":"reply","lead":{}}`, "Delivered", strings.Repeat("i", 201), "")
	f.Fuzz(func(t *testing.T, body, kind, id, text string) {
		fuzzLead.once.Do(func() { fuzzLead.name = newLead(t, form("fuzz-target")) })
		for _, path := range []string{"/v1/namespaces/edge/leads/" + fuzzLead.name + "/interactions",
			"/v1/namespaces/edge/leads/" + url.PathEscape(id) + "/interactions", "/v1/namespaces/edge/interactions"} {
			if code, b := post(t, path, body, auth); code >= 500 {
				t.Fatalf("%s %q: %d %v", path, body, code, b)
			}
		}
		e, _ := json.Marshal(map[string]any{"id": id, "kind": kind, "text": text, "lead": map[string]any{"externalId": id}})
		if code, b := post(t, "/v1/namespaces/edge/interactions", e, auth); code >= 500 {
			t.Fatalf("structured %s: %d %v", e, code, b)
		}
	})
}
