package plugin

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/plugin/cliparse"
)

// dueItem is one thing due on a lead.
type dueItem struct {
	Owner, Namespace, Lead, What string
	Due                          time.Time
}

// dueItems lists what is due by `until` on open leads: tasks waiting for the rep (due by
// their deadline), first responses not yet made, leads that cannot progress, and the
// next touch.
func dueItems(leads []v1.Lead, until time.Time) []dueItem {
	var items []dueItem
	for _, l := range leads {
		if l.Spec.Outcome != nil {
			continue
		}
		owner := l.Status.Owner
		if owner == "" {
			owner = "(unassigned)"
		}
		add := func(what string, due time.Time) {
			if !due.After(until) {
				items = append(items, dueItem{owner, l.Namespace, l.Name, what, due})
			}
		}
		for _, t := range l.Status.Touches {
			if t.Result != v1.TouchTaskAssigned {
				continue
			}
			what := fmt.Sprintf("task #%d %s (touch %s)", t.Number, t.Step, t.Key)
			due := t.Due.Time
			if t.TaskDeadline != nil {
				due = t.TaskDeadline.Time
			}
			if t.OverdueActions > 0 {
				what += fmt.Sprintf(", overdue: %d reminder/escalation step(s) taken", t.OverdueActions)
			}
			add(what, due)
		}
		if fr := l.Status.FirstResponse; fr.State == v1.SLAPending && fr.Deadline != nil {
			add("first response", fr.Deadline.Time)
		}
		for _, typ := range []string{v1.ConditionStalled, v1.ConditionDelivering, v1.ConditionValid} {
			if c := meta.FindStatusCondition(l.Status.Conditions, typ); c != nil && (typ == v1.ConditionStalled) == (c.Status == metav1.ConditionTrue) {
				add(fmt.Sprintf("%s: %s", c.Reason, c.Message), c.LastTransitionTime.Time)
			}
		}
		switch {
		case l.Status.HandedOffAt != nil:
			add("handed off: reply to the customer", l.Status.HandedOffAt.Time)
		case l.Status.Phase == v1.PhaseAwaitingTask:
			// the task above is what is due
		case l.Status.Phase == v1.PhaseOutOfOffice && l.Status.OutOfOffice != nil:
			// Listed however far off the return is: nobody should call a contact who is away.
			items = append(items, dueItem{owner, l.Namespace, l.Name, l.Status.Stage, l.Status.OutOfOffice.Until.Time})
		case l.Status.NextTouchAt != nil:
			add("next touch: "+l.Status.Stage, l.Status.NextTouchAt.Time)
		}
	}
	// Overdue first (oldest due first), then by owner.
	sort.Slice(items, func(i, j int) bool {
		if !items[i].Due.Equal(items[j].Due) {
			return items[i].Due.Before(items[j].Due)
		}
		return items[i].Owner+items[i].Lead < items[j].Owner+items[j].Lead
	})
	return items
}

func runStatus(ctx context.Context, args []string, env Env, now time.Time) error {
	var g globals
	var all bool
	var owner, within string
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	g.bind(fs)
	fs.BoolVar(&all, "A", false, "All namespaces.")
	fs.BoolVar(&all, "all-namespaces", false, "All namespaces.")
	fs.StringVar(&owner, "owner", "", "Only this rep's leads.")
	fs.StringVar(&within, "within", "1h", "Also list what falls due within this time (such as 1h, 2d).")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("status takes no lead names; use --owner to narrow it")
	}
	ahead, err := cliparse.Duration(within)
	if err != nil || ahead < 0 {
		return usagef("--within %q: want a duration such as 1h or 2d", within)
	}
	c, ns, _, err := env.Connect(g.kubeconfig, g.context, g.namespace)
	if err != nil {
		return err
	}
	var list v1.LeadList
	var opts []client.ListOption
	if !all {
		opts = append(opts, client.InNamespace(ns))
	}
	if err := c.List(ctx, &list, opts...); err != nil {
		return err
	}
	items := dueItems(list.Items, now.Add(ahead))
	tw := tabwriter.NewWriter(env.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OWNER\tNAMESPACE\tLEAD\tDUE\tWHEN\tWHAT")
	shown := 0
	for _, it := range items {
		if owner != "" && it.Owner != owner {
			continue
		}
		when := "in " + cliparse.Human(it.Due.Sub(now))
		if !it.Due.After(now) {
			when = "OVERDUE " + cliparse.Human(now.Sub(it.Due))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", it.Owner, it.Namespace, it.Lead, it.Due.UTC().Format(time.RFC3339), when, it.What)
		shown++
	}
	_ = tw.Flush()
	if shown == 0 {
		fmt.Fprintln(env.Out, "nothing due")
	}
	return nil
}
