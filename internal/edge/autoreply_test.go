package edge_test

import (
	"testing"
)

// A CRM or mail gateway posts every inbound mail as a reply; the ones its headers or
// text mark automatic are recorded as AutoReply with the return day, never rated as a
// reply; a person's answer stays a Reply.
func TestAutoRepliesAreNotReplies(t *testing.T) {
	name := newLead(t, form("autoreply"))
	path := "/v1/namespaces/edge/leads/" + name + "/interactions"
	for _, e := range []map[string]any{
		{"id": "a1", "kind": "reply", "medium": "email", "at": "2026-11-16T08:00:00Z",
			"headers": map[string]string{"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
			"subject": "Automatic reply: your inquiry", "text": "I am out of the office until 30.11.2026 with limited access to email."},
		{"id": "a2", "kind": "reply", "at": "2026-11-16T08:01:00Z",
			"text": "Guten Tag, ich bin bis einschließlich 27.11.2026 nicht im Büro. Ihre E-Mail wird nicht weitergeleitet."},
		{"id": "a3", "kind": "reply", "at": "2026-11-16T08:02:00Z", "text": "What is the price for two units?"},
		{"id": "a4", "kind": "autoReply", "at": "2026-11-16T08:03:00Z", "returnDate": "2026-12-07"},
	} {
		if code, b := post(t, path, e, auth); code != 201 {
			t.Fatalf("%v: %d %v", e["id"], code, b)
		}
	}
	in := recorded(t, ns, name)
	if got := kindsOf(in); got != "AutoReply,AutoReply,Reply,AutoReply" {
		t.Fatalf("kinds %s", got)
	}
	if in[0].ReturnDate != "2026-12-01" || in[0].Quality != nil || in[1].ReturnDate != "2026-11-28" || in[3].ReturnDate != "2026-12-07" {
		t.Errorf("return dates %q %q %q, quality %v", in[0].ReturnDate, in[1].ReturnDate, in[3].ReturnDate, in[0].Quality)
	}
	if in[2].Quality == nil || *in[2].Quality != 3 {
		t.Errorf("a person's reply is still rated: %+v", in[2])
	}
	if code, b := post(t, path, map[string]any{"id": "x", "kind": "reply", "returnDate": "2026-12-01"}, auth); code != 422 || b["reason"] != "InvalidReturnDate" {
		t.Errorf("returnDate on a reply: %d %v", code, b)
	}
	if code, b := post(t, path, map[string]any{"id": "x", "kind": "autoReply", "returnDate": "1.12.2026"}, auth); code != 422 || b["reason"] != "InvalidReturnDate" {
		t.Errorf("returnDate not ISO: %d %v", code, b)
	}
}
