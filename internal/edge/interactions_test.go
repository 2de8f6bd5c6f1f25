package edge_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestReplyIsRatedAndBuyingWordsHandOff(t *testing.T) {
	name := newLead(t, form("reply"))
	path := "/v1/namespaces/edge/leads/" + name + "/interactions"
	for _, e := range []map[string]any{
		{"id": "m1", "kind": "reply", "text": "Please send a quote for 2 units, Hanna", "medium": "email"},
		{"id": "m2", "kind": "Reply", "text": "Thanks!"},
		{"id": "m3", "kind": "reply", "quality": 2},
		{"id": "m4", "kind": "bounce", "medium": "email", "at": "2026-11-16T08:57:00Z"},
		{"id": "m5", "kind": "meeting", "by": "hubspot"},
		{"id": "m6", "kind": "unsubscribe"},
	} {
		if code, b := post(t, path, e, auth); code != 201 || b["result"] != "added" || b["lead"] != name {
			t.Fatalf("%v: %d %v", e, code, b)
		}
	}
	if code, b := post(t, path, map[string]any{"id": "m1", "kind": "reply", "text": "again"}, auth); code != 200 || b["result"] != "duplicate" {
		t.Errorf("same id again: %d %v", code, b)
	}
	in := recorded(t, ns, name)
	if kindsOf(in) != "Reply,Reply,Reply,Bounced,MeetingBooked,Unsubscribed" {
		t.Fatalf("%s", kindsOf(in))
	}
	if *in[0].Quality != 3 || !in[0].HandToHuman || in[0].Medium != "Email" || in[0].Direction != v1.Inbound || in[0].By != "interactions-api" {
		t.Errorf("quote: %+v", in[0])
	}
	if *in[1].Quality != 1 || in[1].HandToHuman || *in[2].Quality != 2 {
		t.Errorf("polite/explicit: %+v %+v", in[1], in[2])
	}
	if in[3].Direction != "" || in[3].Medium != "Email" || !in[3].At.Time.Equal(time.Date(2026, 11, 16, 8, 57, 0, 0, time.UTC)) || in[3].Quality != nil {
		t.Errorf("bounce: %+v", in[3])
	}
	if in[4].By != "hubspot" || !in[5].At.Time.Equal(now) {
		t.Errorf("meeting/unsubscribe: %+v %+v", in[4], in[5])
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
		{map[string]any{"id": "x", "kind": "note", "handToHuman": true}, 422, "InvalidHandToHuman"},
		{map[string]any{"id": "x", "kind": "reply", "medium": "fax"}, 422, "UnknownMedium"},
		{map[string]any{"id": "x", "kind": "reply", "direction": "sideways"}, 422, "InvalidDirection"},
		{map[string]any{"id": "x", "kind": "reply", "by": "anna@example.com"}, 422, "InvalidBy"},
		{map[string]any{"id": "x", "kind": "reply", "lead": map[string]any{"email": "a@b.co"}}, 422, "LeadInPath"},
		{map[string]any{"id": "x", "kind": "reply", "txt": "typo"}, 400, "InvalidJSON"},
	} {
		if code, b := post(t, path, c.body, auth); code != c.code || b["reason"] != c.reason {
			t.Errorf("%v: %d %v", c.body, code, b)
		}
	}
	for _, c := range []struct {
		path   string
		header map[string]string
		code   int
		reason string
	}{
		{"/v1/namespaces/edge/leads/nobody/interactions", auth, 404, "LeadNotFound"},
		{"/v1/namespaces/other/leads/" + name + "/interactions", auth, 403, "NamespaceNotServed"},
		{path, nil, 401, "Unauthorized"},
		{path, map[string]string{"Authorization": "Bearer old-token"}, 201, ""}, // a second token (rotation)
	} {
		if code, b := post(t, c.path, map[string]any{"id": "rotation", "kind": "bounce"}, c.header); code != c.code || (c.reason != "" && b["reason"] != c.reason) {
			t.Errorf("%s: %d %v", c.path, code, b)
		}
	}
}

// TestInteractionByLookup: an email tool reports a bounce by address, a CRM a reply by
// its own lead id.
func TestInteractionByLookup(t *testing.T) {
	f := form("crm-77")
	f["contact"] = map[string]any{"email": "Buyer@Example.com"}
	name := newLead(t, f)
	inCache(t, name)
	path := "/v1/namespaces/edge/interactions"
	code, b := post(t, path, map[string]any{"id": "bounce-1", "kind": "bounce", "lead": map[string]any{"email": "buyer@example.com "}}, auth)
	if code != 201 {
		t.Fatalf("by email: %d %v", code, b)
	}
	code, b = post(t, path, map[string]any{"id": "crm-r1", "kind": "reply", "text": "Can you send a quote?", "lead": map[string]any{"externalId": "crm-77"}}, auth)
	if code != 201 {
		t.Fatalf("by external id: %d %v", code, b)
	}
	if in := recorded(t, ns, name); kindsOf(in) != "Bounced,Reply" || !in[1].HandToHuman || *in[1].Quality != 3 {
		t.Errorf("%+v", in)
	}
	for _, c := range []struct {
		body   map[string]any
		code   int
		reason string
	}{
		{map[string]any{"id": "z", "kind": "bounce"}, 422, "MissingLead"},
		{map[string]any{"id": "z", "kind": "bounce", "lead": map[string]any{"email": "a@b.co", "externalId": "1"}}, 422, "MissingLead"},
		{map[string]any{"id": "z", "kind": "bounce", "lead": map[string]any{"email": "nobody@example.com"}}, 404, "LeadNotFound"},
		{map[string]any{"id": "bounce-1", "kind": "bounce", "lead": map[string]any{"email": "buyer@example.com"}}, 200, ""},
	} {
		if code, b := post(t, path, c.body, auth); code != c.code || (c.reason != "" && b["reason"] != c.reason) {
			t.Errorf("%v: %d %v", c.body, code, b)
		}
	}
}

// TestFiftyEventsForOneLeadAtOnce: concurrent events for one lead each land exactly
// once, and a redelivery of all of them adds nothing.
func TestFiftyEventsForOneLeadAtOnce(t *testing.T) {
	name := newLead(t, form("busy"))
	kinds := []string{"delivered", "read", "reply", "note", "bounce"}
	send := func() []int {
		var wg sync.WaitGroup
		codes := make([]int, 50)
		for i := range codes {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				codes[i], _ = post(t, "/v1/namespaces/edge/leads/"+name+"/interactions",
					map[string]any{"id": fmt.Sprintf("crm-%d", i), "kind": kinds[i%len(kinds)], "medium": "email"}, auth)
			}(i)
		}
		wg.Wait()
		return codes
	}
	start := time.Now()
	for i, c := range send() {
		if c != http.StatusCreated {
			t.Errorf("event %d: %d", i, c)
		}
	}
	t.Logf("50 concurrent events on one lead recorded in %v", time.Since(start).Round(time.Millisecond))
	for i, c := range send() {
		if c != http.StatusOK {
			t.Errorf("redelivered event %d: %d", i, c)
		}
	}
	in := recorded(t, ns, name)
	ids := map[string]int{}
	for _, i := range in {
		ids[i.ID]++
	}
	if len(in) != 50 || len(ids) != 50 {
		t.Errorf("%d interactions with %d ids, want 50 once each", len(in), len(ids))
	}
}

// TestNoCapRefusesAMessage: a lead whose own record is at its bound (200 entries in
// spec) still takes every event; the edge never writes the lead.
func TestNoCapRefusesAMessage(t *testing.T) {
	leadWith(t, "full", v1.MaxInteractions)
	path := "/v1/namespaces/edge/leads/full/interactions"
	for i, kind := range []string{"delivered", "read", "reply"} {
		if code, b := post(t, path, map[string]any{"id": fmt.Sprintf("late-%d", i), "kind": kind, "text": "ok"}, auth); code != 201 {
			t.Errorf("%s on a full lead: %d %v", kind, code, b)
		}
	}
	full := getLead(t, "full")
	payload := waPayload(waStatus("wamid.FULL", "read", "edge/full/k1"), waText(full.Spec.Contact.WhatsApp[1:], "wamid.FULLMSG", "price?"))
	if code, b := post(t, "/v1/whatsapp", payload, waSign(payload)); code != 200 || b["added"] != 2.0 {
		t.Errorf("whatsapp on a full lead: %d %v", code, b)
	}
	if got := recorded(t, ns, "full"); kindsOf(got) != "Delivered,Read,Reply,Read,Reply" {
		t.Errorf("recorded %s", kindsOf(got))
	}
	if n := len(getLead(t, "full").Spec.Interactions); n != v1.MaxInteractions {
		t.Errorf("the lead's spec changed: %d entries", n)
	}
}
