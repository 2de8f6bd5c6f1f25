package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// TestDashboardReferencesRealMetrics fails when a panel queries a metric this package
// does not define (a rename would otherwise leave an empty panel).
func TestDashboardReferencesRealMetrics(t *testing.T) {
	raw, err := os.ReadFile("../../config/grafana/followup-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("dashboard is not valid JSON: %v", err)
	}
	known := map[string]bool{}
	for _, n := range []string{NameLeadsByState, NameSLA, NameTouches, NameDispatchErrors, NameReplies, NameCampaignMeasure} {
		known[n] = true
	}
	for _, n := range []string{NameFirstResponse, NameDispatchLatency} {
		known[n+"_bucket"], known[n+"_sum"], known[n+"_count"] = true, true, true
	}
	name := regexp.MustCompile(`followup_[a-z_]+`)
	exprs := 0
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			exprs++
			for _, n := range name.FindAllString(tg.Expr, -1) {
				if !known[n] {
					t.Errorf("panel %q uses unknown metric %s", p.Title, n)
				}
			}
		}
	}
	if exprs == 0 {
		t.Fatal("dashboard has no queries")
	}
}
