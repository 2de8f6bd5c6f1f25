package edge

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Metrics on the manager's /metrics. Labels are endpoints, status codes, event kinds and
// outcomes only: never a number, an address or a lead's contact.
var (
	requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "followup_edge_requests_total",
		Help: "Requests answered by the inbound edge, by endpoint and HTTP status code.",
	}, []string{"endpoint", "code"})
	events = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "followup_edge_events_total",
		Help: "Events the inbound edge handled, by endpoint, interaction kind and outcome (added, duplicate, skipped, full, unmatched, ignored, error).",
	}, []string{"endpoint", "kind", "outcome"})
)

func init() { metrics.Registry.MustRegister(requests, events) }

// endpointOf names the endpoint of a request for metrics.
func endpointOf(r *http.Request) string {
	switch p := r.Pattern; {
	case strings.HasSuffix(p, "/leads"):
		return "intake"
	case strings.HasSuffix(p, "/google-ads"):
		return "google-ads"
	case strings.HasSuffix(p, "/interactions"):
		return "interactions"
	case strings.HasSuffix(p, "/whatsapp"):
		return "whatsapp"
	case strings.HasSuffix(p, "/orders"):
		return orderEndpoint
	case p == "/act":
		return actionEndpoint
	case strings.HasPrefix(p, "/reps/"):
		return "rep-page"
	}
	return "other"
}
