package edge_test

import (
	"strings"
	"testing"
)

// TestLogsHoldNoContactData drives every endpoint with distinctive contact data and
// message text, then reads everything the server logged (this and every earlier test).
func TestLogsHoldNoContactData(t *testing.T) {
	f := form("privacy-1")
	f["contact"] = map[string]any{"name": "Zofia Wiśniewska", "company": "Wiśniewska Stal", "email": "zofia.w@stal.example",
		"whatsapp": "+48777666555", "phone": "+48777666554"}
	name := newLead(t, f)
	inCache(t, name)
	post(t, "/v1/namespaces/edge/leads", f, auth) // repeat
	bad := form("privacy-2")
	bad["contact"] = map[string]any{"email": "zofia-at-stal"}
	post(t, "/v1/namespaces/edge/leads", bad, auth) // refused by CEL
	post(t, "/v1/namespaces/edge/interactions", map[string]any{"id": "p1", "kind": "reply",
		"text": "Zofia here: sekretny tekst, proszę o ofertę", "lead": map[string]any{"email": "zofia.w@stal.example"}}, auth)
	post(t, "/v1/namespaces/edge/interactions", map[string]any{"id": "p2", "kind": "bounce",
		"lead": map[string]any{"email": "nieznany@stal.example"}}, auth)
	g := googleLead("privacy-g")
	g["user_column_data"] = []map[string]any{{"column_id": "FULL_NAME", "string_value": "Zofia Wiśniewska"},
		{"column_id": "EMAIL", "string_value": "zofia.g@stal.example"}}
	post(t, "/v1/namespaces/edge/google-ads", g, nil)
	payload := waPayload(waStatus("wamid.P", "read", "edge/"+name+"/k1"),
		waText("48777666555", "wamid.PRIV1", "sekretny tekst: cena?")+","+waText("48111222333", "wamid.PRIV2", "sekretny tekst"))
	post(t, "/v1/whatsapp", payload, waSign(payload))
	post(t, "/v1/unknown/zofia.w@stal.example", "{}", nil)

	out := logs.String()
	if !strings.Contains(out, name) || !strings.Contains(out, "whatsapp message matched no lead") || !strings.Contains(out, `"kind"="Reply"`) {
		t.Fatalf("the log lacks the lines this test is meant to check:\n%s", out)
	}
	for _, pii := range []string{"zofia", "Zofia", "Wiśniewska", "stal.example", "48777666555", "777666", "48111222333",
		"sekretny", "Hanna", "Kowalczyk", "hanna@example.pl", numberFor("web-1")[1:], numberFor("wa-lead")[1:], "Jan Nowak", "jan@example.pl", "Buyer@", "buyer@",
		"Muster", "quote"} {
		if strings.Contains(out, pii) {
			t.Errorf("the log contains %q", pii)
		}
	}
}
