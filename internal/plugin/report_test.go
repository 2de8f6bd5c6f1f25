package plugin_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/plugin"
)

// TestReportGroupsLiveLeads: leads in their own namespace, two keywords; one lead
// contacted in 30 minutes and won, one breached; one lead outside the window.
func TestReportGroupsLiveLeads(t *testing.T) {
	const rns = "report"
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	_ = env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: rns}})
	mk := func(name, keyword string, submitted time.Time, st v1.LeadStatus, out *v1.Outcome) {
		at := metav1.NewTime(submitted)
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: rns}, Spec: v1.LeadSpec{
			Contact: v1.Contact{Email: "x@example.com"}, Policy: "p", Outcome: out,
			Source: v1.LeadSource{Keyword: keyword, SubmittedAt: &at}}}
		if err := env.Client.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		l.Status = st
		if err := env.Client.Status().Update(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	sub := now.Add(-48 * time.Hour)
	contacted := metav1.NewTime(sub.Add(30 * time.Minute))
	mk("won", "cnc laser", sub, v1.LeadStatus{FirstResponse: v1.FirstResponseStatus{State: v1.SLAMet, ContactedAt: &contacted}},
		&v1.Outcome{Result: v1.OutcomeWon, Value: &v1.Money{Amount: "12000", Currency: "USD"}, At: metav1.NewTime(now.Add(-time.Hour))})
	mk("late", "fiber laser", sub, v1.LeadStatus{FirstResponse: v1.FirstResponseStatus{State: v1.SLABreached}}, nil)
	mk("old", "cnc laser", now.Add(-10*24*time.Hour), v1.LeadStatus{}, nil)

	run := func(args ...string) string {
		var out, errb bytes.Buffer
		e := plugin.Env{Out: &out, Err: &errb, Now: func() time.Time { return now },
			Connect: func(_, _, _ string) (client.Client, string, string, error) { return env.Client, rns, "", nil }}
		if code := plugin.Run(ctx, args, e); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	var js struct {
		Rows []struct {
			Group         string
			Leads         int
			SLAAttainment float64
			Won           int
			Revenue       float64
		}
	}
	if err := json.Unmarshal([]byte(run("report", "--by", "keyword", "-o", "json")), &js); err != nil {
		t.Fatal(err)
	}
	if len(js.Rows) != 3 || js.Rows[0].Group != "(all)" || js.Rows[0].Leads != 2 || js.Rows[0].SLAAttainment != 0.5 ||
		js.Rows[0].Won != 1 || js.Rows[0].Revenue != 12000 {
		t.Fatalf("rows %+v", js.Rows)
	}
	got := map[string]int{}
	for _, r := range js.Rows[1:] {
		got[r.Group] = r.Leads
	}
	if got["cnc laser"] != 1 || got["fiber laser"] != 1 {
		t.Errorf("by keyword %v (the 10-day-old lead is outside 7d)", got)
	}
	recs, err := csv.NewReader(strings.NewReader(run("report", "--by", "keyword", "-o", "csv"))).ReadAll()
	if err != nil || len(recs) != 4 || recs[0][0] != "group" || recs[1][1] != "2" {
		t.Errorf("csv %v %v", recs, err)
	}
	if out := run("report", "--since", "14d"); !strings.Contains(out, "(all)") || !strings.Contains(out, "3 ") {
		t.Errorf("14d table:\n%s", out)
	}
	var out, errb bytes.Buffer
	if code := plugin.Run(ctx, []string{"report", "--by", "color"}, plugin.Env{Out: &out, Err: &errb}); code != 2 ||
		!strings.Contains(errb.String(), `--by "color"`) {
		t.Errorf("bad --by: %d %s", code, errb.String())
	}
}
