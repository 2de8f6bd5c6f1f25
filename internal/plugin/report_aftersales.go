package plugin

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/measures"
)

// afterSalesRow is one campaign in `report --by aftersales`.
type afterSalesRow struct {
	Campaign           string  `json:"campaign"`
	Leads              int     `json:"leads"`
	NPS                float64 `json:"nps"`
	NPSResponses       int     `json:"npsResponses"`
	RepeatPurchaseRate float64 `json:"repeatPurchaseRate"`
	RepeatPurchases    int     `json:"repeatPurchases"`
	WithOrder          int     `json:"withOrder"`
	MedianTimeToAnswer string  `json:"medianTimeToAnswer"`
	Answered           int     `json:"answered"`
	HandedOff          int     `json:"handedOff"`
}

// reportAfterSales is the after-sales review per campaign: NPS, repeat purchases and
// the time to answer a customer after the sale, over the won leads that followed an
// after-sales policy, whatever their submission time (the cluster's leads only).
func reportAfterSales(leads []v1.Lead, out io.Writer, output string, now time.Time) error {
	byCampaign := map[string][]v1.Lead{}
	for _, l := range leads {
		if l.Status.AfterSales != nil {
			byCampaign[l.Spec.Source.Campaign] = append(byCampaign[l.Spec.Source.Campaign], l)
		}
	}
	names := make([]string, 0, len(byCampaign))
	for n := range byCampaign {
		names = append(names, n)
	}
	sort.Strings(names)
	rows := make([]afterSalesRow, 0, len(names))
	for _, n := range names {
		m := measures.ComputeAfterSales(byCampaign[n])
		rows = append(rows, afterSalesRow{Campaign: n, Leads: m.Leads, NPS: m.NPS, NPSResponses: m.NPSResponses,
			RepeatPurchaseRate: m.RepeatPurchaseRate, RepeatPurchases: m.RepeatPurchases, WithOrder: m.WithOrder,
			MedianTimeToAnswer: m.MedianTimeToAnswer.String(), Answered: m.Answered, HandedOff: m.HandedOff})
	}
	switch output {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"by": "aftersales", "now": now, "rows": rows})
	case "csv":
		cw := csv.NewWriter(out)
		_ = cw.Write([]string{"campaign", "leads", "nps", "nps_responses", "repeat_purchase_rate", "repeat_purchases", "with_order",
			"median_time_to_answer", "answered", "handed_off"})
		for _, r := range rows {
			_ = cw.Write([]string{r.Campaign, itoa(r.Leads), ftoa(r.NPS), itoa(r.NPSResponses), ftoa(r.RepeatPurchaseRate),
				itoa(r.RepeatPurchases), itoa(r.WithOrder), r.MedianTimeToAnswer, itoa(r.Answered), itoa(r.HandedOff)})
		}
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintln(out, "After-sales: won leads with an after-sales policy, any submission time (NPS = promoters - detractors, % of responses)")
	fmt.Fprintln(out)
	if len(rows) == 0 {
		fmt.Fprintln(out, "no won lead follows an after-sales policy")
		return nil
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CAMPAIGN\tLEADS\tNPS (RESPONSES)\tREPEAT PURCHASES\tMEDIAN TIME TO ANSWER (ANSWERED)\tHANDED OFF")
	for _, r := range rows {
		nps := "-"
		if r.NPSResponses > 0 {
			nps = fmt.Sprintf("%+.0f (%d)", r.NPS, r.NPSResponses)
		}
		answer := "-"
		if r.Answered > 0 {
			answer = fmt.Sprintf("%s (%d)", r.MedianTimeToAnswer, r.Answered)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.1f%% (%d of %d)\t%s\t%d\n", orNone(r.Campaign), r.Leads, nps, 100*r.RepeatPurchaseRate,
			r.RepeatPurchases, r.WithOrder, answer, r.HandedOff)
	}
	return tw.Flush()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
