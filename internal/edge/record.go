package edge

import (
	"context"
	"errors"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/leadrecord"
)

// Outcomes of recording one event, beside leadrecord's added and duplicate.
const (
	outcomeUnmatched = "unmatched" // no lead to record it on
	outcomeIgnored   = "ignored"   // an event kind the edge does not record
	outcomeInvalid   = "invalid"   // the API server refused the Interaction
	outcomeError     = "error"     // the API server failed; the sender should retry
)

// record stores one event on lead l as an Interaction object (internal/leadrecord) and
// says what happened. It never reads or writes the lead itself, so events for one lead
// do not wait for each other.
func (s *Server) record(ctx context.Context, endpoint string, l *v1.Lead, in v1.InteractionEntry) string {
	out, err := leadrecord.CreateInteraction(ctx, s.Client, l, in)
	result := string(out)
	switch {
	case err == nil:
	case apierrors.IsInvalid(err) || errors.Is(err, leadrecord.ErrNoID):
		s.apiError(err, "recording "+string(in.Kind), l.Namespace, l.Name)
		result = outcomeInvalid
	default:
		s.apiError(err, "recording "+string(in.Kind), l.Namespace, l.Name)
		result = outcomeError
	}
	s.count(endpoint, in.Kind, result)
	s.Log.Info("event recorded", "endpoint", endpoint, "namespace", l.Namespace, "lead", l.Name,
		"kind", in.Kind, "outcome", result)
	return result
}

func (s *Server) count(endpoint string, kind v1.InteractionKind, outcome string) {
	events.WithLabelValues(endpoint, string(kind), outcome).Inc()
}

// lead reads a lead through the cache, and from the API server when the cache has not
// seen it yet (a lead created a moment ago by intake). Only its name, UID and recorded
// ids are used: nothing is written back, so a stale copy is harmless.
func (s *Server) lead(ctx context.Context, ns, name string) (*v1.Lead, error) {
	var l v1.Lead
	err := s.Client.Get(ctx, leadKey(ns, name), &l)
	if apierrors.IsNotFound(err) && s.Reader != nil {
		err = s.Reader.Get(ctx, leadKey(ns, name), &l)
	}
	return &l, err
}
