// Package review builds the weekly follow-up review of `kubectl followup report` from
// leads and campaigns already listed: the measures per group of one dimension, and the
// recommendations the brief's decision rules make of them, each on the group it names.
// It is pure (no Kubernetes client) and leaves the arithmetic to internal/measures.
package review

import (
	"fmt"
	"sort"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/measures"
)

// AllKey names the row of every lead in scope; NoneKey the group of leads with no value
// for the dimension (no campaign, no keyword...).
const (
	AllKey  = "(all)"
	NoneKey = "(none)"
)

// Report is the review of one window.
type Report struct {
	Now    time.Time          `json:"now"`
	Window string             `json:"window"`
	By     measures.Dimension `json:"by"`
	Rows   []Row              `json:"rows"` // AllKey first, then groups by lead count
	// Notes say where the figures are partial (spend in several currencies...).
	Notes []string `json:"notes,omitempty"`
}

// Input is what the plugin listed.
type Input struct {
	Leads     []v1.Lead
	Campaigns []v1.Campaign
	By        measures.Dimension
	Now       time.Time
	Window    time.Duration
}

// Build computes the review. Campaign rows use their own campaign's targets and spend;
// the AllKey row uses the single campaign's targets (the brief's defaults when there are
// several) and the spend of all campaigns together, scaled to the window.
func Build(in Input) Report {
	r := Report{Now: in.Now, Window: Duration(in.Window), By: in.By}
	spend, note := totalSpend(in.Campaigns, in.Window)
	if note != "" {
		r.Notes = append(r.Notes, note)
	}
	o := measures.Options{Now: in.Now, Window: in.Window, Spend: spend}
	if len(in.Campaigns) == 1 {
		o.Targets = in.Campaigns[0].Spec.Targets
	} else if len(in.Campaigns) > 1 {
		r.Notes = append(r.Notes, "the overall row uses the default targets; each campaign row uses its campaign's own")
	}
	overall := measures.Compute(in.Leads, o)
	overallRecs := measures.Recommend(overall, ruleBreakdowns(in.Leads, o), o)
	var groups []Row
	if in.By == measures.ByCampaign {
		groups = campaignRows(in)
		overallRecs = without(overallRecs, groups)
	} else {
		groups, overallRecs = dimensionRows(in.Leads, in.By, o, overallRecs)
	}
	r.Rows = append([]Row{newRow(AllKey, overall, overallRecs)}, groups...)
	return r
}

// ruleBreakdowns are the groupings the decision rules read.
func ruleBreakdowns(leads []v1.Lead, o measures.Options) map[measures.Dimension][]measures.Group {
	g := map[measures.Dimension][]measures.Group{}
	for _, d := range []measures.Dimension{measures.ByKeyword, measures.ByAdGroup, measures.ByRegion} {
		g[d] = measures.Breakdown(leads, d, o)
	}
	return g
}

// dimensionOf is the dimension whose group a recommendation kind names.
var dimensionOf = map[string]measures.Dimension{
	measures.KindLowerBidOrPauseKeyword: measures.ByKeyword,
	measures.KindFixAdGroupTargeting:    measures.ByAdGroup,
	measures.KindPauseRegion:            measures.ByRegion,
}

// dimensionRows are the keyword, ad group or region groups; each takes the overall
// recommendations that name it, and the rest stay on the overall row.
func dimensionRows(leads []v1.Lead, dim measures.Dimension, o measures.Options, recs []v1.Recommendation) ([]Row, []v1.Recommendation) {
	var rows []Row
	for _, g := range measures.Breakdown(leads, dim, o) {
		var mine []v1.Recommendation
		rest := recs[:0:0]
		for _, rec := range recs {
			if dimensionOf[rec.Kind] == dim && rec.Subject == g.Key {
				mine = append(mine, rec)
			} else {
				rest = append(rest, rec)
			}
		}
		recs = rest
		rows = append(rows, newRow(keyOrNone(g.Key), g.Measures, mine))
	}
	return rows, recs
}

// campaignRows measure each campaign's leads against that campaign's own targets and
// spend, the way its controller does, over the report's window. With leads in several
// namespaces a campaign is named namespace/name.
func campaignRows(in Input) []Row {
	type key struct{ ns, name string }
	byCampaign := map[key][]v1.Lead{}
	namespaces := map[string]bool{}
	for _, l := range in.Leads {
		k := key{l.Namespace, l.Spec.Source.Campaign}
		byCampaign[k] = append(byCampaign[k], l)
		namespaces[l.Namespace] = true
	}
	objects := map[key]*v1.Campaign{}
	for i := range in.Campaigns {
		c := &in.Campaigns[i]
		k := key{c.Namespace, c.Name}
		objects[k] = c
		namespaces[c.Namespace] = true
		if _, ok := byCampaign[k]; !ok {
			byCampaign[k] = nil // a campaign that spends and brings no lead is news too
		}
	}
	var rows []Row
	for k, leads := range byCampaign {
		o := measures.Options{Now: in.Now, Window: in.Window}
		c := objects[k]
		if c != nil {
			o.Targets, o.Spend = c.Spec.Targets, c.Spec.Spend
		}
		m := measures.Compute(leads, o)
		if m.Leads == 0 && c == nil {
			continue // only old leads of a campaign that no longer exists
		}
		name := keyOrNone(k.name)
		if len(namespaces) > 1 {
			name = k.ns + "/" + name
		}
		rows = append(rows, newRow(name, m, measures.Recommend(m, ruleBreakdowns(leads, o), o)))
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Leads != rows[j].Leads {
			return rows[i].Leads > rows[j].Leads
		}
		return rows[i].Group < rows[j].Group
	})
	return rows
}

// without drops the overall recommendations a campaign row already says word for word
// (with one campaign in scope, all of them).
func without(recs []v1.Recommendation, rows []Row) []v1.Recommendation {
	said := map[v1.Recommendation]bool{}
	for _, r := range rows {
		for _, rec := range r.Recommendations {
			said[rec] = true
		}
	}
	var out []v1.Recommendation
	for _, rec := range recs {
		if !said[rec] {
			out = append(out, rec)
		}
	}
	return out
}

func keyOrNone(k string) string {
	if k == "" {
		return NoneKey
	}
	return k
}

// Duration renders a duration as 14m, 26h or 2h30m (time.ParseDuration reads it back);
// days are spelled out as hours so every consumer parses them.
func Duration(d time.Duration) string {
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
