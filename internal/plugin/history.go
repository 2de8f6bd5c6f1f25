package plugin

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/contactkey"
	"github.com/followup-io/followup-operator/internal/history"
)

// runHistory prints one customer's timeline across their live and archived leads.
func runHistory(ctx context.Context, args []string, env Env) error {
	var g globals
	var arch archiveFlag
	var all bool
	var email, phone, company, output string
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	g.bind(fs)
	arch.bind(fs)
	fs.BoolVar(&all, "A", false, "All namespaces.")
	fs.BoolVar(&all, "all-namespaces", false, "All namespaces.")
	fs.StringVar(&email, "email", "", "The customer's email address.")
	fs.StringVar(&phone, "phone", "", "The customer's phone or WhatsApp number.")
	fs.StringVar(&company, "company", "", "A company's email domain (example.com): every contact there.")
	fs.StringVar(&output, "o", "table", "Output: table or json.")
	fs.StringVar(&output, "output", "table", "Output: table or json.")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	given := 0
	for _, s := range []string{email, phone, company} {
		if s != "" {
			given++
		}
	}
	if len(pos) > 1 || given+len(pos) != 1 {
		return usagef("name one lead, or give one of --email, --phone, --company")
	}
	if output != "table" && output != "json" {
		return usagef("-o %q: want table or json", output)
	}
	if company != "" && contactkey.FreeMail(company) {
		return usagef("--company %s is a free-mail provider, nobody's company: give --email instead", company)
	}
	var keys []contactkey.Key
	for _, kv := range []struct {
		kind  contactkey.Kind
		flag  string
		value string
	}{{contactkey.Email, "--email", email}, {contactkey.Phone, "--phone", phone}, {contactkey.Domain, "--company", company}} {
		if kv.value == "" {
			continue
		}
		k, err := contactkey.Parse(kv.kind, kv.value)
		if err != nil {
			return usagef("%s: %v", kv.flag, err)
		}
		keys = append(keys, k)
	}
	store, err := arch.open(ctx)
	if err != nil {
		return err
	}
	if store != nil {
		defer store.Close()
	} else {
		noArchiveNote(env, "history")
	}
	c, ns, _, err := env.Connect(g.kubeconfig, g.context, g.namespace)
	if err != nil {
		return err
	}
	var namespaces []string
	var opts []client.ListOption
	if !all {
		namespaces = []string{ns}
		opts = append(opts, client.InNamespace(ns))
	}
	var live v1.LeadList
	if err := c.List(ctx, &live, opts...); err != nil {
		return err
	}
	var sources []history.Source
	if len(pos) == 1 {
		first, err := findLead(ctx, c, store, ns, pos[0])
		if err != nil {
			return err
		}
		keys = contactkey.Identity(first.Lead.Spec.Contact)
		if len(keys) == 0 {
			sources = append(sources, *first) // no email or phone: the lead alone
		}
	}
	if len(keys) > 0 {
		for i := range live.Items {
			if contactkey.Matches(live.Items[i].Spec.Contact, keys) {
				sources = append(sources, history.Source{Lead: &live.Items[i]})
			}
		}
		if store != nil {
			recs, err := store.ByContact(ctx, namespaces, keys)
			if err != nil {
				return err
			}
			for i := range recs {
				sources = append(sources, history.Source{Lead: &recs[i].Lead, Archived: true, ArchivedAt: recs[i].ArchivedAt, Inbox: recs[i].Inbox})
			}
		}
	}
	if len(sources) == 0 {
		return fmt.Errorf("no lead of that contact found")
	}
	if err := addInboxes(ctx, c, sources); err != nil {
		return err
	}
	tl := history.Build(sources)
	if output == "json" {
		enc := json.NewEncoder(env.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(tl)
	}
	return historyTable(env.Out, tl)
}

// findLead is the named lead in the namespace, live or else the newest archived one of
// that name.
func findLead(ctx context.Context, c client.Client, store *archive.Store, ns, name string) (*history.Source, error) {
	var l v1.Lead
	err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &l)
	if err == nil {
		return &history.Source{Lead: &l}, nil
	}
	if client.IgnoreNotFound(err) != nil {
		return nil, err
	}
	if store != nil {
		recs, err := store.ByName(ctx, []string{ns}, name)
		if err != nil {
			return nil, err
		}
		if len(recs) > 0 {
			return &history.Source{Lead: &recs[0].Lead, Archived: true, ArchivedAt: recs[0].ArchivedAt, Inbox: recs[0].Inbox}, nil
		}
	}
	return nil, fmt.Errorf("lead %q not found in namespace %q (live or archived)", name, ns)
}

// addInboxes adds live leads' Interaction objects not yet folded into them.
func addInboxes(ctx context.Context, c client.Client, sources []history.Source) error {
	byNS := map[string]map[string]*history.Source{}
	for i := range sources {
		s := &sources[i]
		if s.Archived {
			continue
		}
		if byNS[s.Lead.Namespace] == nil {
			byNS[s.Lead.Namespace] = map[string]*history.Source{}
		}
		byNS[s.Lead.Namespace][s.Lead.Name] = s
	}
	for ns, leads := range byNS {
		var list v1.InteractionList
		if err := c.List(ctx, &list, client.InNamespace(ns)); err != nil {
			return err
		}
		for _, in := range list.Items {
			if s := leads[in.Spec.Lead]; s != nil {
				s.Inbox = append(s.Inbox, in.Spec.InteractionEntry)
			}
		}
	}
	return nil
}

func historyTable(w io.Writer, tl history.Timeline) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LEAD\tWHERE\tPHASE\tOWNER\tCAMPAIGN\tSUBMITTED\tRETURNING FROM")
	for _, l := range tl.Leads {
		fmt.Fprintf(tw, "%s/%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.Namespace, l.Name, l.Where, dash(string(l.Phase)), dash(l.Owner),
			dash(l.Campaign), l.SubmittedAt.UTC().Format(time.RFC3339), dash(l.ReturningFrom))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "TIME\tLEAD\tCHANNEL\tEVENT\tDETAIL")
	for _, e := range tl.Entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.UTC().Format(time.RFC3339), e.Lead, dash(e.Channel), e.Event, e.Detail)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
