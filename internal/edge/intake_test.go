package edge_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/edge"
)

func TestIntakeCreatesOneLeadPerExternalID(t *testing.T) {
	code, body := post(t, "/v1/namespaces/edge/leads", form("web-1"), auth)
	if code != 201 || body["created"] != true {
		t.Fatalf("first: %d %v", code, body)
	}
	name := body["name"].(string)
	code, body = post(t, "/v1/namespaces/edge/leads", form("web-1"), auth)
	if code != 200 || body["name"] != name || body["created"] != false {
		t.Errorf("repeat: %d %v", code, body)
	}
	l := getLead(t, name)
	if l.Spec.Source.Campaign != "cnc-eu" || l.Spec.Source.ExternalID != "web-1" || l.Spec.Source.Keyword != "fiber laser" ||
		l.Labels[edge.LabelRegion] != "eu" || l.Labels[edge.LabelSource] != "form" || l.Spec.Tier != "high" ||
		l.Spec.Value.Amount != "38000" || l.Spec.Contact.WhatsApp != numberFor("web-1") ||
		l.Spec.Source.SubmittedAt == nil || !l.Spec.Source.SubmittedAt.Time.Equal(now) {
		t.Errorf("lead %+v %+v", l.Spec.Source, l.Labels)
	}
	// The same id from another source is another lead; a submitted time is kept.
	f := form("web-1")
	f["source"], f["submittedAt"] = "hubspot", "2026-11-16T08:30:00Z"
	code, body = post(t, "/v1/namespaces/edge/leads", f, auth)
	if code != 201 || body["name"] == name {
		t.Fatalf("other source: %d %v", code, body)
	}
	if l := getLead(t, body["name"].(string)); l.Spec.Source.SubmittedAt.Time.Format("15:04") != "08:30" || l.Labels[edge.LabelSource] != "hubspot" {
		t.Errorf("hubspot lead %+v %v", l.Spec.Source, l.Labels)
	}
}

// TestIntakeConcurrentRetriesMakeOneLead: 20 posts of one new id at once, as a form tool
// retrying on a timeout might: one 201, nineteen 200, one Lead.
func TestIntakeConcurrentRetriesMakeOneLead(t *testing.T) {
	var wg sync.WaitGroup
	codes := make(chan int, 20)
	names := make(chan string, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, b := post(t, "/v1/namespaces/edge/leads", form("web-2"), auth)
			codes <- c
			if n, ok := b["name"].(string); ok {
				names <- n
			}
		}()
	}
	wg.Wait()
	close(codes)
	close(names)
	created := 0
	for c := range codes {
		switch c {
		case 201:
			created++
		case 200:
		default:
			t.Errorf("concurrent intake answered %d", c)
		}
	}
	seen := map[string]bool{}
	for n := range names {
		seen[n] = true
	}
	var all v1.LeadList
	if err := env.Client.List(context.Background(), &all, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	leads := 0
	for _, l := range all.Items {
		if l.Spec.Source.ExternalID == "web-2" {
			leads++
		}
	}
	if created != 1 || leads != 1 || len(seen) != 1 {
		t.Errorf("%d creates, %d leads, %d names for one external id", created, leads, len(seen))
	}
}

func TestIntakeRefusesBadInput(t *testing.T) {
	badEmail := form("web-bad")
	badEmail["contact"] = map[string]any{"email": "not-an-address"}
	noContact := form("web-nc")
	noContact["contact"] = map[string]any{"name": "x"}
	noCampaign := form("web-ncp")
	delete(noCampaign, "campaign")
	unknownCampaign := form("web-uc")
	unknownCampaign["campaign"] = "nope"
	badSource := form("web-bs")
	badSource["source"] = "Bad Source!"
	badTier := form("web-bt")
	badTier["tier"] = "VIP"
	cases := []struct {
		name   string
		path   string
		body   any
		header map[string]string
		code   int
		reason string
	}{
		{"no token", "/v1/namespaces/edge/leads", form("x"), nil, 401, "Unauthorized"},
		{"wrong token", "/v1/namespaces/edge/leads", form("x"), map[string]string{"Authorization": "Bearer wrong"}, 401, "Unauthorized"},
		{"other namespace", "/v1/namespaces/other/leads", form("x"), auth, 403, "NamespaceNotServed"},
		{"garbage", "/v1/namespaces/edge/leads", "{not json", auth, 400, "InvalidJSON"},
		{"array", "/v1/namespaces/edge/leads", "[1]", auth, 400, "InvalidJSON"},
		{"misspelt field", "/v1/namespaces/edge/leads", `{"externalId":"a","campaing":"cnc-eu"}`, auth, 400, "InvalidJSON"},
		{"wrong type", "/v1/namespaces/edge/leads", `{"externalId":7}`, auth, 400, "InvalidJSON"},
		{"no external id", "/v1/namespaces/edge/leads", map[string]any{"campaign": "cnc-eu", "contact": map[string]any{"email": "a@b.co"}}, auth, 422, "MissingExternalID"},
		{"no contact", "/v1/namespaces/edge/leads", noContact, auth, 422, "NoContact"},
		{"no campaign", "/v1/namespaces/edge/leads", noCampaign, auth, 422, "MissingCampaign"},
		{"unknown campaign", "/v1/namespaces/edge/leads", unknownCampaign, auth, 422, "CampaignNotFound"},
		{"bad source", "/v1/namespaces/edge/leads", badSource, auth, 422, "InvalidSource"},
		{"CEL email", "/v1/namespaces/edge/leads", badEmail, auth, 422, "Invalid"},
		{"CEL tier", "/v1/namespaces/edge/leads", badTier, auth, 422, "Invalid"},
		{"oversize", "/v1/namespaces/edge/leads", `{"externalId":"` + strings.Repeat("x", maxBody) + `"}`, auth, 413, "BodyTooLarge"},
		{"no such endpoint", "/v1/nothing", "{}", auth, 404, "NotFound"},
	}
	for _, c := range cases {
		code, body := post(t, c.path, c.body, c.header)
		if code != c.code || body["reason"] != c.reason || body["error"] == "" {
			t.Errorf("%s: %d %v, want %d %s", c.name, code, body, c.code, c.reason)
		}
	}
	// The API server's CEL messages reach the caller, without the refused value.
	_, body := post(t, "/v1/namespaces/edge/leads", badEmail, auth)
	if msg, _ := body["error"].(string); !strings.Contains(msg, "contact.email: email must be an address such as name@example.com") ||
		strings.Contains(msg, "not-an-address") {
		t.Errorf("422 message: %q", msg)
	}
	_, body = post(t, "/v1/namespaces/edge/leads", `{"externalId":"a","campaing":"cnc-eu"}`, auth)
	if msg, _ := body["error"].(string); !strings.Contains(msg, `unknown field "campaing"`) {
		t.Errorf("400 message: %q", msg)
	}
	for _, ct := range []string{"application/x-www-form-urlencoded", "text/plain", ""} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/namespaces/edge/leads", strings.NewReader(`{}`))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 415 {
			t.Errorf("content type %q: %v %v", ct, resp.StatusCode, err)
		}
	}
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		req, _ := http.NewRequest(m, srv.URL+"/v1/namespaces/edge/leads", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 405 || resp.Header.Get("Allow") != http.MethodPost {
			t.Errorf("%s on intake: %v %v", m, resp.StatusCode, err)
		}
	}
}

// TestIntakeLeadsGetTheirCampaignsRegion: a form lead naming a campaign is filed under
// the campaign's region (label and spec) like a Google Ads lead, so a region-sharded
// install sees it; the form's own region counts only without a campaign region.
func TestIntakeLeadsGetTheirCampaignsRegion(t *testing.T) {
	noRegion := form("region-1")
	delete(noRegion, "region")
	otherRegion := form("region-2")
	otherRegion["region"] = "na"
	policyOnly := form("region-3")
	delete(policyOnly, "campaign")
	policyOnly["policy"], policyOnly["region"] = "p", "apac"
	for _, c := range []struct {
		form map[string]any
		want string
	}{{noRegion, "eu"}, {otherRegion, "eu"}, {policyOnly, "apac"}} {
		l := getLead(t, newLead(t, c.form))
		if l.Labels[edge.LabelRegion] != c.want || l.Spec.Source.Region != c.want {
			t.Errorf("%s: region label %q, spec %q, want %q", c.form["externalId"], l.Labels[edge.LabelRegion], l.Spec.Source.Region, c.want)
		}
	}
}

// TestIntakeKeepsClickIDsAndReadsPhones: a landing page passes the ad click's ids
// (gclid, or gbraid/wbraid from iOS) for the offline-conversion upload; a country by
// name and a national number are read; an unreadable number is kept, not refused.
func TestIntakeKeepsClickIDsAndReadsPhones(t *testing.T) {
	f := form("clicks-1")
	f["gbraid"], f["wbraid"], f["gclid"] = "0AAAAAoWkn1cB2k2ZbnlmQ4JsZGuCAEpI1", "CkQKCQjw", "Cj0KCQiA"
	f["contact"] = map[string]any{"email": "k@example.de", "country": "Deutschland", "phone": "0151 23456789"}
	f["answers"] = []map[string]any{{"question": "Budget", "answer": "50k"}}
	l := getLead(t, newLead(t, f))
	if ids := l.Spec.Source.ClickIDs; ids == nil || ids.GCLID != "Cj0KCQiA" || ids.GBRAID != "0AAAAAoWkn1cB2k2ZbnlmQ4JsZGuCAEpI1" || ids.WBRAID != "CkQKCQjw" {
		t.Errorf("click ids %+v", ids)
	}
	if c := l.Spec.Contact; c.Country != "DE" || c.Phone != "+4915123456789" {
		t.Errorf("contact %+v", c)
	}
	if a := l.Spec.Source.Answers; len(a) != 1 || a[0].Question != "Budget" {
		t.Errorf("answers %+v", a)
	}
	phoneOnly := form("clicks-2")
	phoneOnly["contact"] = map[string]any{"phone": "0501 234 567"}
	l = getLead(t, newLead(t, phoneOnly))
	if c := l.Spec.Contact; c.Phone != "" || c.PhoneAsGiven != "0501 234 567" {
		t.Errorf("phone only %+v", c)
	}
}

// TestEdgeLeadsHaveReadableNames: a lead is named after its company (ASCII, a short
// hash of the source and its id), else its source; never a person's name, an email or a
// number. A retry whose company is spelt differently is still the same lead.
func TestEdgeLeadsHaveReadableNames(t *testing.T) {
	for _, c := range []struct{ company, prefix string }{
		{"Stal-Bud Sp. z o.o.", "stal-bud-sp-z-o-o-"},
		{"Łódzka Fabryka Maszyn", "lodzka-fabryka-maszyn-"},
		{"Müller & Söhne GmbH", "muller-sohne-gmbh-"},
		{"深圳精密机械有限公司", "form-"},
		{"hanna@example.pl", "form-"},
		{"+48 501 234 567", "form-"},
		{"", "form-"},
	} {
		f := form("named-" + c.company)
		f["contact"] = map[string]any{"name": "Hanna Kowalczyk", "company": c.company, "email": "hanna@example.pl"}
		name := newLead(t, f)
		if !strings.HasPrefix(name, c.prefix) || len(name) != len(c.prefix)+10 || strings.Contains(name, "hanna") {
			t.Errorf("company %q: lead named %q, want %q + 10 hex", c.company, name, c.prefix)
		}
	}
	f := form("named-retry")
	f["contact"] = map[string]any{"company": "Acme Machinery", "email": "buyer@example.com"}
	first := newLead(t, f)
	inCache(t, first)
	f["contact"] = map[string]any{"company": "ACME Machinery Ltd", "email": "buyer@example.com"}
	if code, b := post(t, "/v1/namespaces/edge/leads", f, auth); code != 200 || b["name"] != first {
		t.Errorf("retry with another spelling: %d %v, want 200 %s", code, b, first)
	}
}

// TestALeadWhoseNameIsTakenIsStillCreated: the short name is a 40-bit hash; when
// another lead already holds it (a collision, forced here by a squatter with the very
// name), the submission is not answered "already recorded" and lost: it is created under
// the long name, and its retry finds it there.
func TestALeadWhoseNameIsTakenIsStillCreated(t *testing.T) {
	ctx := context.Background()
	code, body := post(t, "/v1/namespaces/edge/leads", form("web-squat"), auth)
	if code != 201 {
		t.Fatalf("first: %d %v", code, body)
	}
	name := body["name"].(string)
	orig := getLead(t, name)
	if err := env.Client.Delete(ctx, orig); err != nil {
		t.Fatal(err)
	}
	squatter := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{edge.LabelSource: "form"}},
		Spec: v1.LeadSpec{Contact: v1.Contact{Name: "Someone Else", Email: "else@example.org"}, Policy: "p",
			Source: v1.LeadSource{ExternalID: "someone-else"}}}
	if err := env.Client.Create(ctx, squatter); err != nil {
		t.Fatal(err)
	}
	code, body = post(t, "/v1/namespaces/edge/leads", form("web-squat"), auth)
	if code != 201 || body["name"] == name || body["created"] != true {
		t.Fatalf("a taken name must not swallow the lead: %d %v", code, body)
	}
	long := body["name"].(string)
	if l := getLead(t, long); l.Spec.Source.ExternalID != "web-squat" {
		t.Errorf("the lead under the long name: %+v", l.Spec.Source)
	}
	if l := getLead(t, name); l.Spec.Source.ExternalID != "someone-else" {
		t.Errorf("the squatter was changed: %+v", l.Spec.Source)
	}
	code, body = post(t, "/v1/namespaces/edge/leads", form("web-squat"), auth)
	if code != 200 || body["name"] != long {
		t.Errorf("its retry: %d %v", code, body)
	}
}
