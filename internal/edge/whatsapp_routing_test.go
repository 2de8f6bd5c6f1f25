package edge_test

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestWhatsAppMessageStaysWithTheBusinessNumbersTeam: two teams (namespaces) know the
// same customer number; each has its own WhatsApp business number. A message sent to
// team A's number changes team A's lead only, and a message to a number no Channel owns
// changes nobody's.
func TestWhatsAppMessageStaysWithTheBusinessNumbersTeam(t *testing.T) {
	up(t)
	ctx := context.Background()
	const customer = "+48600111222"
	for _, team := range []struct{ ns, numberID string }{{teamA, "200000000000001"}, {teamB, "200000000000002"}} {
		ch := waChannel(team.ns, "whatsapp", team.numberID)
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "same-customer", Namespace: team.ns}, Spec: v1.LeadSpec{Policy: "p",
			Contact: v1.Contact{WhatsApp: customer}}}
		if err := env.Client.Create(ctx, ch); err != nil {
			t.Fatal(err)
		}
		if err := env.Client.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		waitCached(t, ch)
		waitCached(t, l)
	}
	toA := waPayloadFor("200000000000001", "", waText(customer[1:], "wamid.TEAMA1", "What is the lead time?"))
	if code, b := post(t, "/v1/whatsapp", toA, waSign(toA)); code != 200 || b["added"] != 1.0 {
		t.Fatalf("to team A's number: %d %v", code, b)
	}
	if got := recorded(t, teamA, "same-customer"); kindsOf(got) != "Reply" {
		t.Errorf("team A's lead: %s", kindsOf(got))
	}
	if got := recorded(t, teamB, "same-customer"); len(got) != 0 {
		t.Errorf("team B's lead changed by a message to team A's number: %s", kindsOf(got))
	}
	nobody := waPayloadFor("299999999999999", waStatus("wamid.NOBODY", "read", teamA+"/same-customer/k1"),
		waText(customer[1:], "wamid.NOBODY2", "hello"))
	if code, b := post(t, "/v1/whatsapp", nobody, waSign(nobody)); code != 200 || b["unmatched"] != 2.0 {
		t.Errorf("to a number no Channel owns: %d %v", code, b)
	}
	if got := recorded(t, teamA, "same-customer"); len(got) != 1 {
		t.Errorf("a message to an unknown number changed team A's lead: %s", kindsOf(got))
	}
}

// TestWhatsAppStatusFindsItsTouchByMessageID: a read status without callback data (as
// Meta sends for a message sent without it) is matched to the touch whose record keeps
// the wamid the Cloud API answered with.
func TestWhatsAppStatusFindsItsTouchByMessageID(t *testing.T) {
	up(t)
	ctx := context.Background()
	leadWith(t, "by-wamid", 0)
	l := getLead(t, "by-wamid")
	due := metav1.NewTime(now.Add(-time.Hour))
	l.Status.Touches = []v1.TouchRecord{
		{Number: 1, Step: "introduce", Channel: "whatsapp", Due: due, PerformedAt: &due, Result: v1.TouchSent, Key: "k0aa", MessageID: "wamid.OTHER"},
		{Number: 2, Step: "catalog", Channel: "whatsapp", Due: due, PerformedAt: &due, Result: v1.TouchSent, Key: "k7f3e",
			MessageID: "wamid.HBgLNDg1MDEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"}}
	if err := env.Client.Status().Update(ctx, l); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var c v1.Lead
		if err := cached.Get(ctx, leadKeyOf(ns, "by-wamid"), &c); err == nil && len(c.Status.Touches) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("cache never saw the touches")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Meta's documented read status, without biz_opaque_callback_data.
	payload := waPayload(`{"id":"wamid.HBgLNDg1MDEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA","status":"read","timestamp":"1794819480",
	  "recipient_id":"48501234567","pricing":{"billable":true,"pricing_model":"PMP","category":"marketing","type":"regular"}}`, "")
	if code, b := post(t, "/v1/whatsapp", payload, waSign(payload)); code != 200 || b["added"] != 1.0 {
		t.Fatalf("%d %v", code, b)
	}
	got := recorded(t, ns, "by-wamid")
	if len(got) != 1 || got[0].Kind != v1.InteractionRead || got[0].TouchKey != "k7f3e" ||
		got[0].MessageID != "wamid.HBgLNDg1MDEyMzQ1NjcVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA" || got[0].Direction != "" {
		t.Errorf("%+v", got)
	}
}
