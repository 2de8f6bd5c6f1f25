package inbound_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestWhatsAppToAPhoneOnlyLeadAndItsReceipts: a lead who gave only a phone number gets
// its WhatsApp step on that number; the Cloud API's wamid is kept on the touch; a read
// status without callback data finds the touch by it; the customer's answer from the
// same number is matched, folded, and hands the lead to its owner.
func TestWhatsAppToAPhoneOnlyLeadAndItsReceipts(t *testing.T) {
	lead(t, "phone-only", v1.Contact{Name: "Ola", Phone: "+48600700800"})
	var touch v1.TouchRecord
	eventually(t, 30*time.Second, func() string {
		l := get(t, "phone-only")
		if len(l.Status.Touches) == 0 || l.Status.Touches[0].MessageID == "" {
			return fmt.Sprintf("no touch with a message id yet: %+v", l.Status.Touches)
		}
		touch = l.Status.Touches[0]
		return ""
	})
	if to := cloud.to(touch.MessageID); to != "48600700800" || touch.Channel != "whatsapp" || touch.Result != v1.TouchSent {
		t.Fatalf("touch %+v went to %q", touch, to)
	}

	// Meta's read status, without biz_opaque_callback_data, then the customer's answer.
	payload := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",
	  "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
	  "contacts":[{"profile":{"name":"Ola"},"wa_id":"48600700800"}],
	  "statuses":[{"id":"%s","status":"read","timestamp":"%d","recipient_id":"48600700800"}],
	  "messages":[{"from":"48600700800","id":"wamid.ANSWER1","timestamp":"%d","type":"text","text":{"body":"What is the price for two?"}}]}}]}]}`,
		numberID, touch.MessageID, now.Unix(), now.Unix()))
	// This status has no callback data, so the edge finds its touch by the wamid in its
	// own replica's cache, which may trail the status write this test read from the API
	// server by a few milliseconds (the operator's own sends carry callback data and
	// never depend on it). Meta's delivery is sent again until both are recorded: the
	// reply, added the first time, is then a duplicate, so exactly two are added in all.
	added := 0.0
	eventually(t, 10*time.Second, func() string {
		code, b := post(t, edges[1], "/v1/whatsapp", payload, signed(payload))
		if code != 200 {
			t.Fatalf("webhook: %d %v", code, b)
		}
		added += num(b["added"])
		if num(b["unmatched"]) > 0 {
			return fmt.Sprintf("webhook: %v", b)
		}
		return ""
	})
	if added != 2 {
		t.Fatalf("%v events added over the deliveries, want the read and the reply once each", added)
	}
	eventually(t, 30*time.Second, func() string {
		l := get(t, "phone-only")
		var read, reply *v1.InteractionEntry
		for i, in := range l.Status.Interactions {
			switch in.Kind {
			case v1.InteractionRead:
				read = &l.Status.Interactions[i]
			case v1.InteractionReply:
				reply = &l.Status.Interactions[i]
			}
		}
		switch {
		case read == nil || reply == nil:
			return fmt.Sprintf("not folded yet: %+v", l.Status.Interactions)
		case read.TouchKey != touch.Key || read.MessageID != touch.MessageID || read.Direction != "":
			return fmt.Sprintf("read %+v, want touch %s", read, touch.Key)
		case reply.Quality == nil || *reply.Quality != 3 || !reply.HandToHuman:
			return fmt.Sprintf("reply %+v", reply)
		case l.Status.Phase != v1.PhaseHandedOff:
			return fmt.Sprintf("phase %s, want HandedOff", l.Status.Phase)
		case unfolded(t, "phone-only") != 0:
			return "Interaction objects left after the fold"
		}
		return ""
	})
}

// TestFiveHundredEventsThroughTwoReplicasAllFolded: 500 events over 10 leads at once,
// half through each replica's edge, then all again: every request answered 2xx, and
// every event ends up once in its lead's record, folded by the real lead controller.
func TestFiveHundredEventsThroughTwoReplicasAllFolded(t *testing.T) {
	for i := range 10 {
		lead(t, fmt.Sprintf("busy-%d", i), v1.Contact{Email: fmt.Sprintf("buyer%d@example.com", i)})
	}
	auth := map[string]string{"Authorization": "Bearer " + token}
	kinds := []string{"note", "read", "delivered", "callNoAnswer", "note"}
	send := func() (failed int) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for j := range 500 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, b := post(t, edges[j%2], fmt.Sprintf("/v1/namespaces/%s/leads/busy-%d/interactions", ns, j%10),
					map[string]any{"id": fmt.Sprintf("ev-%d", j), "kind": kinds[j%5]}, auth)
				if code != 201 && code != 200 {
					mu.Lock()
					failed++
					mu.Unlock()
					t.Errorf("event %d: %d %v", j, code, b)
				}
			}()
		}
		wg.Wait()
		return failed
	}
	start := time.Now()
	failed := send() + send()
	t.Logf("1,000 posts (500 events twice) through two replicas: %v, %d failed", time.Since(start).Round(time.Millisecond), failed)
	eventually(t, 60*time.Second, func() string {
		for i := range 10 {
			name := fmt.Sprintf("busy-%d", i)
			l := get(t, name)
			held := len(l.Status.Interactions)
			if l.Status.Earlier != nil {
				held += int(l.Status.Earlier.Entries)
			}
			if held != 50 || unfolded(t, name) != 0 {
				return fmt.Sprintf("%s holds %d of 50 events, %d unfolded", name, held, unfolded(t, name))
			}
		}
		return ""
	})
	t.Logf("all 500 events folded into their leads %v after the first post", time.Since(start).Round(time.Millisecond))
}

// num is a JSON number of an edge's answer; absent is 0.
func num(v any) float64 {
	f, _ := v.(float64)
	return f
}
