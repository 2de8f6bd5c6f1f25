package edge

import (
	"net/http"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
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
	if reason, msg := s.checkForm(r, ns, &f); reason != "" {
		s.fail(w, r, http.StatusUnprocessableEntity, reason, msg)
		return
	}
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: leadName(f.Source, f.ExternalID)},
		Spec: v1.LeadSpec{Contact: f.Contact, Tier: f.Tier, Product: f.Product, Value: f.Value, Policy: f.Policy,
			Owner: f.Owner, Source: v1.LeadSource{Campaign: f.Campaign, AdGroup: f.AdGroup, Keyword: f.Keyword,
				Region: f.Region, Form: f.Form, ExternalID: f.ExternalID}}}
	label(l, LabelSource, f.Source)
	label(l, LabelRegion, f.Region)
	adj := setSubmitted(l, "submittedAt", f.SubmittedAt, s.Clock.Now())
	s.createLead(w, r, l, adj)
}

// checkForm refuses, before anything is written, what the edge can tell is wrong; the
// API server's CEL rules check the rest (422 Invalid).
func (s *Server) checkForm(r *http.Request, ns string, f *intakeForm) (reason, msg string) {
	if f.Source == "" {
		f.Source = defaultSource
	}
	f.Contact.Email = strings.TrimSpace(f.Contact.Email)
	c := f.Contact
	switch {
	case f.ExternalID == "" || len(f.ExternalID) > 200:
		return "MissingExternalID", "externalId is required (at most 200 characters): it makes intake idempotent"
	case !sourceName.MatchString(f.Source):
		return "InvalidSource", "source must be a lowercase name of at most 32 characters such as website or hubspot"
	case f.Campaign == "" && f.Policy == "":
		return "MissingCampaign", "name a campaign (whose policy the lead follows) or a policy"
	case c.Email == "" && c.Phone == "" && c.WhatsApp == "" && c.LinkedIn == "":
		return "NoContact", "contact needs at least one of email, phone, whatsapp or linkedin"
	}
	if f.Campaign != "" {
		if err := s.Client.Get(r.Context(), leadKey(ns, f.Campaign), &v1.Campaign{}); apierrors.IsNotFound(err) {
			return "CampaignNotFound", "no Campaign " + f.Campaign + " in namespace " + ns
		}
	}
	if f.Policy != "" {
		if err := s.Client.Get(r.Context(), leadKey(ns, f.Policy), &v1.FollowUpPolicy{}); apierrors.IsNotFound(err) {
			return "PolicyNotFound", "no FollowUpPolicy " + f.Policy + " in namespace " + ns
		}
	}
	return "", ""
}
