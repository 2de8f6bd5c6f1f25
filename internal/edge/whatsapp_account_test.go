package edge_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// waAccountPayload is one delivery of Meta's account webhooks (object
// whatsapp_business_account) for business account waba, triggered at unix time at,
// with one change of field carrying value (JSON), as Meta documents them.
func waAccountPayload(waba string, at int64, field, value string) []byte {
	return fmt.Appendf(nil, `{"object":"whatsapp_business_account","entry":[{"id":%q,"time":%d,"changes":[{"value":%s,"field":%q}]}]}`,
		waba, at, value, field)
}

func templateStatus(event, name, lang, extra string) string {
	return fmt.Sprintf(`{"event":%q,"message_template_id":1689556908129832,"message_template_name":%q,
	  "message_template_language":%q,"reason":"NONE","message_template_category":"UTILITY"%s}`, event, name, lang, extra)
}

// accountChannel creates a WhatsApp Channel of business account waba and waits until
// the edge's cache has it.
func accountChannel(t *testing.T, namespace, name, waba, display string) *v1.Channel {
	t.Helper()
	ch := waChannel(namespace, name, "3"+waba[1:])
	ch.Spec.WhatsApp.BusinessAccountID, ch.Spec.WhatsApp.DisplayPhoneNumber = waba, display
	if err := env.Client.Create(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	waitCached(t, ch)
	return ch
}

func channelWhatsApp(t *testing.T, ch *v1.Channel) (*v1.WhatsAppChannelStatus, string) {
	t.Helper()
	var got v1.Channel
	if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(ch), &got); err != nil {
		t.Fatal(err)
	}
	return got.Status.WhatsApp, got.ResourceVersion
}

func postSigned(t *testing.T, base string, payload []byte) map[string]any {
	t.Helper()
	code, b := postTo(t, base, "/v1/whatsapp", payload, waSign(payload))
	if code != 200 {
		t.Fatalf("%d %v", code, b)
	}
	return b
}

// TestWhatsAppTemplateEventsReachTheAccountsChannel: Meta's documented template status,
// quality and messaging limit webhooks, signed, land on the status of the Channel of
// the business account they name (read back from the API server); a later event wins,
// an older one delivered late and a redelivery change nothing, and a Channel of
// another account is untouched.
func TestWhatsAppTemplateEventsReachTheAccountsChannel(t *testing.T) {
	up(t)
	const waba, otherWaba = "104400000000001", "104400000000002"
	ch := accountChannel(t, teamA, "wa-account", waba, "+1 555-078-3881")
	other := accountChannel(t, teamB, "wa-other-account", otherWaba, "15550783881")

	paused := waAccountPayload(waba, 1794819400, "message_template_status_update",
		templateStatus("PAUSED", "order_confirmation", "en_US",
			`,"other_info":{"title":"FIRST_PAUSE","description":"Your WhatsApp message template has been paused."}`))
	if b := postSigned(t, srv.URL, paused); b["template"] != 1.0 {
		t.Fatalf("counts %v", b)
	}
	st, _ := channelWhatsApp(t, ch)
	if st == nil || len(st.Templates) != 1 {
		t.Fatalf("status.whatsApp %+v", st)
	}
	if tp := st.Templates[0]; tp.Name != "order_confirmation" || tp.Language != "en_US" || tp.Status != "PAUSED" ||
		tp.Reason != "FIRST_PAUSE" || tp.UpdatedAt == nil || tp.UpdatedAt.Unix() != 1794819400 {
		t.Errorf("paused template %+v", tp)
	}

	quality := waAccountPayload(waba, 1794819500, "message_template_quality_update",
		`{"previous_quality_score":"YELLOW","new_quality_score":"RED","message_template_id":1689556908129832,
		  "message_template_name":"order_confirmation","message_template_language":"en-US"}`)
	postSigned(t, srv.URL, quality)
	// An APPROVED triggered before the pause, delivered late (Meta retries for days).
	late := waAccountPayload(waba, 1794819000, "message_template_status_update", templateStatus("APPROVED", "order_confirmation", "en_US", ""))
	postSigned(t, srv.URL, late)
	st, _ = channelWhatsApp(t, ch)
	if tp := st.Templates[0]; len(st.Templates) != 1 || tp.Status != "PAUSED" || tp.Quality != "RED" {
		t.Errorf("after a quality event (Meta's en-US) and a late APPROVED: %+v", st.Templates)
	}

	reinstated := waAccountPayload(waba, 1794830200, "message_template_status_update",
		templateStatus("REINSTATED", "order_confirmation", "en_US", `,"other_info":{"title":"UNPAUSE","description":"unpaused"}`))
	postSigned(t, srv.URL, reinstated)
	st, rv := channelWhatsApp(t, ch)
	if tp := st.Templates[0]; tp.Status != "REINSTATED" || tp.Reason != "UNPAUSE" {
		t.Errorf("reinstated %+v", tp)
	}
	postSigned(t, srv.URL, reinstated) // a redelivery: nothing to write
	if _, rv2 := channelWhatsApp(t, ch); rv2 != rv {
		t.Errorf("a redelivered event wrote the Channel again (%s -> %s)", rv, rv2)
	}

	limit := waAccountPayload(waba, 1794830300, "phone_number_quality_update",
		`{"display_phone_number":"15550783881","event":"DOWNGRADE","old_limit":"TIER_2K","current_limit":"TIER_1K",
		  "max_daily_conversations_per_business":"TIER_2K"}`)
	if b := postSigned(t, srv.URL, limit); b["number"] != 1.0 {
		t.Errorf("counts %v", b)
	}
	flagged := waAccountPayload(waba, 1794830400, "phone_number_quality_update",
		`{"display_phone_number":"15550783881","event":"FLAGGED","current_limit":"TIER_1K"}`)
	postSigned(t, srv.URL, flagged)
	st, _ = channelWhatsApp(t, ch)
	if l := st.MessagingLimit; l == nil || l.Tier != "TIER_1K" || l.BusinessTier != "TIER_2K" || l.Event != "FLAGGED" || l.Quality != "RED" {
		t.Errorf("messaging limit %+v", l)
	}
	if st, _ := channelWhatsApp(t, other); st != nil {
		t.Errorf("another business account's Channel changed: %+v", st)
	}
}

// TestWhatsAppTemplateEventsTwoReplicasLoseNothing: 24 template events for one Channel
// at once, every other one through a second edge replica with its own cache: each
// write reads the newest Channel and conflicts instead of overwriting, so all 24
// templates are stored (a write that still loses answers 503 and is redelivered).
func TestWhatsAppTemplateEventsTwoReplicasLoseNothing(t *testing.T) {
	second := secondReplica(t)
	const waba = "104400000000003"
	ch := accountChannel(t, teamA, "wa-replicas", waba, "")
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := srv.URL
			if i%2 == 1 {
				base = second
			}
			p := waAccountPayload(waba, 1794819400+int64(i), "message_template_status_update",
				templateStatus("PAUSED", fmt.Sprintf("catalog_%02d", i), "de", ""))
			// A 503 is redelivered, as Meta does; nothing may be lost either way.
			for try := 0; ; try++ {
				code, b := postTo(t, base, "/v1/whatsapp", p, waSign(p))
				if code == 200 {
					return
				}
				if code != 503 || try == 5 {
					t.Errorf("%d %v", code, b)
					return
				}
			}
		}()
	}
	wg.Wait()
	st, _ := channelWhatsApp(t, ch)
	if st == nil || len(st.Templates) != 24 {
		t.Fatalf("templates stored: %d of 24", len(st.Templates))
	}
}
