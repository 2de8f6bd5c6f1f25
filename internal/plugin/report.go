package plugin

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/measures"
)

// reportRow is one line of the weekly review.
type reportRow struct {
	Group             string  `json:"group"`
	Leads             int     `json:"leads"`
	MeanFirstResponse string  `json:"meanFirstResponse"`
	P90FirstResponse  string  `json:"p90FirstResponse"`
	SLAAttainment     float64 `json:"slaAttainment"`
	TouchesPerLead    float64 `json:"touchesPerLead"`
	ReplyRate         float64 `json:"replyRate"`
	CloseRate         float64 `json:"closeRateAfterCadence"`
	Won               int     `json:"won"`
	Revenue           float64 `json:"revenue"`
	Currency          string  `json:"currency,omitempty"`
}

func toRow(key string, m measures.Measures) reportRow {
	return reportRow{Group: key, Leads: m.Leads, MeanFirstResponse: m.MeanFirstResponse.Round(time.Minute).String(),
		P90FirstResponse: m.P90FirstResponse.Round(time.Minute).String(), SLAAttainment: round2(m.SLAAttainment),
		TouchesPerLead: round2(m.TouchesPerLead), ReplyRate: round2(m.ReplyRate), CloseRate: round2(m.CloseRateAfterCadence),
		Won: m.Won, Revenue: m.Revenue, Currency: m.Currency}
}

// runReport is the weekly review from live Leads: measures per group and the
// recommendations the brief's rules make of them.
func runReport(ctx context.Context, args []string, env Env, now time.Time) error {
	var g globals
	var all bool
	var since, by, output string
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	g.bind(fs)
	fs.BoolVar(&all, "A", false, "All namespaces.")
	fs.StringVar(&since, "since", "7d", "Window ending now (such as 7d or 48h).")
	fs.StringVar(&by, "by", "campaign", "Group by campaign, keyword, adgroup or region.")
	fs.StringVar(&output, "o", "table", "Output: table, json or csv.")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("report takes no names; use --by to group")
	}
	window, err := parseDays(since)
	if err != nil {
		return usagef("--since %q: %v", since, err)
	}
	dim := measures.Dimension(by)
	switch dim {
	case measures.ByCampaign, measures.ByKeyword, measures.ByAdGroup, measures.ByRegion:
	default:
		return usagef("--by %q: want campaign, keyword, adgroup or region", by)
	}
	if output != "table" && output != "json" && output != "csv" {
		return usagef("-o %q: want table, json or csv", output)
	}
	c, ns, _, err := env.Connect(g.kubeconfig, g.context, g.namespace)
	if err != nil {
		return err
	}
	var list v1.LeadList
	var opts []client.ListOption
	if !all {
		opts = append(opts, client.InNamespace(ns))
	}
	if err := c.List(ctx, &list, opts...); err != nil {
		return err
	}
	o := measures.Options{Now: now, Window: window}
	overall := measures.Compute(list.Items, o)
	groups := map[measures.Dimension][]measures.Group{}
	for _, d := range []measures.Dimension{measures.ByKeyword, measures.ByAdGroup, measures.ByRegion, dim} {
		groups[d] = measures.Breakdown(list.Items, d, o)
	}
	rows := []reportRow{toRow("(all)", overall)}
	for _, gr := range groups[dim] {
		rows = append(rows, toRow(gr.Key, gr.Measures))
	}
	recs := measures.Recommend(overall, groups, o)
	switch output {
	case "json":
		enc := json.NewEncoder(env.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"since": since, "by": by, "rows": rows, "recommendations": recs})
	case "csv":
		w := csv.NewWriter(env.Out)
		_ = w.Write([]string{"group", "leads", "mean_first_response", "p90_first_response", "sla_attainment",
			"touches_per_lead", "reply_rate", "close_rate_after_cadence", "won", "revenue", "currency"})
		for _, r := range rows {
			_ = w.Write([]string{r.Group, strconv.Itoa(r.Leads), r.MeanFirstResponse, r.P90FirstResponse,
				ftoa(r.SLAAttainment), ftoa(r.TouchesPerLead), ftoa(r.ReplyRate), ftoa(r.CloseRate),
				strconv.Itoa(r.Won), ftoa(r.Revenue), r.Currency})
		}
		w.Flush()
		return w.Error()
	}
	tw := tabwriter.NewWriter(env.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tLEADS\tMEAN 1ST RESP\tP90\tSLA\tTOUCHES/LEAD\tREPLY\tCLOSE\tWON\tREVENUE\n", by)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%.0f%%\t%.2f\t%.0f%%\t%.0f%%\t%d\t%s %s\n", r.Group, r.Leads, r.MeanFirstResponse,
			r.P90FirstResponse, 100*r.SLAAttainment, r.TouchesPerLead, 100*r.ReplyRate, 100*r.CloseRate, r.Won, ftoa(r.Revenue), r.Currency)
	}
	_ = tw.Flush()
	if len(recs) == 0 {
		fmt.Fprintln(env.Out, "\nno recommendations: the measures are within the targets (or the samples are too small)")
	}
	for _, rec := range recs {
		fmt.Fprintf(env.Out, "\n%s %s: %s", rec.Kind, rec.Subject, rec.Message)
	}
	fmt.Fprintln(env.Out)
	return nil
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
