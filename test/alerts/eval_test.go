package alerts

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/promqltest"
)

// series: two hours of counters, one sample a minute. Campaign "burning" breaches 80% of
// its first responses, "half" 40%, "fine" 1%; "tiny" breaches all of its few leads (about
// one an hour: below minLeads). Channel email-eu fails half its sends, whatsapp-eu all,
// chat none; "slow" is only rate-limited (deferred), which is not a failure.
const series = `load 1m
  followup_sla_total{namespace="sales-eu",campaign="burning",policy="p",tier="high",region="eu",result="met"} 0+1x120
  followup_sla_total{namespace="sales-eu",campaign="burning",policy="p",tier="high",region="eu",result="breached"} 0+4x120
  followup_sla_total{namespace="sales-eu",campaign="half",policy="p",tier="high",region="eu",result="met"} 0+3x120
  followup_sla_total{namespace="sales-eu",campaign="half",policy="p",tier="high",region="eu",result="breached"} 0+2x120
  followup_sla_total{namespace="sales-eu",campaign="fine",policy="p",tier="standard",region="eu",result="met"} 0+99x120
  followup_sla_total{namespace="sales-eu",campaign="fine",policy="p",tier="standard",region="eu",result="breached"} 0+1x120
  followup_sla_total{namespace="sales-na",campaign="tiny",policy="p",tier="high",region="na",result="breached"} 0+0.02x120
  followup_dispatch_duration_seconds_count{namespace="sales-eu",channel="email-eu",channel_type="SMTP",outcome="sent"} 0+1x120
  followup_dispatch_duration_seconds_count{namespace="sales-eu",channel="email-eu",channel_type="SMTP",outcome="transient"} 0+1x120
  followup_dispatch_errors_total{namespace="sales-eu",channel="email-eu",channel_type="SMTP",outcome="transient"} 0+1x120
  followup_dispatch_duration_seconds_count{namespace="sales-eu",channel="whatsapp-eu",channel_type="WhatsApp",outcome="permanent"} 0+2x120
  followup_dispatch_errors_total{namespace="sales-eu",channel="whatsapp-eu",channel_type="WhatsApp",outcome="permanent"} 0+2x120
  followup_dispatch_duration_seconds_count{namespace="sales-eu",channel="chat",channel_type="Webhook",outcome="sent"} 0+5x120
  followup_dispatch_duration_seconds_count{namespace="sales-eu",channel="slow",channel_type="Webhook",outcome="deferred"} 0+5x120
  followup_dispatch_errors_total{namespace="sales-eu",channel="slow",channel_type="Webhook",outcome="deferred"} 0+5x120
`

// TestAlertsFireForWhatTheyDescribe evaluates each alert's expression (its recording
// rules inlined) with the PromQL engine after two hours of the series above, and checks
// which campaigns and channels it names: the 95% SLO pages for the 80% campaign at once,
// for the 40% one only in the slower windows, never for the 1% one or for one late lead.
func TestAlertsFireForWhatTheyDescribe(t *testing.T) {
	groups := parseRules(t, renderRules(t))
	records := map[string]string{}
	alerts := map[string]string{}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				records[r.Record] = r.Expr
			} else {
				alerts[r.Alert] = r.Expr
			}
		}
	}
	storage := promqltest.LoadedStorage(t, series)
	t.Cleanup(func() { _ = storage.Close() })
	engine := promql.NewEngine(promql.EngineOpts{MaxSamples: 1_000_000, Timeout: time.Minute, Parser: promParser})
	at := time.Unix(0, 0).Add(120 * time.Minute)

	want := map[string][]string{
		"FollowUpFirstResponseBudgetBurnFast":   {"burning"},
		"FollowUpFirstResponseBudgetBurnMedium": {"burning", "half"},
		"FollowUpFirstResponseBudgetBurnSlow":   {"burning", "half"},
		"FollowUpFirstResponseBudgetBurnLong":   {"burning", "half"},
		"FollowUpChannelFailing":                {"email-eu", "whatsapp-eu"},
		"FollowUpChannelDown":                   {"whatsapp-eu"},
	}
	for name, expr := range alerts {
		q, err := engine.NewInstantQuery(context.Background(), storage, nil, inline(expr, records), at)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		res := q.Exec(context.Background())
		if res.Err != nil {
			t.Fatalf("%s: %v", name, res.Err)
		}
		vec, err := res.Vector()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, s := range vec {
			got = append(got, s.Metric.Get("campaign")+s.Metric.Get("channel"))
		}
		sort.Strings(got)
		if !slices.Equal(got, want[name]) {
			t.Errorf("%s fires for %v, want %v", name, got, want[name])
		}
	}
	if len(alerts) != len(want) {
		t.Errorf("%d alerts, %d expected", len(alerts), len(want))
	}
}

// inline replaces each recorded series name with its expression, the way the rule
// manager's evaluation order would have produced it.
func inline(expr string, records map[string]string) string {
	for changed := true; changed; {
		changed = false
		for name, def := range records {
			re := regexp.MustCompile(regexp.QuoteMeta(name) + `\b`)
			if re.MatchString(expr) {
				expr, changed = re.ReplaceAllLiteralString(expr, "("+def+")"), true
			}
		}
	}
	return expr
}
