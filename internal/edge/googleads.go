package edge

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/followup-io/followup-operator/internal/indexes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// googleLead is the Google Ads lead form webhook payload (developers.google.com/
// google-ads/webhook/docs/implementation). Unknown fields are ignored: Google adds some.
type googleLead struct {
	LeadID         string         `json:"lead_id"`
	APIVersion     string         `json:"api_version"`
	FormID         googleID       `json:"form_id"`
	CampaignID     googleID       `json:"campaign_id"`
	GclID          string         `json:"gcl_id"`
	AdGroupID      googleID       `json:"adgroup_id"`
	CreativeID     googleID       `json:"creative_id"`
	GoogleKey      string         `json:"google_key"`
	IsTest         bool           `json:"is_test"`
	UserColumnData []googleColumn `json:"user_column_data"`
	SubmitTime     string         `json:"lead_submit_time"`
	// Keyword is not in Google's schema today; taken when a relay adds it.
	Keyword string `json:"keyword"`
}

type googleColumn struct {
	ColumnID    string `json:"column_id"`
	StringValue string `json:"string_value"`
	ColumnName  string `json:"column_name"`
}

// googleID is an int64 id sent as a JSON number (Google's examples) or a string (the
// proto3 JSON mapping of int64); both read as the decimal string.
type googleID string

// UnmarshalJSON accepts 123 and "123".
func (g *googleID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || n < 0 {
		return errors.New("an id must be a non-negative integer")
	}
	*g = googleID(strconv.FormatInt(n, 10))
	return nil
}

// googleSource names the leads of this endpoint (label, object name prefix).
const googleSource = "google-ads"

// googleAdsPlatform is the Campaign platform whose campaignId the payload's campaign_id is.
const googleAdsPlatform v1.AdPlatform = "GoogleAds"

// googleAds creates a Lead from a Google Ads lead form submission, once per lead_id.
func (s *Server) googleAds(w http.ResponseWriter, r *http.Request) {
	ns, ok := s.namespace(w, r)
	if !ok {
		return
	}
	var g googleLead
	if !s.readJSON(w, r, &g, false) {
		return
	}
	if !s.googleKey(w, r, ns, g.GoogleKey) {
		return
	}
	if g.IsTest {
		// "Send test data" in Google Ads: the key and the route work; nothing is created.
		s.Log.Info("google ads test lead accepted", "namespace", ns)
		s.ok(w, r, http.StatusOK, map[string]any{"test": true, "created": false})
		return
	}
	if g.LeadID == "" || len(g.LeadID) > 200 {
		s.fail(w, r, http.StatusUnprocessableEntity, "MissingLeadID", "lead_id is required (at most 200 characters)")
		return
	}
	var camps v1.CampaignList
	if err := s.Client.List(r.Context(), &camps, client.InNamespace(ns),
		client.MatchingFields{indexes.CampaignSource: indexes.CampaignKey(string(googleAdsPlatform), string(g.CampaignID))}); err != nil {
		s.Log.Error(err, "listing campaigns", "namespace", ns)
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "campaigns could not be read; retry")
		return
	}
	if len(camps.Items) == 0 {
		s.fail(w, r, http.StatusNotFound, "CampaignNotFound",
			"no Campaign with spec.source.platform GoogleAds and campaignId "+string(g.CampaignID)+" in namespace "+ns)
		return
	}
	// Two Campaigns claiming one Google campaign: the first by name, so the choice is stable.
	slices.SortFunc(camps.Items, func(a, b v1.Campaign) int { return strings.Compare(a.Name, b.Name) })
	c := camps.Items[0]
	f := readGoogleForm(g.UserColumnData, c.Spec.Intake)
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: leadName(f.contact, googleSource, g.LeadID)},
		Spec: v1.LeadSpec{Contact: f.contact, Product: f.product,
			Source: v1.LeadSource{Campaign: c.Name, AdGroup: adGroupName(c, string(g.AdGroupID)), Region: leadRegion(&c, ""),
				Keyword: clip(g.Keyword, 200), Form: clip("google-ads-form-"+string(g.FormID), 200), ExternalID: g.LeadID,
				CreativeID: nonZero(string(g.CreativeID)), Answers: f.answers}}}
	if g.GclID != "" {
		l.Spec.Source.ClickIDs = &v1.ClickIDs{GCLID: clip(g.GclID, 512)}
	}
	label(l, LabelSource, googleSource)
	label(l, LabelRegion, l.Spec.Source.Region)
	var at *time.Time
	if t, err := time.Parse(time.RFC3339, g.SubmitTime); err == nil {
		at = &t
	}
	adj := setSubmitted(l, "lead_submit_time", at, s.Clock.Now())
	s.createLead(w, r, l, adj)
}

// googleKey checks the form's google_key: one of the platform's (file google-key) or
// the namespace's own (its TenantSecret). It answers (503, 403) and returns false when
// the lead may not pass.
func (s *Server) googleKey(w http.ResponseWriter, r *http.Request, ns, key string) bool {
	platform := s.config().GoogleKeys
	if oneOf(key, platform) {
		return true
	}
	own, err := s.tenant(r.Context(), ns)
	if err != nil {
		s.apiError(err, "reading the namespace's edge Secret", ns, "")
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "credentials could not be read; retry")
		return false
	}
	if len(platform) == 0 && len(own.googleKeys) == 0 {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured",
			"no Google Ads key is configured (file google-key, or the namespace's Secret "+TenantSecret+"); the endpoint is closed")
		return false
	}
	if !oneOf(key, own.googleKeys) {
		s.fail(w, r, http.StatusForbidden, "WrongGoogleKey", "google_key does not match the configured key")
		return false
	}
	return true
}

// nonZero drops Google's 0 for "no id".
func nonZero(id string) string {
	if id == "0" {
		return ""
	}
	return id
}

// adGroupName is the campaign's name for the ad group: an entry "<id>:<name>" in
// spec.source.adGroups names it; else the id.
func adGroupName(c v1.Campaign, id string) string {
	if id == "" || id == "0" {
		return ""
	}
	for _, g := range c.Spec.Source.AdGroups {
		if name, ok := strings.CutPrefix(g, id+":"); ok && name != "" {
			return clip(name, 100)
		}
	}
	return id
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
