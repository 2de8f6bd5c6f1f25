package edge

import (
	"net/http"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// intakeForm is the generic JSON lead form.
type intakeForm struct {
	ExternalID  string     `json:"externalId"`
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
}

// intake creates a Lead from the generic form, once per external id.
func (s *Server) intake(w http.ResponseWriter, r *http.Request) {
	if !s.bearer(w, r) {
		return
	}
	ns, ok := s.namespace(w, r)
	if !ok {
		return
	}
	var f intakeForm
	if _, ok := s.body(w, r, &f); !ok {
		return
	}
	if f.ExternalID == "" || len(f.ExternalID) > 200 {
		s.fail(w, r, http.StatusUnprocessableEntity, "MissingExternalID", "externalId is required (at most 200 characters): it makes intake idempotent")
		return
	}
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: leadName("form", f.ExternalID),
		Labels: map[string]string{LabelSource: "form"}}, Spec: v1.LeadSpec{
		Contact: f.Contact, Tier: f.Tier, Product: f.Product, Value: f.Value, Policy: f.Policy,
		Source: v1.LeadSource{Campaign: f.Campaign, AdGroup: f.AdGroup, Keyword: f.Keyword, Region: f.Region,
			Form: f.Form, ExternalID: f.ExternalID}}}
	if f.Region != "" {
		l.Labels[LabelRegion] = f.Region
	}
	at := s.Clock.Now()
	if f.SubmittedAt != nil && !f.SubmittedAt.After(at) {
		at = *f.SubmittedAt
	}
	t := metav1.NewTime(at.UTC().Truncate(time.Second))
	l.Spec.Source.SubmittedAt = &t
	s.createLead(w, r, l)
}
