// Package metrics defines the operator's Prometheus metrics on controller-runtime's
// registry (served on the manager's metrics endpoint). Labels are bounded names only:
// namespace, campaign, policy, channel, region, tier, result/state/quality. Never a lead
// name or anything personal, so series stay few and scrapes carry no PII. A lead's
// campaign, policy, tier and region labels come from LabelsFor: only values ops
// declared in a Campaign or FollowUpPolicy, anything else is "other".
package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Metric names, shared with the dashboard test.
const (
	NameLeadsByState    = "followup_campaign_leads"
	NameFirstResponse   = "followup_first_response_seconds"
	NameSLA             = "followup_sla_total"
	NameTouches         = "followup_touches_total"
	NameDispatchLatency = "followup_dispatch_duration_seconds"
	NameDispatchErrors  = "followup_dispatch_errors_total"
	NameReplies         = "followup_replies_total"
	NameCampaignMeasure = "followup_campaign_measure"
)

var (
	leadsByState = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: NameLeadsByState, Help: "Leads of a campaign by phase (InCadence, Dormant, Won...), computed by the campaign controller.",
	}, []string{"namespace", "campaign", "state"})

	// Buckets from one minute to a week: first response is minutes for hot leads, days for cold ones.
	firstResponse = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: NameFirstResponse, Help: "Time from submission to first contact.",
		Buckets: []float64{60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 48 * 3600, 7 * 24 * 3600},
	}, []string{"namespace", "campaign", "policy", "tier", "region"})

	sla = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: NameSLA, Help: "First-response SLA decisions by result (met, breached).",
	}, []string{"namespace", "campaign", "policy", "tier", "region", "result"})

	touches = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: NameTouches, Help: "Cadence touches by channel and result.",
	}, []string{"namespace", "policy", "channel", "result"})

	dispatchLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: NameDispatchLatency, Help: "Latency of one send to a channel.",
		Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	}, []string{"namespace", "channel", "channel_type", "outcome"})

	dispatchErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: NameDispatchErrors, Help: "Sends that did not succeed, by outcome.",
	}, []string{"namespace", "channel", "channel_type", "outcome"})

	replies = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: NameReplies, Help: "Replies by quality level (1 weak .. 3 strong).",
	}, []string{"namespace", "campaign", "quality"})

	campaignMeasure = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: NameCampaignMeasure, Help: "A campaign's windowed measure (leads, sla_attainment, roas...).",
	}, []string{"namespace", "campaign", "measure"})
)

// Collectors lists every metric, for registration and the dashboard test.
var Collectors = []prometheus.Collector{leadsByState, firstResponse, sla, touches, dispatchLatency, dispatchErrors, replies, campaignMeasure}

func init() { ctrlmetrics.Registry.MustRegister(Collectors...) }

// TouchRecorded counts a touch reaching a result (Sent, Failed, Done, Skipped).
func TouchRecorded(ns, policy, channel, result string) {
	touches.WithLabelValues(ns, policy, channel, result).Inc()
}

// DispatchObserved records one send; outcomes other than "sent" also count as errors.
func DispatchObserved(ns, channel, channelType, outcome string, latency time.Duration) {
	dispatchLatency.WithLabelValues(ns, channel, channelType, outcome).Observe(latency.Seconds())
	if outcome != "sent" {
		dispatchErrors.WithLabelValues(ns, channel, channelType, outcome).Inc()
	}
}

// FirstContact records the first contact of a lead and whether it met its SLA.
func FirstContact(lb LeadLabels, latency time.Duration, met bool) {
	firstResponse.WithLabelValues(lb.namespace, lb.campaign, lb.policy, lb.tier, lb.region).Observe(latency.Seconds())
	if met {
		sla.WithLabelValues(lb.namespace, lb.campaign, lb.policy, lb.tier, lb.region, "met").Inc()
	} else {
		SLABreached(lb)
	}
}

// SLABreached counts a lead whose first-response deadline passed without contact.
func SLABreached(lb LeadLabels) {
	sla.WithLabelValues(lb.namespace, lb.campaign, lb.policy, lb.tier, lb.region, "breached").Inc()
}

// ReplyRecorded counts a reply by its quality (1..3; anything else is "unknown").
func ReplyRecorded(lb LeadLabels, quality int32) {
	q := "unknown"
	if quality >= 1 && quality <= 3 {
		q = strconv.Itoa(int(quality))
	}
	replies.WithLabelValues(lb.namespace, lb.campaign, q).Inc()
}

// SetCampaign replaces a campaign's lead-state and measure gauges.
func SetCampaign(ns, campaign string, leadsByStage map[string]int, measures map[string]float64) {
	DeleteCampaign(ns, campaign)
	for state, n := range leadsByStage {
		leadsByState.WithLabelValues(ns, campaign, state).Set(float64(n))
	}
	for name, v := range measures {
		campaignMeasure.WithLabelValues(ns, campaign, name).Set(v)
	}
}

// DeleteCampaign drops a deleted campaign's gauge series.
func DeleteCampaign(ns, campaign string) {
	l := prometheus.Labels{"namespace": ns, "campaign": campaign}
	leadsByState.DeletePartialMatch(l)
	campaignMeasure.DeletePartialMatch(l)
}

// FirstContactLatency observes the time to first contact of a lead whose SLA was already
// counted (breached before anyone reached it), so the histogram stays complete without
// counting the breach twice.
func FirstContactLatency(lb LeadLabels, latency time.Duration) {
	firstResponse.WithLabelValues(lb.namespace, lb.campaign, lb.policy, lb.tier, lb.region).Observe(latency.Seconds())
}
