package edge_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/followup-io/followup-operator/internal/edge"
)

// TestVendorTimestampsAreBounded: times from CRMs, WhatsApp and forms are not taken at
// face value. A year-old event is stored at the lead's submission, a future one now,
// a year-old submission starts the clock now (the given time kept in an annotation);
// each correction is said in the answer. Small drift is corrected silently.
func TestVendorTimestampsAreBounded(t *testing.T) {
	name := newLead(t, form("old-times")) // submitted now (the suite's clock)
	inCache(t, name)
	path := "/v1/namespaces/edge/leads/" + name + "/interactions"
	yearAgo := now.AddDate(-1, 0, 0)
	cases := []struct {
		id, at   string
		want     time.Time
		adjusted string
	}{
		{"year-old", yearAgo.Format(time.RFC3339), now, "BeforeLead"},
		{"next-week", now.Add(7 * 24 * time.Hour).Format(time.RFC3339), now, "InFuture"},
		{"drift", now.Add(90 * time.Second).Format(time.RFC3339), now, ""},
		{"just-before", now.Add(-3 * time.Minute).Format(time.RFC3339), now.Add(-3 * time.Minute), ""},
	}
	for _, c := range cases {
		code, b := post(t, path, map[string]any{"id": c.id, "kind": "reply", "text": "ok", "at": c.at}, auth)
		if code != 201 {
			t.Fatalf("%s: %d %v", c.id, code, b)
		}
		adj, _ := b["adjusted"].(map[string]any)
		if got, _ := adj["reason"].(string); got != c.adjusted {
			t.Errorf("%s: adjusted %v, want %q", c.id, b["adjusted"], c.adjusted)
		}
		if c.adjusted != "" && (adj["given"] != c.at || adj["field"] != "at") {
			t.Errorf("%s: adjustment %v", c.id, adj)
		}
	}
	got := recorded(t, ns, name)
	for i, c := range cases {
		if !got[i].At.Time.Equal(c.want) {
			t.Errorf("%s stored at %v, want %v", c.id, got[i].At.Time, c.want)
		}
	}

	// WhatsApp: a year-old message and a status from the future.
	from := numberFor("old-times")[1:]
	old := strconv.FormatInt(yearAgo.Unix(), 10)
	future := strconv.FormatInt(now.Add(48*time.Hour).Unix(), 10)
	payload := waPayload(fmt.Sprintf(`{"id":"wamid.FUT","status":"read","timestamp":"%s","recipient_id":"%s","biz_opaque_callback_data":"edge/%s/k1"}`,
		future, from, name),
		fmt.Sprintf(`{"from":"%s","id":"wamid.OLD","timestamp":"%s","type":"text","text":{"body":"hello"}}`, from, old))
	if code, b := post(t, "/v1/whatsapp", payload, waSign(payload)); code != 200 || b["added"] != 2.0 || b["adjusted"] != 2.0 {
		t.Fatalf("whatsapp: %d %v", code, b)
	}
	for _, in := range recorded(t, ns, name)[4:] {
		if !in.At.Time.Equal(now) {
			t.Errorf("whatsapp %s stored at %v, want %v", in.ID, in.At.Time, now)
		}
	}

	// Intake: a submission a year old starts the clock now; a future one too.
	for _, c := range []struct{ id, at, reason string }{{"sub-old", yearAgo.Format(time.RFC3339), "TooOld"},
		{"sub-future", now.Add(3 * time.Hour).Format(time.RFC3339), "InFuture"}} {
		f := form(c.id)
		f["submittedAt"] = c.at
		code, b := post(t, "/v1/namespaces/edge/leads", f, auth)
		adj, _ := b["adjusted"].(map[string]any)
		if code != 201 || adj["reason"] != c.reason || adj["field"] != "submittedAt" {
			t.Fatalf("%s: %d %v", c.id, code, b)
		}
		l := getLead(t, b["name"].(string))
		if !l.Spec.Source.SubmittedAt.Time.Equal(now) || l.Annotations[edge.AnnotationSubmittedAtGiven] != c.at {
			t.Errorf("%s: submittedAt %v, annotations %v", c.id, l.Spec.Source.SubmittedAt, l.Annotations)
		}
	}
	// Google Ads: a lead_submit_time in the future.
	g := googleLead("future-google")
	g["lead_submit_time"] = now.Add(26 * time.Hour).Format(time.RFC3339)
	code, b := post(t, "/v1/namespaces/edge/google-ads", g, nil)
	if adj, _ := b["adjusted"].(map[string]any); code != 201 || adj["reason"] != "InFuture" || adj["field"] != "lead_submit_time" {
		t.Fatalf("google: %d %v", code, b)
	}
	if l := getLead(t, b["name"].(string)); !l.Spec.Source.SubmittedAt.Time.Equal(now) {
		t.Errorf("google lead submitted %v", l.Spec.Source.SubmittedAt)
	}
}
