package plugin

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/followup-io/followup-operator/internal/plugin/review"
)

// renderers print a review as -o asks.
var renderers = map[string]func(io.Writer, review.Report) error{
	"table": reportTable,
	"json":  reportJSON,
	"csv":   reportCSV,
}

func reportJSON(w io.Writer, r review.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// reportCSV is one line per group, for a spreadsheet; recommendations are joined with
// " | " in the last column.
func reportCSV(w io.Writer, r review.Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{string(r.By), "leads", "contacted", "mean_first_response", "p90_first_response",
		"sla_met", "sla_breached", "sla_pending", "sla_attainment", "touches", "touches_per_lead",
		"delivery_rate", "read_rate", "reply_rate", "quality_1", "quality_2", "quality_3", "completed_cadence", "three_touch_leads",
		"close_rate_after_cadence", "close_rate_after_three_touches", "won", "lost", "mean_sales_cycle",
		"revenue", "currency", "roas", "recommendations"})
	for _, x := range r.Rows {
		var recs []string
		for _, rec := range x.Recommendations {
			recs = append(recs, rec.Kind+": "+rec.Message)
		}
		_ = cw.Write([]string{x.Group, itoa(x.Leads), itoa(x.Contacted), x.MeanFirstResponse, x.P90FirstResponse,
			itoa(x.SLAMet), itoa(x.SLABreached), itoa(x.SLAPending), ftoa(x.SLAAttainment), itoa(x.Touches),
			ftoa(x.TouchesPerLead), ftoa(x.DeliveryRate), ftoa(x.ReadRate), ftoa(x.ReplyRate),
			itoa(x.QualityMix[0]), itoa(x.QualityMix[1]), itoa(x.QualityMix[2]), itoa(x.CompletedCadence), itoa(x.ThreeTouchLeads),
			ftoa(x.CloseRateAfterCadence), ftoa(x.CloseRateAfterThreeTouches), itoa(x.Won), itoa(x.Lost),
			x.MeanSalesCycle, ftoa(x.Revenue), x.Currency, ftoa(x.ROAS), strings.Join(recs, " | ")})
	}
	cw.Flush()
	return cw.Error()
}

// reportTable is the review a team reads on Monday: the figures per group, then what
// to do, group by group.
func reportTable(w io.Writer, r review.Report) error {
	window, _ := time.ParseDuration(r.Window)
	fmt.Fprintf(w, "Follow-up review by %s: leads submitted from %s to %s (%s)\n\n", r.By,
		r.Now.Add(-window).UTC().Format(time.RFC3339), r.Now.UTC().Format(time.RFC3339), r.Window)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(string(r.By))+"\tLEADS\tFIRST RESPONSE (MEAN/P90)\tSLA MET\tTOUCHES/LEAD\tREPLIED\tCLOSE AFTER CADENCE\tCLOSE AFTER 3\tWON/LOST\tSALES CYCLE\tREVENUE\tROAS")
	for _, x := range r.Rows {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%.1f\t%s\t%s\t%s\t%d/%d\t%s\t%s\t%s\n", x.Group, x.Leads,
			orDash(x.MeanFirstResponse)+" / "+orDash(x.P90FirstResponse), pct(x.SLAAttainment, x.SLAMet+x.SLABreached),
			x.TouchesPerLead, pct(x.ReplyRate, x.Touches), pct(x.CloseRateAfterCadence, x.CompletedCadence),
			pct(x.CloseRateAfterThreeTouches, x.ThreeTouchLeads), x.Won, x.Lost, orDash(x.MeanSalesCycle), money(x.Revenue, x.Currency),
			ratio(x.ROAS))
	}
	_ = tw.Flush()
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintln(w, "\nRECOMMENDATIONS")
	said := 0
	for _, x := range r.Rows {
		for _, rec := range x.Recommendations {
			fmt.Fprintf(w, "  %s  %s: %s\n", x.Group, rec.Kind, rec.Message)
			said++
		}
	}
	if said == 0 {
		fmt.Fprintln(w, "  none: the measures meet the targets, or the samples are still too small to judge")
	}
	return nil
}

// pct shows a rate, or "-" when nothing was there to measure.
func pct(f float64, sample int) string {
	if sample == 0 {
		return "-"
	}
	return strconv.FormatFloat(100*f, 'f', 0, 64) + "%"
}

func money(v float64, currency string) string {
	if strings.Contains(currency, ",") {
		return "mixed " + currency
	}
	if v == 0 {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + " " + currency
}

func ratio(f float64) string {
	if f == 0 {
		return "-"
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}

func itoa(n int) string     { return strconv.Itoa(n) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
