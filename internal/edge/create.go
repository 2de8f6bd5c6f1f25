package edge

import (
	"context"
	"errors"
	"github.com/followup-io/followup-operator/internal/indexes"
	"net/http"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Labels the edge puts on the leads it creates.
const (
	LabelSource = "followup.io/source"
	LabelRegion = "followup.io/region"
)

// intakeResult is the answer to an intake.
type intakeResult struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Created   bool   `json:"created"`
	// Adjusted says when the submission time was not stored as sent.
	Adjusted *adjustment `json:"adjusted,omitempty"`
}

// label sets a label when the value is a valid label value (a region typed into a form
// must not make the lead invalid).
func label(l *v1.Lead, key, value string) {
	if value == "" || len(validation.IsValidLabelValue(value)) > 0 {
		return
	}
	if l.Labels == nil {
		l.Labels = map[string]string{}
	}
	l.Labels[key] = value
}

// createLead creates l, or finds it created already (same source and external id), and
// answers: 201 created, 200 existing, 422 refused by the API server's validation.
func (s *Server) createLead(w http.ResponseWriter, r *http.Request, l *v1.Lead, adj *adjustment) {
	src := l.Labels[LabelSource]
	// The name is deterministic in the source and its lead id, and so a repeat is
	// AlreadyExists; a lead of the same id that got another name (named before names
	// were readable, or from a retry whose company was spelt differently) is found by
	// its external id.
	if have := s.existingLead(r.Context(), l.Namespace, src, l.Spec.Source.ExternalID); have != "" {
		s.Log.Info("lead already recorded", "namespace", l.Namespace, "lead", have, "source", src)
		s.ok(w, r, http.StatusOK, intakeResult{l.Namespace, have, false, nil})
		return
	}
	err := s.Client.Create(r.Context(), l)
	if apierrors.IsAlreadyExists(err) && !s.sameSubmission(r.Context(), l) {
		// Another lead holds this short name: never answer "already recorded" for a lead
		// that was not; the long name is as deterministic for this submission's retries.
		l.Name = longLeadName(l.Spec.Contact, src, l.Spec.Source.ExternalID)
		if err = s.Client.Create(r.Context(), l); apierrors.IsAlreadyExists(err) && !s.sameSubmission(r.Context(), l) {
			s.fail(w, r, http.StatusConflict, "NameTaken", "another lead holds this lead's name; retry with another lead id")
			return
		}
	}
	switch {
	case err == nil:
		s.Log.Info("lead created", "namespace", l.Namespace, "lead", l.Name, "source", src)
		s.ok(w, r, http.StatusCreated, intakeResult{l.Namespace, l.Name, true, adj})
	case apierrors.IsAlreadyExists(err):
		s.Log.Info("lead already recorded", "namespace", l.Namespace, "lead", l.Name, "source", src)
		s.ok(w, r, http.StatusOK, intakeResult{l.Namespace, l.Name, false, nil})
	case apierrors.IsInvalid(err):
		s.fail(w, r, http.StatusUnprocessableEntity, "Invalid", invalidMessage(err))
	case apierrors.IsForbidden(err):
		s.apiError(err, "creating lead", l.Namespace, l.Name)
		s.fail(w, r, http.StatusForbidden, "Forbidden", "the operator may not create leads in this namespace")
	default:
		s.apiError(err, "creating lead", l.Namespace, l.Name)
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "the lead could not be stored; retry")
	}
}

// apiError logs an API server error by its reason only: the message of a status error
// may quote the values it refused (contact data).
func (s *Server) apiError(err error, what, namespace, name string) {
	var se apierrors.APIStatus
	if errors.As(err, &se) {
		s.Log.Info("API server refused", "what", what, "namespace", namespace, "lead", name,
			"reason", se.Status().Reason, "code", se.Status().Code)
		return
	}
	s.Log.Error(err, what, "namespace", namespace, "lead", name)
}

// invalidMessage turns the API server's validation causes (the CEL rules' messages) into
// one line for the caller. The causes' values are left out; the messages say the rule.
func invalidMessage(err error) string {
	var se apierrors.APIStatus
	if !errors.As(err, &se) || se.Status().Details == nil || len(se.Status().Details.Causes) == 0 {
		return "the lead is not valid"
	}
	var parts []string
	for _, c := range se.Status().Details.Causes {
		msg := c.Message
		// Schema errors read `Invalid value: "x": must be ...`; keep the rule, drop the value.
		if i := strings.LastIndex(msg, `": `); strings.HasPrefix(msg, "Invalid value") && i > 0 {
			msg = msg[i+3:]
		}
		parts = append(parts, strings.TrimPrefix(c.Field, "spec.")+": "+msg)
	}
	return strings.Join(parts, "; ")
}

// existingLead is the name of a lead of the namespace with this source and external id,
// as the cache knows it; empty when none (or the cache cannot say: the create decides).
func (s *Server) existingLead(ctx context.Context, ns, source, externalID string) string {
	var leads v1.LeadList
	if err := s.Client.List(ctx, &leads, client.InNamespace(ns), client.MatchingFields{indexes.LeadExternalID: externalID}); err != nil {
		return ""
	}
	for _, l := range leads.Items {
		if l.Labels[LabelSource] == source {
			return l.Name
		}
	}
	return ""
}

// setSubmitted stores the bounded submission time on a new lead, keeping a given time
// that was not taken in an annotation.
func setSubmitted(l *v1.Lead, field string, given *time.Time, now time.Time) *adjustment {
	var adj *adjustment
	l.Spec.Source.SubmittedAt, adj = submittedTime(field, given, now)
	if adj != nil && adj.Given != "" {
		if l.Annotations == nil {
			l.Annotations = map[string]string{}
		}
		l.Annotations[AnnotationSubmittedAtGiven] = adj.Given
	}
	return adj
}

// leadKey is a lead's object key.
func leadKey(ns, name string) client.ObjectKey { return client.ObjectKey{Namespace: ns, Name: name} }

// sameSubmission says whether the lead stored under l's name is this submission (same
// source and external id), read from the API server; an unreadable one counts as the
// same, so an API hiccup answers as before rather than creating a second lead.
func (s *Server) sameSubmission(ctx context.Context, l *v1.Lead) bool {
	var have v1.Lead
	var rd client.Reader = s.Client
	if s.Reader != nil {
		rd = s.Reader
	}
	if err := rd.Get(ctx, client.ObjectKeyFromObject(l), &have); err != nil {
		return true
	}
	return have.Labels[LabelSource] == l.Labels[LabelSource] && have.Spec.Source.ExternalID == l.Spec.Source.ExternalID
}
