package edge_test

import (
	"bytes"
	"context"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/plugin"
)

// TestReceiptsAreStoredWithoutDirection: delivered, read, failed and bounced are about a
// message we sent; whatever direction the sender claims, they are stored with their
// kind and no direction (the engine never counts them as contact).
func TestReceiptsAreStoredWithoutDirection(t *testing.T) {
	name := newLead(t, form("receipts"))
	inCache(t, name)
	path := "/v1/namespaces/edge/leads/" + name + "/interactions"
	for _, kind := range []string{"delivered", "read", "deliveryFailed", "bounce"} {
		for _, dir := range []string{"outbound", "inbound", ""} {
			body := map[string]any{"id": kind + "-" + dir, "kind": kind}
			if dir != "" {
				body["direction"] = dir
			}
			if code, b := post(t, path, body, auth); code != 201 {
				t.Fatalf("%v: %d %v", body, code, b)
			}
		}
	}
	// Meta's documented failed status: a message to a number that is not on WhatsApp.
	failed := waPayload(`{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA","status":"failed","timestamp":"1794819450",
	  "recipient_id":"48501234567","biz_opaque_callback_data":"edge/`+name+`/k9",
	  "errors":[{"code":131026,"title":"Message undeliverable","message":"Message undeliverable",
	    "error_data":{"details":"Message Undeliverable."},"href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}`, "")
	if code, b := post(t, "/v1/whatsapp", failed, waSign(failed)); code != 200 || b["added"] != 1.0 {
		t.Fatalf("failed status: %d %v", code, b)
	}
	got := recorded(t, ns, name)
	if len(got) != 13 {
		t.Fatalf("%d entries: %s", len(got), kindsOf(got))
	}
	for _, in := range got {
		if in.Direction != "" {
			t.Errorf("%s %s stored with direction %q", in.ID, in.Kind, in.Direction)
		}
	}
	if last := got[12]; last.Kind != v1.InteractionDeliveryFailed || last.TouchKey != "k9" || last.MessageID == "" {
		t.Errorf("failed status: %+v", last)
	}
}

// TestCRMBounceIsStoredLikeKubectlBounce: the same bounce reported by a CRM to the edge
// and typed by a rep into `kubectl followup record --bounce` is the same entry.
func TestCRMBounceIsStoredLikeKubectlBounce(t *testing.T) {
	byCRM := newLead(t, form("bounce-crm"))
	byRep := newLead(t, form("bounce-rep"))
	if code, b := post(t, "/v1/namespaces/edge/leads/"+byCRM+"/interactions",
		map[string]any{"id": "b-1", "kind": "bounce", "direction": "outbound", "at": "2026-11-16T08:58:00Z", "by": "hubspot"}, auth); code != 201 {
		t.Fatalf("%d %v", code, b)
	}
	var out, errs bytes.Buffer
	code := plugin.Run(context.Background(), []string{"record", byRep, "--bounce", "--id", "b-1", "--at", "2026-11-16T08:58:00Z", "--by", "hubspot"},
		plugin.Env{Out: &out, Err: &errs, Connect: func(_, _, _ string) (client.Client, string, string, error) {
			return env.Client, ns, "rep", nil
		}})
	if code != 0 {
		t.Fatalf("kubectl followup record: %d %s %s", code, out.String(), errs.String())
	}
	crm, rep := recorded(t, ns, byCRM), recorded(t, ns, byRep)
	if len(crm) != 1 || len(rep) != 1 {
		t.Fatalf("crm %+v rep %+v", crm, rep)
	}
	if a, b := crm[0], rep[0]; a.Kind != b.Kind || a.Medium != b.Medium || a.Direction != b.Direction || !a.At.Equal(&b.At) ||
		a.By != b.By || a.ID != b.ID || a.Quality != nil || b.Quality != nil || a.Kind != v1.InteractionBounced {
		t.Errorf("a CRM's bounce %+v differs from kubectl's %+v", a, b)
	}
}

// TestWhatsAppTemplateEventsChangeNoLead: Meta's documented template status and quality
// webhooks are answered 200 and counted; no lead changes.
func TestWhatsAppTemplateEventsChangeNoLead(t *testing.T) {
	name := newLead(t, form("template-events"))
	payload := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1794819400,"changes":[
	  {"field":"message_template_status_update","value":{"event":"PAUSED","message_template_id":1234567,
	    "message_template_name":"catalog","message_template_language":"en_US","reason":"NONE"}},
	  {"field":"message_template_quality_update","value":{"previous_quality_score":"GREEN","new_quality_score":"YELLOW",
	    "message_template_id":1234567,"message_template_name":"catalog","message_template_language":"en_US"}}]}]}`)
	if code, b := post(t, "/v1/whatsapp", payload, waSign(payload)); code != 200 || b["template"] != 2.0 || len(b) != 1 {
		t.Fatalf("%d %v", code, b)
	}
	if got := recorded(t, ns, name); len(got) != 0 {
		t.Errorf("a template event changed a lead: %s", kindsOf(got))
	}
	if !bytes.Contains([]byte(logs.String()), []byte(`"template"="catalog"`)) {
		t.Error("the template event was not logged")
	}
}
