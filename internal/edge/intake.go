package edge

import (
	"net/http"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/contactnorm"
)

// intakeForm is the generic JSON lead form (docs/inbound.md).
type intakeForm struct {
	ExternalID  string     `json:"externalId"`
	Source      string     `json:"source"`
	Campaign    string     `json:"campaign"`
	Policy      string     `json:"policy"`
	AdGroup     string     `json:"adGroup"`
	Keyword     string     `json:"keyword"`
	Region      string     `json:"region"`
	Form        string     `json:"form"`
	SubmittedAt *time.Time `json:"submittedAt"`
	Contact     v1.Contact `json:"contact"`
	Tier        string     `json:"tier"`
	Product     string     `json:"product"`
	Value       *v1.Money  `json:"value"`
	Owner       string     `json:"owner"`
	// Click ids a landing page passes on from the ad's URL, for the offline-conversion
	// upload when the lead is won.
	GCLID  string `json:"gclid"`
	GBRAID string `json:"gbraid"`
	WBRAID string `json:"wbraid"`
	// Answers to the form's other questions.
	Answers []v1.FormAnswer `json:"answers"`
}

// defaultSource names leads from the generic form when the payload names none.
const defaultSource = "form"

// intake creates a Lead from the generic form, once per source and external id.
func (s *Server) intake(w http.ResponseWriter, r *http.Request) {
	if !s.bearer(w, r) {
		return
	}
	ns, ok := s.namespace(w, r)
	if !ok {
		return
	}
	var f intakeForm
	if !s.readJSON(w, r, &f, true) {
		return
	}
	campaign, reason, msg := s.checkForm(r, ns, &f)
	if reason != "" {
		s.fail(w, r, http.StatusUnprocessableEntity, reason, msg)
		return
	}
	region := leadRegion(campaign, f.Region)
	var intake v1.CampaignIntake
	if campaign != nil && campaign.Spec.Intake != nil {
		intake = *campaign.Spec.Intake
	}
	if f.Product == "" {
		f.Product = intake.Product
	}
	answers := f.Answers
	if raw := f.Contact.Country; raw != "" && !country.MatchString(raw) {
		// "Poland" is PL; what is no country is kept as an answer, not refused.
		if f.Contact.Country = contactnorm.Country(raw); f.Contact.Country == "" {
			answers = addAnswer(answers, "country", raw)
		}
	}
	readPhones(&f.Contact, intake.Country)
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: leadName(f.Contact, f.Source, f.ExternalID)},
		Spec: v1.LeadSpec{Contact: f.Contact, Tier: f.Tier, Product: f.Product, Value: f.Value, Policy: f.Policy,
			Owner: f.Owner, Source: v1.LeadSource{Campaign: f.Campaign, AdGroup: f.AdGroup, Keyword: f.Keyword,
				Region: region, Form: f.Form, ExternalID: f.ExternalID, Answers: answers}}}
	if f.GCLID != "" || f.GBRAID != "" || f.WBRAID != "" {
		l.Spec.Source.ClickIDs = &v1.ClickIDs{GCLID: f.GCLID, GBRAID: f.GBRAID, WBRAID: f.WBRAID}
	}
	label(l, LabelSource, f.Source)
	label(l, LabelRegion, region)
	adj := setSubmitted(l, "submittedAt", f.SubmittedAt, s.Clock.Now())
	s.createLead(w, r, l, adj)
}

// checkForm refuses, before anything is written, what the edge can tell is wrong; the
// API server's CEL rules check the rest (422 Invalid). It returns the form's campaign
// when it names one and the cache has it.
func (s *Server) checkForm(r *http.Request, ns string, f *intakeForm) (campaign *v1.Campaign, reason, msg string) {
	if f.Source == "" {
		f.Source = defaultSource
	}
	f.Contact.Email = strings.TrimSpace(f.Contact.Email)
	c := f.Contact
	switch {
	case f.ExternalID == "" || len(f.ExternalID) > 200:
		return nil, "MissingExternalID", "externalId is required (at most 200 characters): it makes intake idempotent"
	case !sourceName.MatchString(f.Source):
		return nil, "InvalidSource", "source must be a lowercase name of at most 32 characters such as website or hubspot"
	case f.Campaign == "" && f.Policy == "":
		return nil, "MissingCampaign", "name a campaign (whose policy the lead follows) or a policy"
	case c.Email == "" && c.Phone == "" && c.WhatsApp == "" && c.LinkedIn == "":
		return nil, "NoContact", "contact needs at least one of email, phone, whatsapp or linkedin"
	}
	if f.Campaign != "" {
		var c v1.Campaign
		switch err := s.Client.Get(r.Context(), leadKey(ns, f.Campaign), &c); {
		case apierrors.IsNotFound(err):
			return nil, "CampaignNotFound", "no Campaign " + f.Campaign + " in namespace " + ns
		case err == nil:
			campaign = &c
		}
	}
	if f.Policy != "" {
		if err := s.Client.Get(r.Context(), leadKey(ns, f.Policy), &v1.FollowUpPolicy{}); apierrors.IsNotFound(err) {
			return nil, "PolicyNotFound", "no FollowUpPolicy " + f.Policy + " in namespace " + ns
		}
	}
	return campaign, "", ""
}
