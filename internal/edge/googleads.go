package edge

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// googleLead is the Google Ads lead form webhook payload.
type googleLead struct {
	LeadID         string         `json:"lead_id"`
	APIVersion     string         `json:"api_version"`
	FormID         int64          `json:"form_id"`
	CampaignID     int64          `json:"campaign_id"`
	GclID          string         `json:"gcl_id"`
	AdGroupID      int64          `json:"adgroup_id"`
	CreativeID     int64          `json:"creative_id"`
	GoogleKey      string         `json:"google_key"`
	IsTest         bool           `json:"is_test"`
	UserColumnData []googleColumn `json:"user_column_data"`
	SubmitTime     string         `json:"lead_submit_time"`
}

type googleColumn struct {
	ColumnID    string `json:"column_id"`
	StringValue string `json:"string_value"`
	ColumnName  string `json:"column_name"`
}

var e164 = regexp.MustCompile(`^[+][1-9][0-9]{6,14}$`)

// googleAds creates a Lead from a Google Ads lead form submission.
func (s *Server) googleAds(w http.ResponseWriter, r *http.Request) {
	ns, ok := s.namespace(w, r)
	if !ok {
		return
	}
	if len(s.Config.GoogleKeys) == 0 {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured", "no Google Ads key is configured")
		return
	}
	var g googleLead
	if _, ok := s.body(w, r, &g); !ok {
		return
	}
	if !oneOf(g.GoogleKey, s.Config.GoogleKeys) {
		s.fail(w, r, http.StatusForbidden, "WrongGoogleKey", "google_key does not match the configured key")
		return
	}
	if g.IsTest {
		writeJSON(w, http.StatusOK, map[string]any{"test": true, "created": false})
		return
	}
	if g.LeadID == "" || len(g.LeadID) > 200 {
		s.fail(w, r, http.StatusUnprocessableEntity, "MissingLeadID", "lead_id is required")
		return
	}
	var camps v1.CampaignList
	if err := s.Client.List(r.Context(), &camps, client.InNamespace(ns),
		client.MatchingFields{IndexCampaignID: "GoogleAds/" + itoa(g.CampaignID)}); err != nil || len(camps.Items) == 0 {
		s.fail(w, r, http.StatusNotFound, "CampaignNotFound", "no GoogleAds Campaign with campaignId "+itoa(g.CampaignID)+" in namespace "+ns)
		return
	}
	c := camps.Items[0]
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: leadName("gads", g.LeadID),
		Labels: map[string]string{LabelSource: "google-ads"}}, Spec: v1.LeadSpec{
		Contact: googleContact(g.UserColumnData),
		Source: v1.LeadSource{Campaign: c.Name, AdGroup: adGroupName(c, g.AdGroupID), Region: c.Spec.Region,
			Form: "google-ads-" + itoa(g.FormID), ExternalID: g.LeadID}}}
	if c.Spec.Region != "" {
		l.Labels[LabelRegion] = c.Spec.Region
	}
	at := s.Clock.Now()
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05-07:00", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, g.SubmitTime); err == nil && !t.After(at) {
			at = t
			break
		}
	}
	t := metav1.NewTime(at.UTC().Truncate(time.Second))
	l.Spec.Source.SubmittedAt = &t
	s.createLead(w, r, l)
}

// googleContact maps the form's columns onto the lead's contact, dropping values the
// CRD would refuse (a phone not in E.164, a country that is not a 2-letter code).
func googleContact(cols []googleColumn) v1.Contact {
	var c v1.Contact
	var first, last string
	for _, col := range cols {
		v := strings.TrimSpace(col.StringValue)
		switch col.ColumnID {
		case "FULL_NAME":
			c.Name = v
		case "FIRST_NAME":
			first = v
		case "LAST_NAME":
			last = v
		case "EMAIL", "WORK_EMAIL":
			c.Email = v
		case "PHONE_NUMBER", "WORK_PHONE":
			if p := strings.ReplaceAll(strings.ReplaceAll(v, " ", ""), "-", ""); e164.MatchString(p) {
				c.Phone = p
			}
		case "COMPANY_NAME":
			c.Company = v
		case "COUNTRY":
			if u := strings.ToUpper(v); len(u) == 2 {
				c.Country = u
			}
		}
	}
	if c.Name == "" {
		c.Name = strings.TrimSpace(first + " " + last)
	}
	return c
}

// adGroupName is the campaign's ad group with that id when the campaign lists it as
// "name" or "id:name"; else the id.
func adGroupName(c v1.Campaign, id int64) string {
	s := itoa(id)
	if id == 0 {
		return ""
	}
	if slices.Contains(c.Spec.Source.AdGroups, s) {
		return s
	}
	for _, g := range c.Spec.Source.AdGroups {
		if name, ok := strings.CutPrefix(g, s+":"); ok {
			return name
		}
	}
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
