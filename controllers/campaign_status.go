package controllers

import (
	"fmt"
	"strconv"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/measures"
)

// statusMeasures renders measures as the status' human-readable strings.
func statusMeasures(m measures.Measures) *v1.CampaignMeasures {
	out := &v1.CampaignMeasures{Leads: int32(m.Leads)}
	if m.Contacted > 0 {
		out.MeanFirstResponse = roundDur(m.MeanFirstResponse)
		out.P90FirstResponse = roundDur(m.P90FirstResponse)
	}
	if m.SLAMet+m.SLABreached > 0 {
		out.SLAAttainment = frac(m.SLAAttainment)
	}
	if m.Leads > 0 {
		out.TouchesPerLead = strconv.FormatFloat(m.TouchesPerLead, 'f', 1, 64)
		out.ReplyRate = frac(m.ReplyRate)
	}
	if m.CompletedCadence > 0 {
		out.CloseRate = frac(m.CloseRateAfterCadence)
	}
	if m.Currency != "" {
		out.Revenue = fmt.Sprintf("%.2f %s", m.Revenue, m.Currency)
	}
	if m.ROASKnown {
		out.ROAS = strconv.FormatFloat(m.ROAS, 'f', 2, 64)
	}
	if m.Touches > 0 {
		out.DeliveryRate, out.ReadRate = frac(m.DeliveryRate), frac(m.ReadRate)
	}
	if q := m.QualityMix; q[0]+q[1]+q[2] > 0 {
		out.QualityMix = fmt.Sprintf("%d polite / %d information / %d action", q[0], q[1], q[2])
	}
	if m.Won > 0 {
		out.SalesCycle = roundDur(m.MeanSalesCycle)
	}
	return out
}

// breakdownTop bounds each dimension in status (the measures package sums the rest).
const breakdownTop = 5

// statusBreakdowns renders the groups of each dimension for status.
func statusBreakdowns(groups map[measures.Dimension][]measures.Group) []v1.CampaignBreakdown {
	var out []v1.CampaignBreakdown
	for _, d := range []measures.Dimension{measures.ByAdGroup, measures.ByKeyword, measures.ByRegion} {
		for _, g := range groups[d] {
			if g.Key == "" {
				continue
			}
			b := v1.CampaignBreakdown{Dimension: string(d), Key: g.Key, Leads: int32(g.Leads)}
			if g.Contacted > 0 {
				b.MeanFirstResponse = roundDur(g.MeanFirstResponse)
			}
			if g.SLAMet+g.SLABreached > 0 {
				b.SLAAttainment = frac(g.SLAAttainment)
			}
			if g.CompletedCadence > 0 {
				b.CloseRate = frac(g.CloseRateAfterCadence)
			}
			out = append(out, b)
		}
	}
	return out
}

// repLoads are each rep's open leads (not closed, not finally dormant) over all of the
// campaign's leads, windowed or not: capacity is about today's work.
func repLoads(c *v1.Campaign, loads *RepLoads) []v1.RepLoad {
	open := map[string]int32{}
	if loads != nil {
		open = loads.Loads(c.Namespace, c.Name)
	}
	out := make([]v1.RepLoad, 0, len(c.Spec.Reps))
	for _, rep := range c.Spec.Reps {
		out = append(out, v1.RepLoad{Name: rep.Name, OpenLeads: open[rep.Name]})
	}
	return out
}

func frac(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

func roundDur(d time.Duration) string {
	d = d.Round(time.Minute)
	if d%time.Hour == 0 && d > 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	if d < time.Hour {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

func summary(m measures.Measures) string {
	return fmt.Sprintf("%d leads in window, %d contacted, SLA attainment %.2f", m.Leads, m.Contacted, m.SLAAttainment)
}

// phaseCounts counts leads by phase (a bounded set of values, for a metric label).
func phaseCounts(leads []v1.Lead) map[string]int {
	out := map[string]int{}
	for i := range leads {
		p := string(leads[i].Status.Phase)
		if p == "" {
			p = "New"
		}
		out[p]++
	}
	return out
}

func gaugeMeasures(m measures.Measures) map[string]float64 {
	return map[string]float64{
		"leads": float64(m.Leads), "contacted": float64(m.Contacted),
		"mean_first_response_seconds": m.MeanFirstResponse.Seconds(),
		"p90_first_response_seconds":  m.P90FirstResponse.Seconds(),
		"sla_attainment":              m.SLAAttainment, "touches_per_lead": m.TouchesPerLead,
		"reply_rate": m.ReplyRate, "close_rate_after_cadence": m.CloseRateAfterCadence,
		"won": float64(m.Won), "roas": m.ROAS,
	}
}

// maxVariantRows bounds status.variants (the CRD's MaxItems).
const maxVariantRows = 25

// statusVariants renders the A/B measures for status.
func statusVariants(groups []measures.VariantGroup) []v1.VariantMeasures {
	var out []v1.VariantMeasures
	for _, g := range groups {
		if len(out) == maxVariantRows {
			break
		}
		v := v1.VariantMeasures{Step: g.Step, Variant: g.Variant, Sends: int32(g.Sends), Leads: int32(g.Leads),
			Replied: int32(g.Replied), Meetings: int32(g.Meetings), Won: int32(g.Won), Significant: g.Significant}
		if g.Leads > 0 {
			v.ReplyRate = frac(g.ReplyRate)
		}
		if q := g.QualityMix; q[0]+q[1]+q[2] > 0 {
			v.QualityMix = fmt.Sprintf("%d polite / %d information / %d action", q[0], q[1], q[2])
		}
		if !g.Control {
			v.Significance = g.Verdict()
		}
		out = append(out, v)
	}
	return out
}
