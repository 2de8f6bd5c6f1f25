package plugin_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/leadrecord"
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
