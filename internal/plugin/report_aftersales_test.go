package plugin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/plugin"
)

// TestReportByAfterSales: `report --by aftersales` shows each campaign's NPS, repeat
// purchases and median time to answer, read from the leads' status.afterSales through
// the real API server.
func TestReportByAfterSales(t *testing.T) {
	ctx := context.Background()
	const ns = "report-aftersales"
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	_ = env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	wonAt := metav1.NewTime(now.Add(-30 * 24 * time.Hour))
	// Scores 10, 9, 3: two promoters, one detractor -> +33; orders: one of three ordered twice.
	for i, score := range []int32{10, 9, 3} {
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("as-%d", i), Namespace: ns}, Spec: v1.LeadSpec{
			Policy: "p", Contact: v1.Contact{Email: "x@example.com"}, Source: v1.LeadSource{Campaign: "spring"},
			Outcome: &v1.Outcome{Result: v1.OutcomeWon, At: wonAt}}}
		if err := env.Client.Create(ctx, l); err != nil {
			t.Fatal(err)
		}
		orders := []string{"SO-" + fmt.Sprint(i)}
		if i == 0 {
			orders = append(orders, "SO-9")
		}
		l.Status.AfterSales = &v1.AfterSalesStatus{Policy: "after-sales", Phase: v1.AfterSalesActive, Orders: orders, NPS: ptr.To(score)}
		// One question after the sale, answered by a rep 90 minutes later.
		l.Status.Interactions = []v1.InteractionEntry{
			{At: metav1.NewTime(wonAt.Add(time.Hour)), Kind: v1.InteractionReply, Quality: ptr.To[int32](2)},
			{At: metav1.NewTime(wonAt.Add(150 * time.Minute)), Kind: v1.InteractionMessageSent}}
		if err := env.Client.Status().Update(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	e := plugin.Env{Out: &out, Err: &errb, Now: func() time.Time { return now },
		Connect: func(_, _, _ string) (client.Client, string, string, error) { return env.Client, ns, "", nil }}
	if code := plugin.Run(ctx, []string{"report", "--by", "aftersales"}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if want := "spring    3      +33 (3)          33.3% (1 of 3)    1h30m0s (3)"; !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}
	out.Reset()
	plugin.Run(ctx, []string{"report", "--by", "aftersales", "-o", "json"}, e)
	var j struct {
		Rows []struct{ NPS, RepeatPurchaseRate float64 }
	}
	if err := json.Unmarshal(out.Bytes(), &j); err != nil || len(j.Rows) != 1 || j.Rows[0].RepeatPurchaseRate != 1.0/3 {
		t.Errorf("json: %v %s", err, out.String())
	}
}
