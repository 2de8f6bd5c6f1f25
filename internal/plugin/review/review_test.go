package review

import (
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/measures"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

const week = 7 * 24 * time.Hour

// leads makes n leads of one campaign and keyword, submitted two days ago and first
// contacted after wait; won, when set, closes the first one as won.
func leads(ns, campaign, keyword string, n int, wait time.Duration, won *v1.Money) []v1.Lead {
	var out []v1.Lead
	sub := metav1.NewTime(now.Add(-48 * time.Hour))
	contacted := metav1.NewTime(sub.Add(wait))
	for i := range n {
		l := v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("%s-%s-%d", campaign, keyword, i)},
			Spec:   v1.LeadSpec{Source: v1.LeadSource{Campaign: campaign, Keyword: keyword, SubmittedAt: &sub}},
			Status: v1.LeadStatus{FirstResponse: v1.FirstResponseStatus{State: v1.SLAMet, ContactedAt: &contacted}}}
		if i == 0 && won != nil {
			l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon, Value: won, At: metav1.NewTime(now.Add(-time.Hour))}
		}
		out = append(out, l)
	}
	return out
}

func campaign(ns, name, amount, currency string, period time.Duration, meanFirstResponse time.Duration) v1.Campaign {
	c := v1.Campaign{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	if amount != "" {
		c.Spec.Spend = &v1.Spend{Money: v1.Money{Amount: amount, Currency: currency}, Period: &metav1.Duration{Duration: period}}
	}
	if meanFirstResponse > 0 {
		c.Spec.Targets.MeanFirstResponse = &metav1.Duration{Duration: meanFirstResponse}
	}
	return c
}

func kinds(recs []v1.Recommendation) string {
	var ks []string
	for _, r := range recs {
		ks = append(ks, r.Kind+"("+r.Subject+")")
	}
	return strings.Join(ks, ",")
}

func rowsOf(r Report) map[string]Row {
	m := map[string]Row{}
	for _, row := range r.Rows {
		m[row.Group] = row
	}
	return m
}

// TestByKeywordPutsEachRecommendationOnItsGroup: a keyword whose leads wait 30h is told
// to lower its bid on its own row; leads outside the window and without a keyword count
// where they belong.
func TestByKeywordPutsEachRecommendationOnItsGroup(t *testing.T) {
	var ls []v1.Lead
	ls = append(ls, leads("eu", "cnc", "slow kw", 6, 30*time.Hour, nil)...)
	ls = append(ls, leads("eu", "cnc", "fast kw", 6, 10*time.Minute, nil)...)
	ls = append(ls, leads("eu", "cnc", "", 1, time.Hour, nil)...)
	old := leads("eu", "cnc", "old kw", 1, time.Hour, nil)[0]
	old.Spec.Source.SubmittedAt = &metav1.Time{Time: now.Add(-10 * 24 * time.Hour)}
	ls = append(ls, old)

	r := Build(Input{Leads: ls, By: measures.ByKeyword, Now: now, Window: week})
	var order []string
	for _, row := range r.Rows {
		order = append(order, fmt.Sprintf("%s:%d", row.Group, row.Leads))
	}
	if got := strings.Join(order, " "); got != "(all):13 fast kw:6 slow kw:6 (none):1" {
		t.Fatalf("rows %s", got)
	}
	rows := rowsOf(r)
	if got := kinds(rows["slow kw"].Recommendations); got != "LowerBidOrPauseKeyword(slow kw)" {
		t.Errorf("slow kw recommendations %s", got)
	}
	if !strings.Contains(rows["slow kw"].Recommendations[0].Message, "30h") {
		t.Errorf("message without the number: %s", rows["slow kw"].Recommendations[0].Message)
	}
	if n := len(rows["(all)"].Recommendations) + len(rows["fast kw"].Recommendations); n != 0 {
		t.Errorf("recommendation repeated or misplaced: %+v", r.Rows)
	}
	if all := rows["(all)"]; all.MeanFirstResponse != "14h" || all.P90FirstResponse != "30h" || all.Contacted != 13 {
		t.Errorf("(all) first response %s / %s over %d", all.MeanFirstResponse, all.P90FirstResponse, all.Contacted)
	}
}

// TestByCampaignUsesEachCampaignsTargetsAndSpend: spend is scaled to the window and added
// for the overall ROAS; a campaign's own 1h target finds its 2h mean too slow while the
// overall row, on the default 24h, does not.
func TestByCampaignUsesEachCampaignsTargetsAndSpend(t *testing.T) {
	var ls []v1.Lead
	ls = append(ls, leads("eu", "cnc", "cnc laser", 5, 2*time.Hour, &v1.Money{Amount: "14000", Currency: "EUR"})...)
	ls = append(ls, leads("eu", "fiber", "fiber laser", 5, 2*time.Hour, &v1.Money{Amount: "700", Currency: "EUR"})...)
	cs := []v1.Campaign{
		campaign("eu", "cnc", "700", "EUR", week, time.Hour),
		campaign("eu", "fiber", "100", "EUR", 24*time.Hour, 0), // 700 a week
		campaign("eu", "idle", "50", "EUR", week, 0),           // spends, brings nothing: 1450 in all
	}
	r := Build(Input{Leads: ls, Campaigns: cs, By: measures.ByCampaign, Now: now, Window: week})
	rows := rowsOf(r)
	if all := rows["(all)"]; all.Leads != 10 || all.Revenue != 14700 || all.ROAS != 10.138 || len(all.Recommendations) != 0 {
		t.Errorf("(all) %+v", all)
	}
	if c := rows["cnc"]; c.ROAS != 20 || kinds(c.Recommendations) != "LowerBidOrPauseKeyword(cnc laser)" {
		t.Errorf("cnc ROAS %v recommendations %s", c.ROAS, kinds(c.Recommendations))
	}
	if f := rows["fiber"]; f.ROAS != 1 || len(f.Recommendations) != 0 {
		t.Errorf("fiber ROAS %v recommendations %s", f.ROAS, kinds(f.Recommendations))
	}
	if i, ok := rows["idle"]; !ok || i.Leads != 0 || r.Rows[len(r.Rows)-1].Group != "idle" {
		t.Errorf("a campaign without leads should close the list: %+v", r.Rows)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "default targets") {
		t.Errorf("notes %q", r.Notes)
	}
}

// TestOneCampaignSaysItsRecommendationsOnce: with one campaign in scope the overall row
// and the campaign row would say the same; the campaign row keeps it.
func TestOneCampaignSaysItsRecommendationsOnce(t *testing.T) {
	ls := leads("eu", "cnc", "cnc laser", 5, 2*time.Hour, nil)
	r := Build(Input{Leads: ls, Campaigns: []v1.Campaign{campaign("eu", "cnc", "", "", 0, time.Hour)},
		By: measures.ByCampaign, Now: now, Window: week})
	rows := rowsOf(r)
	if len(rows["(all)"].Recommendations) != 0 || kinds(rows["cnc"].Recommendations) != "LowerBidOrPauseKeyword(cnc laser)" {
		t.Errorf("rows %+v", r.Rows)
	}
}

// TestMixedCurrenciesAndNamespaces: spend in two currencies is not added up (noted), and
// campaigns of the same name in two namespaces stay apart.
func TestMixedCurrenciesAndNamespaces(t *testing.T) {
	var ls []v1.Lead
	ls = append(ls, leads("eu", "cnc", "k", 2, time.Hour, &v1.Money{Amount: "1000", Currency: "EUR"})...)
	ls = append(ls, leads("na", "cnc", "k", 3, time.Hour, &v1.Money{Amount: "1000", Currency: "USD"})...)
	cs := []v1.Campaign{campaign("eu", "cnc", "100", "EUR", week, 0), campaign("na", "cnc", "100", "USD", week, 0)}
	r := Build(Input{Leads: ls, Campaigns: cs, By: measures.ByCampaign, Now: now, Window: week})
	rows := rowsOf(r)
	if all := rows["(all)"]; all.ROAS != 0 || all.Revenue != 0 || all.Currency != "EUR,USD" {
		t.Errorf("(all) %+v", all)
	}
	if rows["na/cnc"].Leads != 3 || rows["eu/cnc"].Leads != 2 || rows["na/cnc"].ROAS != 10 {
		t.Errorf("rows %+v", r.Rows)
	}
	if len(r.Notes) < 1 || !strings.Contains(r.Notes[0], "EUR, USD") {
		t.Errorf("notes %q", r.Notes)
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0m", 14 * time.Minute: "14m", 26 * time.Hour: "26h",
		150*time.Minute + 20*time.Second: "2h30m", 9 * 24 * time.Hour: "216h"} {
		if got := Duration(d); got != want {
			t.Errorf("%v: %s, want %s", d, got, want)
		}
		if _, err := time.ParseDuration(Duration(d)); err != nil {
			t.Errorf("%v does not parse back: %v", d, err)
		}
	}
}
