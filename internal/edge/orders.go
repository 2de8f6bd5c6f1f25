package edge

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/indexes"
	"github.com/followup-io/followup-operator/internal/leadrecord"
	"github.com/followup-io/followup-operator/internal/orders"
)

const orderEndpoint = "orders"

// orderEvent records a shop's or ERP's order event (internal/orders, docs/inbound.md) on
// the lead it names. The body's signature is checked before it is parsed.
func (s *Server) orderEvent(w http.ResponseWriter, r *http.Request) {
	ns, ok := s.namespace(w, r)
	if !ok {
		return
	}
	raw, ok := s.readBody(w, r)
	if !ok {
		return
	}
	own, err := s.tenant(r.Context(), ns)
	if err != nil {
		s.apiError(err, "reading the namespace's edge Secret", ns, "")
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "credentials could not be read; retry")
		return
	}
	secrets := append(slices.Clone(s.config().OrderSecrets), own.orderSecrets...)
	if len(secrets) == 0 {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured",
			"no order-webhook-secret is configured (edge secrets file, or the namespace's Secret "+TenantSecret+"); the endpoint is closed")
		return
	}
	switch err := orders.Verify(secrets, raw, r.Header.Get(orders.SignatureHeader)); {
	case errors.Is(err, orders.ErrNoSignature):
		s.fail(w, r, http.StatusUnauthorized, "MissingSignature", "send "+orders.SignatureHeader+": sha256=<hex HMAC-SHA256 of the body>")
		return
	case err != nil:
		s.fail(w, r, http.StatusForbidden, "BadSignature", err.Error())
		return
	}
	e, in, err := orders.Parse(raw)
	var p *orders.Problem
	if errors.As(err, &p) {
		code := http.StatusUnprocessableEntity
		if p.Reason == "InvalidJSON" {
			code = http.StatusBadRequest
		}
		s.fail(w, r, code, p.Reason, p.Message)
		return
	}
	var leads []v1.Lead
	if e.Lead.Name != "" {
		if !validName(e.Lead.Name) {
			s.fail(w, r, http.StatusNotFound, "LeadNotFound", "no such lead in namespace "+ns)
			return
		}
		l, err := s.lead(r.Context(), ns, e.Lead.Name)
		switch {
		case apierrors.IsNotFound(err):
			s.fail(w, r, http.StatusNotFound, "LeadNotFound", "no such lead in namespace "+ns)
			return
		case err != nil:
			s.apiError(err, "reading lead", ns, e.Lead.Name)
			s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "the lead could not be read; retry")
			return
		}
		leads = []v1.Lead{*l}
	} else {
		match := client.MatchingFields{indexes.LeadExternalID: e.Lead.ExternalID}
		if e.Lead.Email != "" {
			match = client.MatchingFields{indexes.LeadContactKey: indexes.EmailKey(e.Lead.Email)}
		}
		var list v1.LeadList
		if err := s.Client.List(r.Context(), &list, client.InNamespace(ns), match); err != nil {
			s.Log.Error(err, "listing leads", "namespace", ns)
			s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "leads could not be read; retry")
			return
		}
		slices.SortFunc(list.Items, func(a, b v1.Lead) int { return strings.Compare(a.Name, b.Name) })
		leads = list.Items
		if len(leads) > maxLookupLeads {
			leads = leads[:maxLookupLeads]
		}
	}
	if len(leads) == 0 {
		s.fail(w, r, http.StatusNotFound, "LeadNotFound", "no lead in namespace "+ns+" matches lead")
		return
	}
	code, results := http.StatusOK, []leadResult{}
	for i := range leads {
		l := &leads[i]
		entry := in
		var adj *adjustment
		entry.At, adj = eventTime("at", e.At, l, s.Clock.Now())
		res := s.record(r.Context(), orderEndpoint, l, entry)
		switch res {
		case outcomeError:
			s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "the event could not be stored; retry")
			return
		case outcomeInvalid:
			s.fail(w, r, http.StatusUnprocessableEntity, "Invalid", "the event is not valid for the Lead API")
			return
		case string(leadrecord.Added):
			code = http.StatusCreated
		}
		results = append(results, leadResult{Lead: l.Name, Result: res, Adjusted: adj})
	}
	s.ok(w, r, code, map[string]any{"results": results})
}
