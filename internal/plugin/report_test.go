package plugin_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/plugin"
	"github.com/followup-io/followup-operator/internal/plugin/review"
)

// reportFixture stores, in namespace "report", a campaign with a 1h first-response target
// and 700 EUR a week of spend; five "cnc laser" leads first contacted after 2h (one won
// for 14000 EUR), one "fiber laser" lead contacted in 30m, one lead ten days old; and in
// "report-na" one more lead of a campaign of the same name.
func reportFixture(t *testing.T, now time.Time) {
	t.Helper()
	ctx := context.Background()
	for _, n := range []string{"report", "report-na"} {
		_ = env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n}})
	}
	c := &v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "cnc", Namespace: "report"}, Spec: v1.CampaignSpec{
		Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "21000000777"}, Policy: "p",
		Spend:   &v1.Spend{Money: v1.Money{Amount: "700", Currency: "EUR"}},
		Targets: v1.CampaignTargets{MeanFirstResponse: &metav1.Duration{Duration: time.Hour}}}}
	if err := env.Client.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	mk := func(ns, name, keyword string, submitted time.Time, wait time.Duration, out *v1.Outcome) {
		at := metav1.NewTime(submitted)
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1.LeadSpec{
			Contact: v1.Contact{Email: "x@example.com"}, Outcome: out,
			Source: v1.LeadSource{Campaign: "cnc", Keyword: keyword, SubmittedAt: &at}}}
		if err := env.Client.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		contacted := metav1.NewTime(submitted.Add(wait))
		l.Status = v1.LeadStatus{FirstResponse: v1.FirstResponseStatus{State: v1.SLAMet, ContactedAt: &contacted}}
		if err := env.Client.Status().Update(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	sub := now.Add(-48 * time.Hour)
	won := &v1.Outcome{Result: v1.OutcomeWon, Value: &v1.Money{Amount: "14000", Currency: "EUR"}, At: metav1.NewTime(now.Add(-time.Hour))}
	for i := range 5 {
		var out *v1.Outcome
		if i == 0 {
			out = won
		}
		mk("report", fmt.Sprintf("cnc-%d", i), "cnc laser", sub, 2*time.Hour, out)
	}
	mk("report", "fiber", "fiber laser", sub, 30*time.Minute, nil)
	mk("report", "old", "cnc laser", now.Add(-10*24*time.Hour), time.Hour, nil)
	mk("report-na", "na", "cnc laser", sub, time.Hour, nil)
}

func TestReportReviewsLiveLeadsAndCampaigns(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	reportFixture(t, now)
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		e := plugin.Env{Out: &out, Err: &errb, Now: func() time.Time { return now },
			Connect: func(_, _, namespace string) (client.Client, string, string, error) {
				return env.Client, "report", "", nil
			}}
		if code := plugin.Run(context.Background(), args, e); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	decode := func(s string) review.Report {
		t.Helper()
		var r review.Report
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
		return r
	}
	rows := func(r review.Report) map[string]review.Row {
		m := map[string]review.Row{}
		for _, x := range r.Rows {
			m[x.Group] = x
		}
		return m
	}

	// By campaign (the default): the campaign's own target and spend.
	byCampaign := rows(decode(run("report", "-o", "json")))
	cnc := byCampaign["cnc"]
	if cnc.Leads != 6 || cnc.ROAS != 20 || cnc.Revenue != 14000 || cnc.MeanFirstResponse != "1h45m" || byCampaign["(all)"].Leads != 6 {
		t.Errorf("by campaign %+v", byCampaign)
	}
	if len(cnc.Recommendations) != 1 || cnc.Recommendations[0].Kind != "LowerBidOrPauseKeyword" || cnc.Recommendations[0].Subject != "cnc laser" {
		t.Errorf("cnc recommendations %+v", cnc.Recommendations)
	}

	// By keyword: the recommendation sits on the keyword it names.
	byKeyword := rows(decode(run("report", "--by", "keyword", "-o", "json")))
	if k := byKeyword["cnc laser"]; k.Leads != 5 || len(k.Recommendations) != 1 || len(byKeyword["fiber laser"].Recommendations) != 0 {
		t.Errorf("by keyword %+v", byKeyword)
	}

	// CSV parses back, one line per group plus the header.
	recs, err := csv.NewReader(strings.NewReader(run("report", "--by", "keyword", "-o", "csv"))).ReadAll()
	if err != nil || len(recs) != 4 || recs[0][0] != "keyword" || recs[1][0] != "(all)" || recs[1][1] != "6" {
		t.Fatalf("csv %v %v", recs, err)
	}
	last := len(recs[0]) - 1
	if recs[0][last] != "recommendations" || !strings.Contains(recs[2][last], "LowerBidOrPauseKeyword") || recs[2][0] != "cnc laser" {
		t.Errorf("csv recommendations column: %q", recs[2])
	}

	// The table: rows, then what to do per group.
	table := run("report", "--by", "keyword", "--since", "14d")
	if !strings.Contains(table, "from 2026-11-09T10:00:00Z to 2026-11-23T10:00:00Z (336h)") {
		t.Errorf("table header:\n%s", table)
	}
	for _, line := range strings.Split(table, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "(all)" && f[1] != "7" {
			t.Errorf("14 days hold 7 leads: %q", line)
		}
	}
	for _, want := range []string{"KEYWORD", "RECOMMENDATIONS", "cnc laser  LowerBidOrPauseKeyword: keyword \"cnc laser\""} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}

	// All namespaces: campaigns of the same name stay apart.
	if all := rows(decode(run("report", "-A", "-o", "json"))); all["report/cnc"].Leads != 6 || all["report-na/cnc"].Leads != 1 {
		t.Errorf("-A rows %+v", all)
	}
}

func TestReportRefusesBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--by", "color"}, `--by "color": want campaign, keyword, adgroup, region, variant or aftersales`},
		{[]string{"report", "--since", "0d"}, `--since "0d": want a number of days`},
		{[]string{"report", "-o", "yaml"}, `-o "yaml": want table, json or csv`},
		{[]string{"report", "cnc"}, "report takes no names"},
	} {
		var out, errb bytes.Buffer
		if code := plugin.Run(context.Background(), c.args, plugin.Env{Out: &out, Err: &errb}); code != plugin.ExitUsage || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d %q; want %q", c.args, code, errb.String(), c.want)
		}
	}
}
