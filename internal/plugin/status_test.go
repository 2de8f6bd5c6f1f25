package plugin_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/plugin"
)

func setStatus(t *testing.T, name string, st v1.LeadStatus) {
	t.Helper()
	l := lead(t, name)
	l.Status = st
	if err := env.Client.Status().Update(context.Background(), l); err != nil {
		t.Fatal(err)
	}
}

func TestStatusListsWhatIsDuePerOwnerOverdueFirst(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { x := metav1.NewTime(now.Add(d)); return &x }
	for _, n := range []string{"st-task", "st-sla", "st-later", "st-won"} {
		setup(t, n)
	}
	setStatus(t, "st-task", v1.LeadStatus{Owner: "anna", Stage: "3/3 call (task open)", Touches: []v1.TouchRecord{
		{Number: 3, Step: "call-with-offer", Due: *at(-3 * time.Hour), Result: v1.TouchTaskAssigned, Key: "k3"}}})
	setStatus(t, "st-sla", v1.LeadStatus{Owner: "jonas", NextTouchAt: at(20 * time.Minute), Stage: "0/3",
		FirstResponse: v1.FirstResponseStatus{State: v1.SLAPending, Deadline: at(40 * time.Minute)}})
	setStatus(t, "st-later", v1.LeadStatus{Owner: "anna", NextTouchAt: at(5 * time.Hour), Stage: "1/3"})
	won := lead(t, "st-won")
	won.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeLost, Reason: "price", At: *at(-time.Hour)}
	if err := env.Client.Update(context.Background(), won); err != nil {
		t.Fatal(err)
	}
	setStatus(t, "st-won", v1.LeadStatus{Owner: "anna", NextTouchAt: at(-time.Hour)})

	var out, errb bytes.Buffer
	e := plugin.Env{Out: &out, Err: &errb, Now: func() time.Time { return now },
		Connect: func(_, _, _ string) (client.Client, string, string, error) { return env.Client, ns, "", nil }}
	if code := plugin.Run(context.Background(), []string{"status"}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var mine []string
	for _, l := range lines[1:] {
		if f := strings.Fields(l); len(f) > 2 && strings.HasPrefix(f[2], "st-") {
			mine = append(mine, f[0]+" "+f[2]+" "+strings.Join(f[4:6], " "))
		}
	}
	want := []string{"anna st-task OVERDUE 3h", "jonas st-sla in 20m", "jonas st-sla in 40m"}
	if strings.Join(mine, "|") != strings.Join(want, "|") {
		t.Errorf("status rows:\n%s\nwant %v", out.String(), want)
	}
	out.Reset()
	plugin.Run(context.Background(), []string{"status", "--owner", "anna", "--within", "6h"}, e)
	if s := out.String(); strings.Contains(s, "jonas") || !strings.Contains(s, "st-later") || strings.Contains(s, "st-won") {
		t.Errorf("--owner anna --within 6h:\n%s", s)
	}
}

// TestStatusShowsTaskDeadlinesAndBlockedLeads: a task is due by its deadline and says
// when it is overdue; a lead that cannot progress, or whose touches do not go out, is
// listed with the reason.
func TestStatusShowsTaskDeadlinesAndBlockedLeads(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { x := metav1.NewTime(now.Add(d)); return &x }
	for _, n := range []string{"td-task", "td-blocked"} {
		setup(t, n)
	}
	setStatus(t, "td-task", v1.LeadStatus{Owner: "mei", Phase: v1.PhaseAwaitingTask, Stage: "3/3 call (task overdue)",
		NextTouchAt: at(2 * time.Hour), Touches: []v1.TouchRecord{{Number: 3, Step: "call", Due: *at(-26 * time.Hour),
			Result: v1.TouchTaskAssigned, Key: "k9", TaskDeadline: at(2 * time.Hour), OverdueActions: 1}}})
	setStatus(t, "td-blocked", v1.LeadStatus{Owner: "mei", Phase: v1.PhaseBlocked, Conditions: []metav1.Condition{{
		Type: v1.ConditionStalled, Status: metav1.ConditionTrue, Reason: v1.ReasonPolicyNotFound,
		Message: `policy "x" not found`, LastTransitionTime: *at(-time.Hour)}}})
	var out, errb bytes.Buffer
	e := plugin.Env{Out: &out, Err: &errb, Now: func() time.Time { return now },
		Connect: func(_, _, _ string) (client.Client, string, string, error) { return env.Client, ns, "", nil }}
	if code := plugin.Run(context.Background(), []string{"status", "--owner", "mei", "--within", "3h"}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	for _, want := range []string{"td-task", "task #3 call (touch k9), overdue: 1 reminder/escalation step(s) taken",
		"td-blocked", `PolicyNotFound: policy "x" not found`} {
		if !strings.Contains(s, want) {
			t.Errorf("status lacks %q:\n%s", want, s)
		}
	}
	if strings.Count(s, "td-task") != 1 {
		t.Errorf("the task's lead is listed once, by its task:\n%s", s)
	}
}
