package edge_test

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// googleCampaign makes a Google Ads Campaign in namespace edge and waits for the cache.
func googleCampaign(t *testing.T, name, campaignID string, intake *v1.CampaignIntake) {
	t.Helper()
	up(t)
	c := &v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1.CampaignSpec{
		Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: campaignID}, Region: "eu", Policy: "p", Intake: intake}}
	if err := env.Client.Create(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	waitCached(t, c)
}

// TestGoogleAdsKeepsWhatTheFormSaid: a lead form with custom and qualifying questions,
// a click id, a creative and a country by name (Google's documented payload shape). The
// product comes from the question the campaign maps, the click id and creative are kept
// for the offline-conversion upload, the country becomes its code, the national phone
// number is read in it, and every other answer is kept on the lead.
func TestGoogleAdsKeepsWhatTheFormSaid(t *testing.T) {
	googleCampaign(t, "laser-pl", "21000000777", &v1.CampaignIntake{
		ProductQuestions: []string{"What machine are you looking for?"}, Product: "CNC machines"})
	payload := `{"lead_id":"TeSter-custom-questions-1","api_version":"1.0","form_id":40000000000,"campaign_id":21000000777,
	  "google_key":"` + googleKey + `","is_test":false,"gcl_id":"EAIaIQobChMIq9y8rL3-_wIVDI9oCR0NLwZtEAAYASAAEgJ2zfD_BwE",
	  "adgroup_id":20000000000,"creative_id":30000000000,"asset_group_id":0,"lead_stage":"","lead_submit_time":"2026-11-16T08:57:00Z",
	  "user_column_data":[
	    {"column_name":"Full Name","string_value":"Piotr Zieliński","column_id":"FULL_NAME"},
	    {"column_name":"User Phone","string_value":"501 234 569","column_id":"PHONE_NUMBER"},
	    {"column_name":"Company Name","string_value":"Zieliński Metal","column_id":"COMPANY_NAME"},
	    {"column_name":"Country","string_value":"Polska","column_id":"COUNTRY"},
	    {"column_name":"Postal Code","string_value":"00-950","column_id":"POSTAL_CODE"},
	    {"column_name":"What machine are you looking for?","string_value":"Fiber laser 3 kW","column_id":"CUSTOM_QUESTION_1"},
	    {"column_name":"What is your budget?","string_value":"20,000 - 50,000 EUR","column_id":"WHAT_IS_YOUR_BUDGET"}]}`
	code, body := post(t, "/v1/namespaces/edge/google-ads", payload, nil)
	if code != 201 {
		t.Fatalf("%d %v", code, body)
	}
	l := getLead(t, body["name"].(string))
	src, c := l.Spec.Source, l.Spec.Contact
	if l.Spec.Product != "Fiber laser 3 kW" {
		t.Errorf("product %q", l.Spec.Product)
	}
	if src.ClickIDs == nil || src.ClickIDs.GCLID != "EAIaIQobChMIq9y8rL3-_wIVDI9oCR0NLwZtEAAYASAAEgJ2zfD_BwE" || src.CreativeID != "30000000000" {
		t.Errorf("click ids %+v creative %q", src.ClickIDs, src.CreativeID)
	}
	if c.Country != "PL" || c.Phone != "+48501234569" || c.PhoneAsGiven != "" || c.Company != "Zieliński Metal" {
		t.Errorf("contact %+v", c)
	}
	want := map[string]string{"Postal Code": "00-950", "What machine are you looking for?": "Fiber laser 3 kW",
		"What is your budget?": "20,000 - 50,000 EUR"}
	for _, a := range src.Answers {
		if want[a.Question] == a.Answer {
			delete(want, a.Question)
		}
	}
	if len(want) > 0 || len(src.Answers) != 3 {
		t.Errorf("answers %+v, missing %v", src.Answers, want)
	}

	// A form that asks no product: the campaign's product, so no message says "About ".
	noProduct := `{"lead_id":"TeSter-no-product","campaign_id":"21000000777","google_key":"` + googleKey + `",
	  "user_column_data":[{"column_name":"User Email","string_value":"kontakt@example.pl","column_id":"EMAIL"}]}`
	if code, body := post(t, "/v1/namespaces/edge/google-ads", noProduct, nil); code != 201 {
		t.Fatalf("no product: %d %v", code, body)
	} else if l := getLead(t, body["name"].(string)); l.Spec.Product != "CNC machines" {
		t.Errorf("default product %q", l.Spec.Product)
	}
}

// TestGooglePhoneOnlyLeadInNationalFormatIsKept: a paid lead whose only contact is a
// phone number typed without country code. With a country (the form's or the
// campaign's) it is read into E.164; without one it is kept as typed (phoneAsGiven), so
// a rep can call: the lead is never refused.
func TestGooglePhoneOnlyLeadInNationalFormatIsKept(t *testing.T) {
	googleCampaign(t, "phones-de", "21000000888", &v1.CampaignIntake{Country: "DE"})
	googleCampaign(t, "phones-any", "21000000999", nil)
	lead := func(id, campaignID, phone string) (int, map[string]any) {
		return post(t, "/v1/namespaces/edge/google-ads", map[string]any{"lead_id": id, "campaign_id": campaignID, "google_key": googleKey,
			"user_column_data": []map[string]any{{"column_name": "User Phone", "string_value": phone, "column_id": "PHONE_NUMBER"}}}, nil)
	}
	code, b := lead("national-de", "21000000888", "0151 23456789")
	if code != 201 {
		t.Fatalf("campaign country: %d %v", code, b)
	}
	if c := getLead(t, b["name"].(string)).Spec.Contact; c.Phone != "+4915123456789" || c.PhoneAsGiven != "" {
		t.Errorf("read in the campaign's country: %+v", c)
	}
	code, b = lead("national-unknown", "21000000999", "0501 234 567")
	if code != 201 {
		t.Fatalf("no country: %d %v (a paid lead must not be refused)", code, b)
	}
	l := getLead(t, b["name"].(string))
	if c := l.Spec.Contact; c.Phone != "" || c.PhoneAsGiven != "0501 234 567" {
		t.Errorf("kept as typed: %+v", c)
	}
	if len(l.Spec.Source.Answers) != 1 || l.Spec.Source.Answers[0].Answer != "0501 234 567" {
		t.Errorf("answers %+v", l.Spec.Source.Answers)
	}
}

// TestGoogleDocumentedSamples: Google's published sample deliveries (production and
// test, "Google_key" spelt as in the test sample) are taken as documented.
func TestGoogleDocumentedSamples(t *testing.T) {
	googleCampaign(t, "sample-campaign", "123456", nil)
	production := `{"lead_id":"Cj0KCQjwit_8BRCoARIsAIx3Rj7g-AeL6z35IWb6VYiZUygtTfwD3hDlgSGmY-XTTlK3lfV1wcuIwIAaAmMxEALw_wcB",
	  "campaign_id":123456,"gcl_id":"Cj0KCQjwit_8BRCoARIsAIx3Rj7g-AeL6z35IWb6VYiZUygtTfwD3hDlgSGmY-XTTlK3lfV1wcuIwIAaAmMxEALw_wcB",
	  "user_column_data":[{"column_name":"Full Name","string_value":"John Doe","column_id":"FULL_NAME"},
	    {"column_name":"User Phone","string_value":"+11234567890","column_id":"PHONE_NUMBER"}],
	  "api_version":"1.0","form_id":1234,"google_key":"` + googleKey + `"}`
	code, b := post(t, "/v1/namespaces/edge/google-ads", production, nil)
	if code != 201 {
		t.Fatalf("production sample: %d %v", code, b)
	}
	if l := getLead(t, b["name"].(string)); l.Spec.Contact.Phone != "+11234567890" || l.Spec.Source.ClickIDs == nil {
		t.Errorf("%+v %+v", l.Spec.Contact, l.Spec.Source)
	}
	test := `{"lead_id":"Cj0KCQjwit_8BRCoARIsAIx3Rj7g-test","campaign_id":123456,"gcl_id":"x",
	  "user_column_data":[{"column_name":"Full Name","string_value":"John Doe","column_id":"FULL_NAME"},
	    {"column_name":"User Email","string_value":"test@example.com","column_id":"EMAIL"},
	    {"column_name":"Postal Code","string_value":"94043","column_id":"POSTAL_CODE"}],
	  "api_version":"1.0","form_id":1234,"Google_key":"` + googleKey + `","is_test":true}`
	if code, b := post(t, "/v1/namespaces/edge/google-ads", test, nil); code != 200 || b["test"] != true {
		t.Errorf("test sample: %d %v", code, b)
	}
}
