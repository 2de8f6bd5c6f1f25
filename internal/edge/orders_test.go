package edge_test

import (
	"encoding/json"
	"net/http"
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/orders"
)

func orderBody(id, kind string, lead map[string]string) []byte {
	b, _ := json.Marshal(map[string]any{"id": id, "kind": kind, "at": "2026-11-16T08:30:00Z",
		"order": map[string]string{"id": "SO-1001", "carrier": "DHL", "tracking": "00340434161094042557"}, "lead": lead})
	return b
}

// TestOrderEventsAreSignedAndRecordedOnce: a shop's signed "shipped" event is recorded on
// the lead with its order and tracking, once; a lead found by email works the same; an
// unsigned or wrongly signed body, an unknown kind or a lead named twice records nothing.
func TestOrderEventsAreSignedAndRecordedOnce(t *testing.T) {
	up(t)
	leadWith(t, "order-lead", 0)
	path := "/v1/namespaces/" + ns + "/orders"
	body := orderBody("shop-77", "shipped", map[string]string{"name": "order-lead"})
	sig := map[string]string{orders.SignatureHeader: orders.Sign(orderSecret, body)}
	if code, out := post(t, path, body, sig); code != http.StatusCreated {
		t.Fatalf("shipped: %d %v", code, out)
	}
	if code, out := post(t, path, body, sig); code != http.StatusOK || out["results"].([]any)[0].(map[string]any)["result"] != "duplicate" {
		t.Fatalf("again: %d %v", code, out)
	}
	got := recorded(t, ns, "order-lead")
	if len(got) != 1 || got[0].Kind != v1.InteractionOrderShipped || got[0].Order == nil || got[0].Order.ID != "SO-1001" ||
		got[0].Order.Tracking != "00340434161094042557" || got[0].Order.Carrier != "DHL" || got[0].By != "order-webhook" {
		t.Fatalf("recorded %+v", got)
	}
	byEmail := orderBody("shop-78", "delivered", map[string]string{"email": "ORDER-LEAD@example.com"})
	if code, out := post(t, path, byEmail, map[string]string{orders.SignatureHeader: orders.Sign(orderSecret, byEmail)}); code != http.StatusCreated {
		t.Fatalf("by email: %d %v", code, out)
	}
	for name, c := range map[string]struct {
		body   []byte
		header map[string]string
		code   int
		reason string
	}{
		"unsigned":     {body, nil, http.StatusUnauthorized, "MissingSignature"},
		"wrong secret": {orderBody("shop-79", "shipped", map[string]string{"name": "order-lead"}), map[string]string{orders.SignatureHeader: orders.Sign("guess", body)}, http.StatusForbidden, "BadSignature"},
		"unknown kind": {orderBody("shop-80", "lost", map[string]string{"name": "order-lead"}), nil, http.StatusUnprocessableEntity, "UnknownKind"},
		"two leads":    {orderBody("shop-81", "shipped", map[string]string{"name": "order-lead", "email": "x@example.com"}), nil, http.StatusUnprocessableEntity, "MissingLead"},
		"no lead":      {orderBody("shop-82", "shipped", map[string]string{"name": "order-nobody"}), nil, http.StatusNotFound, "LeadNotFound"},
	} {
		h := c.header
		if h == nil && name != "unsigned" {
			h = map[string]string{orders.SignatureHeader: orders.Sign(orderSecret, c.body)}
		}
		if code, out := post(t, path, c.body, h); code != c.code || out["reason"] != c.reason {
			t.Errorf("%s: %d %v, want %d %s", name, code, out, c.code, c.reason)
		}
	}
	if got := recorded(t, ns, "order-lead"); len(got) != 2 || got[1].Kind != v1.InteractionOrderDelivered {
		t.Errorf("after the refusals: %s", kindsOf(got))
	}
}
