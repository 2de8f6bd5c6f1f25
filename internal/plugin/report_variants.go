package plugin

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/measures"
)

// variantRow is one variant of one step in `report --by variant`.
type variantRow struct {
	Step        string  `json:"step"`
	Variant     string  `json:"variant"`
	Sends       int     `json:"sends"`
	Leads       int     `json:"leads"`
	Replied     int     `json:"replied"`
	ReplyRate   float64 `json:"replyRate"`
	QualityMix  [3]int  `json:"qualityMix"`
	Meetings    int     `json:"meetings"`
	Won         int     `json:"won"`
	Control     bool    `json:"control"`
	Test        string  `json:"test,omitempty"`
	P           float64 `json:"p,omitempty"`
	Significant bool    `json:"significant"`
}

// reportVariants is the A/B review: each variant of each step over the leads submitted
// in the window, compared with the step's first variant (the policies give the order).
func reportVariants(ctx context.Context, c client.Client, opts []client.ListOption, leads []v1.Lead, out io.Writer, output string, now time.Time, window time.Duration) error {
	var policies v1.FollowUpPolicyList
	if err := c.List(ctx, &policies, opts...); err != nil {
		return err
	}
	order := map[string][]string{}
	for i := range policies.Items {
		for step, vs := range measures.VariantOrder(&policies.Items[i].Spec) {
			if _, seen := order[step]; !seen {
				order[step] = vs
			}
		}
	}
	groups := measures.Variants(leads, order, measures.Options{Now: now, Window: window})
	rows := make([]variantRow, 0, len(groups))
	for _, g := range groups {
		rows = append(rows, variantRow{g.Step, g.Variant, g.Sends, g.Leads, g.Replied, g.ReplyRate, g.QualityMix, g.Meetings, g.Won,
			g.Control, g.Test, g.P, g.Significant})
	}
	switch output {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"by": "variant", "now": now, "window": window.String(), "alpha": measures.Alpha, "rows": rows})
	case "csv":
		cw := csv.NewWriter(out)
		_ = cw.Write([]string{"step", "variant", "sends", "leads", "replied", "reply_rate", "quality_1", "quality_2", "quality_3",
			"meetings", "won", "control", "test", "p", "significant"})
		for _, r := range rows {
			_ = cw.Write([]string{r.Step, r.Variant, itoa(r.Sends), itoa(r.Leads), itoa(r.Replied), ftoa(r.ReplyRate),
				itoa(r.QualityMix[0]), itoa(r.QualityMix[1]), itoa(r.QualityMix[2]), itoa(r.Meetings), itoa(r.Won),
				strconv.FormatBool(r.Control), r.Test, ftoa(r.P), strconv.FormatBool(r.Significant)})
		}
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintf(out, "A/B variants: leads submitted from %s to %s; reply rate against the step's first variant, two-sided, alpha %.2f\n\n",
		now.Add(-window).UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), measures.Alpha)
	if len(rows) == 0 {
		fmt.Fprintln(out, "no step with variants was sent in the window")
		return nil
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tVARIANT\tSENDS\tLEADS\tREPLY RATE\tQUALITY (1/2/3)\tMEETINGS\tWON\tVERDICT")
	for i, g := range groups {
		r := rows[i]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f%% (%d)\t%d/%d/%d\t%d\t%d\t%s\n", r.Step, r.Variant, r.Sends, r.Leads, 100*r.ReplyRate, r.Replied,
			r.QualityMix[0], r.QualityMix[1], r.QualityMix[2], r.Meetings, r.Won, g.Verdict())
	}
	return tw.Flush()
}
