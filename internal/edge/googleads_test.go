package edge_test

import (
	"context"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"

	"github.com/followup-io/followup-operator/internal/edge"
)

// googleLead is a lead form delivery in the shape of Google's documented example.
func googleLead(id string) map[string]any {
	return map[string]any{"lead_id": id, "api_version": "1.0", "form_id": 40000000000, "campaign_id": 1234567,
		"google_key": googleKey, "is_test": false, "gcl_id": "EAIaIQobChMI", "adgroup_id": 555, "creative_id": 30000000000,
		"lead_submit_time": "2026-11-16T08:12:00Z",
		"user_column_data": []map[string]any{
			{"column_name": "Full Name", "string_value": "Jan Nowak", "column_id": "FULL_NAME"},
			{"column_name": "User Phone", "string_value": "+48 501 234 568", "column_id": "PHONE_NUMBER"},
			{"column_name": "User Email", "string_value": "jan@example.pl", "column_id": "EMAIL"},
			{"column_name": "Company Name", "string_value": "Nowak Metal", "column_id": "COMPANY_NAME"},
			{"column_name": "Country", "string_value": "pl", "column_id": "COUNTRY"},
			{"column_name": "What machine are you looking for?", "string_value": "fiber laser 3kW", "column_id": "SERVER_GENERATED"}}}
}

func TestGoogleAdsLeadForm(t *testing.T) {
	g := googleLead("TeSter-123-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz-0123456789")
	code, body := post(t, "/v1/namespaces/edge/google-ads", g, nil)
	if code != 201 {
		t.Fatalf("%d %v", code, body)
	}
	name := body["name"].(string)
	l := getLead(t, name)
	if l.Spec.Source.Campaign != "cnc-eu" || l.Spec.Source.AdGroup != "fiber-lasers" || l.Spec.Source.Region != "eu" ||
		l.Spec.Source.ExternalID != g["lead_id"] || l.Spec.Source.SubmittedAt.Format("15:04") != "08:12" ||
		l.Spec.Contact.Phone != "+48501234568" || l.Spec.Contact.Country != "PL" || l.Spec.Contact.Email != "jan@example.pl" ||
		l.Spec.Contact.Company != "Nowak Metal" || l.Labels[edge.LabelSource] != "google-ads" || l.Labels[edge.LabelRegion] != "eu" {
		t.Errorf("lead %+v %+v %v", l.Spec.Source, l.Spec.Contact, l.Labels)
	}
	// Google retries a delivery it is not sure of: the same lead_id is the same lead.
	if code, body := post(t, "/v1/namespaces/edge/google-ads", g, nil); code != 200 || body["name"] != name {
		t.Errorf("repeat: %d %v", code, body)
	}
	// ids as strings (proto3 JSON), an ad group the campaign does not name, a national
	// phone number and a country by name: read into E.164 and an ISO code.
	g2 := googleLead("lead-2")
	g2["campaign_id"], g2["adgroup_id"] = "1234567", "777"
	g2["user_column_data"] = []map[string]any{{"column_id": "FIRST_NAME", "string_value": "Ola"},
		{"column_id": "EMAIL", "string_value": "ola@example.pl"}, {"column_id": "PHONE_NUMBER", "string_value": "501 234 567"},
		{"column_id": "COUNTRY", "string_value": "Poland"}}
	code, body = post(t, "/v1/namespaces/edge/google-ads", g2, nil)
	if code != 201 {
		t.Fatalf("string ids: %d %v", code, body)
	}
	if l := getLead(t, body["name"].(string)); l.Spec.Source.AdGroup != "777" || l.Spec.Contact.Phone != "+48501234567" ||
		l.Spec.Contact.Country != "PL" || l.Spec.Contact.Name != "Ola" {
		t.Errorf("lead 2 %+v %+v", l.Spec.Source, l.Spec.Contact)
	}

	cases := []struct {
		name   string
		path   string
		change map[string]any
		code   int
		reason string
	}{
		{"wrong key", "/v1/namespaces/edge/google-ads", map[string]any{"google_key": "wrong"}, 403, "WrongGoogleKey"},
		{"no key", "/v1/namespaces/edge/google-ads", map[string]any{"google_key": ""}, 403, "WrongGoogleKey"},
		{"unknown campaign", "/v1/namespaces/edge/google-ads", map[string]any{"campaign_id": 999}, 404, "CampaignNotFound"},
		{"no lead id", "/v1/namespaces/edge/google-ads", map[string]any{"lead_id": ""}, 422, "MissingLeadID"},
		{"bad id", "/v1/namespaces/edge/google-ads", map[string]any{"campaign_id": "12x"}, 400, "InvalidJSON"},
		{"no way to reach", "/v1/namespaces/edge/google-ads", map[string]any{"lead_id": "lead-3",
			"user_column_data": []map[string]any{{"column_id": "FULL_NAME", "string_value": "A"}}}, 422, "Invalid"},
		{"other namespace", "/v1/namespaces/other/google-ads", nil, 403, "NamespaceNotServed"},
	}
	for _, c := range cases {
		g := googleLead("lead-x")
		for k, v := range c.change {
			g[k] = v
		}
		if code, b := post(t, c.path, g, nil); code != c.code || b["reason"] != c.reason {
			t.Errorf("%s: %d %v, want %d %s", c.name, code, b, c.code, c.reason)
		}
	}
	// "Send test data" in Google Ads: 200, nothing created.
	test := googleLead("test-lead-1")
	test["is_test"] = true
	if code, b := post(t, "/v1/namespaces/edge/google-ads", test, nil); code != 200 || b["test"] != true || b["created"] != false {
		t.Errorf("test lead: %d %v", code, b)
	}
	var all v1.LeadList
	if err := env.Client.List(context.Background(), &all, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	for _, l := range all.Items {
		if l.Spec.Source.ExternalID == "test-lead-1" || l.Spec.Source.ExternalID == "lead-x" {
			t.Errorf("lead %s was created from a test or refused delivery", l.Name)
		}
	}
}
