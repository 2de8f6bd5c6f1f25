package plugin_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/leadrecord"
	"github.com/followup-io/followup-operator/internal/plugin"
)

// recorded is what `record` stored for a lead: its Interaction objects in the order they
// were created (etcd revisions grow), checked to be owned by the lead and named for it.
func recorded(t *testing.T, name string) []v1.InteractionEntry {
	t.Helper()
	var list v1.InteractionList
	if err := env.Client.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	l := lead(t, name)
	rev := func(o v1.Interaction) int { n, _ := strconv.Atoi(o.ResourceVersion); return n }
	slices.SortFunc(list.Items, func(a, b v1.Interaction) int { return rev(a) - rev(b) })
	var out []v1.InteractionEntry
	for _, o := range list.Items {
		if o.Spec.Lead != name {
			continue
		}
		if o.Name != leadrecord.InteractionName(name, o.Spec.ID) || len(o.OwnerReferences) != 1 ||
			o.OwnerReferences[0].UID != l.UID || o.OwnerReferences[0].Kind != "Lead" {
			t.Errorf("interaction %s: name or owner %+v", o.Name, o.OwnerReferences)
		}
		out = append(out, o.Spec.InteractionEntry)
	}
	return out
}

// TestBounceIsAReceipt: `record --bounce` stores a receipt: Bounced, Email, no direction
// (the edge stores a CRM's bounce the same way).
func TestBounceIsAReceipt(t *testing.T) {
	setup(t, "bounced")
	if code, out, errs := run("record", "bounced", "--bounce", "--id", "b1"); code != 0 {
		t.Fatalf("%d %s %s", code, out, errs)
	}
	got := recorded(t, "bounced")
	if len(got) != 1 || got[0].Kind != v1.InteractionBounced || got[0].Medium != "Email" || got[0].Direction != "" {
		t.Errorf("%+v", got)
	}
	if len(lead(t, "bounced").Spec.Interactions) != 0 {
		t.Error("record wrote the lead's spec")
	}
}

// TestOutOfOffice: `record --out-of-office --until` stores an AutoReply with the return
// day, and `status` lists a lead that is away with the day it is back.
func TestOutOfOffice(t *testing.T) {
	setup(t, "away")
	if code, out, errs := run("record", "away", "--out-of-office", "--until", "2026-12-01", "--medium", "email"); code != 0 || !strings.Contains(out, "recorded AutoReply") {
		t.Fatalf("%d %s %s", code, out, errs)
	}
	got := recorded(t, "away")
	if len(got) != 1 || got[0].Kind != v1.InteractionAutoReply || got[0].ReturnDate != "2026-12-01" || got[0].Direction != v1.Inbound || got[0].Quality != nil {
		t.Fatalf("%+v", got)
	}
	for _, bad := range [][]string{{"record", "away", "--out-of-office", "--until", "1.12.2026"}, {"record", "away", "--reply", "--quality", "1", "--until", "2026-12-01"}} {
		if code, _, _ := run(bad...); code == 0 {
			t.Errorf("%v accepted", bad)
		}
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	until := metav1.NewTime(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	setStatus(t, "away", v1.LeadStatus{Owner: "anna", Phase: v1.PhaseOutOfOffice, NextTouchAt: &until,
		Stage: "out of office until 2026-12-01, then 2/3 send-catalog", OutOfOffice: &v1.OutOfOfficeStatus{Since: metav1.NewTime(now), Until: until}})
	var out, errb bytes.Buffer
	e := plugin.Env{Out: &out, Err: &errb, Now: func() time.Time { return now },
		Connect: func(_, _, _ string) (client.Client, string, string, error) { return env.Client, ns, "", nil }}
	if code := plugin.Run(context.Background(), []string{"status", "--owner", "anna"}, e); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if s := out.String(); !strings.Contains(s, "away") || !strings.Contains(s, "out of office until 2026-12-01, then 2/3 send-catalog") {
		t.Errorf("status does not show the lead away:\n%s", s)
	}
}
