package controllers_test

import (
	"testing"

	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/followup-io/followup-operator/internal/metrics"
)

// sumFor adds up a metric's samples (counter values, histogram counts) in a namespace.
func sumFor(t *testing.T, name, ns string) float64 {
	t.Helper()
	return sumWith(t, name, map[string]string{"namespace": ns})
}

// sumWith adds up a metric's samples (counter values, histogram counts) over the series
// that carry every label given.
func sumWith(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			matched := 0
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; ok && v == lp.GetValue() {
					matched++
				}
			}
			if matched == len(labels) {
				total += m.GetCounter().GetValue() + float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return total
}

// TestLeadWritesFeedTheMetrics: a first touch counts a touch, a first contact and an SLA
// outcome for the lead's namespace, once, even when reconciled again.
func TestLeadWritesFeedTheMetrics(t *testing.T) {
	start := mustTime("2026-11-16T09:00:00Z")
	h := newHarness(t, start)
	h.fixtures()
	l := h.lead("metered", "high", start)
	h.poke(l)
	h.poke(l)
	if got := sumFor(t, metrics.NameTouches, h.ns); got != 1 {
		t.Errorf("%s = %v, want 1", metrics.NameTouches, got)
	}
	if got := sumFor(t, metrics.NameFirstResponse, h.ns); got != 1 {
		t.Errorf("%s samples = %v, want 1", metrics.NameFirstResponse, got)
	}
	if got := sumFor(t, metrics.NameSLA, h.ns); got != 1 {
		t.Errorf("%s = %v, want 1", metrics.NameSLA, got)
	}
}
