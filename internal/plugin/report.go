package plugin

import (
	"context"
	"flag"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/measures"
	"github.com/followup-io/followup-operator/internal/plugin/cliparse"
	"github.com/followup-io/followup-operator/internal/plugin/review"
)

// runReport is the weekly review: the Leads submitted in the window (live, plus archived
// ones when the archive is configured, so archiving never changes a figure) and the
// Campaigns, measured per group of one dimension, with the recommendations the brief's
// rules make of them.
func runReport(ctx context.Context, args []string, env Env, now time.Time) error {
	var g globals
	var arch archiveFlag
	var all bool
	var since, by, output string
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	g.bind(fs)
	arch.bind(fs)
	fs.BoolVar(&all, "A", false, "All namespaces.")
	fs.BoolVar(&all, "all-namespaces", false, "All namespaces.")
	fs.StringVar(&since, "since", "7d", "Window ending now (such as 7d or 48h).")
	fs.StringVar(&by, "by", "campaign", "Group by campaign, keyword, adgroup, region, variant (A/B steps) or aftersales (NPS, repeat purchases, time to answer).")
	fs.StringVar(&output, "o", "table", "Output: table, json or csv.")
	fs.StringVar(&output, "output", "table", "Output: table, json or csv.")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("report takes no names; use --by to group")
	}
	window, err := cliparse.Days(since)
	if err != nil {
		return usagef("--since %v", err)
	}
	dim := measures.Dimension(by)
	switch dim {
	case measures.ByCampaign, measures.ByKeyword, measures.ByAdGroup, measures.ByRegion, "variant", "aftersales":
	default:
		return usagef("--by %q: want campaign, keyword, adgroup, region, variant or aftersales", by)
	}
	render, ok := renderers[output]
	if !ok {
		return usagef("-o %q: want table, json or csv", output)
	}
	c, ns, _, err := env.Connect(g.kubeconfig, g.context, g.namespace)
	if err != nil {
		return err
	}
	var opts []client.ListOption
	if !all {
		opts = append(opts, client.InNamespace(ns))
	}
	var leads v1.LeadList
	if err := c.List(ctx, &leads, opts...); err != nil {
		return err
	}
	if by == "aftersales" {
		return reportAfterSales(leads.Items, env.Out, output, now)
	}
	// Archived leads count in every grouping, variants included: archiving never
	// changes a figure.
	measured, err := withArchivedLeads(ctx, env, &arch, all, ns, now, window, leads.Items)
	if err != nil {
		return err
	}
	if by == "variant" {
		return reportVariants(ctx, c, opts, measured, env.Out, output, now, window)
	}
	var campaigns v1.CampaignList
	if err := c.List(ctx, &campaigns, opts...); err != nil {
		return err
	}
	r := review.Build(review.Input{Leads: measured, Campaigns: campaigns.Items, By: dim, Now: now, Window: window})
	return render(env.Out, r)
}

// withArchivedLeads adds the archived leads submitted in the window (the same window
// the measures count) to the live ones.
func withArchivedLeads(ctx context.Context, env Env, arch *archiveFlag, all bool, ns string, now time.Time,
	window time.Duration, live []v1.Lead) ([]v1.Lead, error) {
	store, err := arch.open(ctx)
	if err != nil {
		return nil, err
	}
	if store == nil {
		noArchiveNote(env, "report")
		return live, nil
	}
	defer store.Close()
	sc := archive.Scope{}
	if !all {
		sc.Namespaces = []string{ns}
	}
	o := measures.Options{Now: now, Window: window}
	archived, err := store.Submitted(ctx, sc, o.Start(), now)
	if err != nil {
		return nil, err
	}
	return measures.WithArchived(live, archived), nil
}
