// Package measures computes a campaign's follow-up measures from its leads and turns them
// into recommendations. It is pure: no Kubernetes client, the caller lists the leads.
package measures

import (
	"strconv"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
)

// Dimension is what a breakdown groups leads by.
type Dimension string

// Breakdown dimensions.
const (
	ByCampaign Dimension = "campaign"
	ByAdGroup  Dimension = "adgroup"
	ByKeyword  Dimension = "keyword"
	ByRegion   Dimension = "region"
)

// Defaults from the domain brief's decision rules.
const (
	DefaultWindow                     = 7 * 24 * time.Hour
	DefaultTopN                       = 10
	DefaultMeanFirstResponse          = 24 * time.Hour
	DefaultCloseRateAfterCadence      = 0.05
	DefaultCloseRateAfterThreeTouches = 0.10
	DefaultROAS                       = 3.0
	// OtherKey names the bucket that sums the groups beyond the top N.
	OtherKey = "(other)"
)

// Options say which leads count and what they are compared against.
type Options struct {
	Now time.Time
	// Window: leads submitted (spec.source.submittedAt, else creationTimestamp) in (Now-Window, Now].
	Window time.Duration
	// Spend is optional, for ROAS (scaled to the window when the spend period differs).
	Spend *v1.Spend
	// Targets are thresholds; the brief's defaults where empty.
	Targets v1.CampaignTargets
	// TopN bounds breakdowns; 0 means 10.
	TopN int
}

func (o Options) window() time.Duration {
	if o.Window <= 0 {
		return DefaultWindow
	}
	return o.Window
}

func (o Options) topN() int {
	if o.TopN <= 0 {
		return DefaultTopN
	}
	return o.TopN
}

// thresholds are the parsed targets, defaults filled in. Unparseable strings fall back to
// the default because the CRD's CEL rules already reject them at the edge.
type thresholds struct {
	meanFirstResponse          time.Duration
	closeRateAfterCadence      float64
	closeRateAfterThreeTouches float64
	roas                       float64
}

func (o Options) thresholds() thresholds {
	t := thresholds{DefaultMeanFirstResponse, DefaultCloseRateAfterCadence, DefaultCloseRateAfterThreeTouches, DefaultROAS}
	if d := o.Targets.MeanFirstResponse; d != nil && d.Duration > 0 {
		t.meanFirstResponse = d.Duration
	}
	t.closeRateAfterCadence = parseFraction(o.Targets.CloseRateAfterCadence, t.closeRateAfterCadence)
	t.closeRateAfterThreeTouches = parseFraction(o.Targets.CloseRateAfterThreeTouches, t.closeRateAfterThreeTouches)
	t.roas = parseFraction(o.Targets.ROAS, t.roas)
	return t
}

func parseFraction(s string, def float64) float64 {
	if s == "" {
		return def
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return def
	}
	return f
}

// submittedAt is when the lead came in, as the engine counts it.
func submittedAt(l *v1.Lead) time.Time { return cadence.SubmittedAt(l) }

// inWindow filters leads submitted in (Now-Window, Now].
func inWindow(leads []v1.Lead, o Options) []*v1.Lead {
	start := o.Now.Add(-o.window())
	out := make([]*v1.Lead, 0, len(leads))
	for i := range leads {
		t := submittedAt(&leads[i])
		if t.After(start) && !t.After(o.Now) {
			out = append(out, &leads[i])
		}
	}
	return out
}
