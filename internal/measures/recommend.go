package measures

import (
	"fmt"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Minimum samples before a rule fires, so one slow lead does not pause a keyword.
const (
	MinContactedForResponse  = 5  // contacted leads behind a mean first-response figure
	MinCompletedForCloseRate = 10 // leads that finished the cadence behind a close rate
	MinThreeTouchForScripts  = 20 // leads with ≥3 touches behind the scripts rule
	MinRegionLeads           = 20 // "many leads" for a region
	MinLeadsForROAS          = 20 // leads behind a ROAS judgement
	maxRecommendations       = 20 // CampaignStatus.Recommendations MaxItems
)

// Recommendation kinds.
const (
	KindLowerBidOrPauseKeyword  = "LowerBidOrPauseKeyword"
	KindFixAdGroupTargeting     = "FixAdGroupTargeting"
	KindImproveScripts          = "ImproveScripts"
	KindPauseRegion             = "PauseRegion"
	KindReviewFollowUpBeforeAds = "ReviewFollowUpBeforeAds"
)

// Recommend applies the brief's decision rules; each recommendation's message carries the numbers.
func Recommend(overall Measures, groups map[Dimension][]Group, o Options) []v1.Recommendation {
	t := o.thresholds()
	var out []v1.Recommendation
	add := func(kind, subject, format string, args ...any) {
		if len(out) < maxRecommendations {
			out = append(out, v1.Recommendation{Kind: kind, Subject: subject, Message: fmt.Sprintf(format, args...)})
		}
	}
	for _, g := range actionable(groups[ByKeyword]) {
		if g.Contacted >= MinContactedForResponse && g.MeanFirstResponse > t.meanFirstResponse {
			add(KindLowerBidOrPauseKeyword, g.Key,
				"keyword %q: leads wait %s on average for first contact (target %s, %d contacted of %d leads); lower its bid or pause it until the team keeps up",
				g.Key, short(g.MeanFirstResponse), short(t.meanFirstResponse), g.Contacted, g.Leads)
		}
	}
	for _, g := range actionable(groups[ByAdGroup]) {
		if g.CompletedCadence >= MinCompletedForCloseRate && g.CloseRateAfterCadence < t.closeRateAfterCadence {
			add(KindFixAdGroupTargeting, g.Key,
				"ad group %q: %.1f%% close after the full cadence (target %.1f%%, %d leads completed it); it attracts the wrong people, fix keywords or landing page",
				g.Key, 100*g.CloseRateAfterCadence, 100*t.closeRateAfterCadence, g.CompletedCadence)
		}
	}
	if overall.ThreeTouchLeads >= MinThreeTouchForScripts && overall.CloseRateAfterThreeTouches < t.closeRateAfterThreeTouches {
		add(KindImproveScripts, "",
			"%.1f%% of leads close after three touches (target %.1f%%, %d leads had three touches); the scripts or the offer are weak",
			100*overall.CloseRateAfterThreeTouches, 100*t.closeRateAfterThreeTouches, overall.ThreeTouchLeads)
	}
	for _, g := range actionable(groups[ByRegion]) {
		if g.Leads >= MinRegionLeads && g.Contacted >= MinContactedForResponse && g.MeanFirstResponse > t.meanFirstResponse {
			add(KindPauseRegion, g.Key,
				"region %q: %d leads wait %s on average for first contact (target %s); pause the region until the process keeps up",
				g.Key, g.Leads, short(g.MeanFirstResponse), short(t.meanFirstResponse))
		}
	}
	if overall.ROASKnown && overall.Leads >= MinLeadsForROAS && overall.ROAS < t.roas {
		add(KindReviewFollowUpBeforeAds, "",
			"ROAS %.2f is under the target %.2f over %d leads; first response averages %s with %.0f%% SLA attainment: look at follow-up before touching the ads",
			overall.ROAS, t.roas, overall.Leads, short(overall.MeanFirstResponse), 100*overall.SLAAttainment)
	}
	return out
}

// actionable drops the "(other)" bucket: it is not one thing that can be paused or fixed.
func actionable(gs []Group) []Group {
	out := make([]Group, 0, len(gs))
	for _, g := range gs {
		if g.Key != OtherKey && g.Key != "" {
			out = append(out, g)
		}
	}
	return out
}

// short renders a duration as "14m", "26h" or "2h30m" for messages and status.
func short(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}
