package plugin

import (
	"context"
	"flag"
	"fmt"
	"github.com/followup-io/followup-operator/internal/indexes"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/contactkey"
)

// runForget erases a contact (GDPR article 17) from the cluster and the archive: every
// lead with that email or phone number, with its interactions, leaving in the archive
// only an audit entry (when, who, how many) and tombstones of the leads' UIDs, which
// hold no personal data and stop a racing archive write from storing them again.
//
// Order: the archive first (tombstones, in one transaction with the audit entry), then
// the live leads. A lead being archived at that moment is then either already a
// tombstone or refused by one.
func runForget(ctx context.Context, args []string, env Env, now time.Time) error {
	var g globals
	var arch archiveFlag
	var emails, phones multiFlag
	var noArchive, dryRun, follow bool
	fs := flag.NewFlagSet("forget", flag.ContinueOnError)
	g.bind(fs)
	arch.bind(fs)
	fs.Var(&emails, "email", "An email address of the contact (repeat for several).")
	fs.Var(&phones, "phone", "A phone or WhatsApp number of the contact (repeat for several).")
	fs.BoolVar(&noArchive, "no-archive", false, "There is no archive: erase from the cluster only.")
	fs.BoolVar(&dryRun, "dry-run", false, "Count what would be erased; change nothing.")
	fs.BoolVar(&follow, "follow-links", false, "Also erase the leads reached through the other addresses and numbers found on the contact's leads, until no new one appears.")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("forget takes no lead names: give the contact's --email and/or --phone")
	}
	if len(emails)+len(phones) == 0 {
		return usagef("forget needs the contact's --email and/or --phone")
	}
	var keys []contactkey.Key
	for _, e := range emails {
		k, err := contactkey.Parse(contactkey.Email, e)
		if err != nil {
			return usagef("--email: %v", err)
		}
		keys = append(keys, k)
	}
	for _, p := range phones {
		k, err := contactkey.Parse(contactkey.Phone, p)
		if err != nil {
			return usagef("--phone: %v", err)
		}
		if !strings.HasPrefix(strings.TrimSpace(p), "+") {
			// Leads keep readable numbers in international form; a national number
			// matches only one kept as typed (spec.contact.phoneAsGiven). Say so, so
			// "erased 0" is not read as "there was nothing".
			fmt.Fprintf(env.Err, "note: --phone %s has no country code; numbers are stored as +<country><number>, give that form too\n", p)
		}
		keys = append(keys, k)
	}
	if arch.dsn == "" && !noArchive {
		return usagef("forget must erase the archive too: give --archive-dsn (or $%s), or --no-archive when there is none", archive.EnvDSN)
	}
	if arch.dsn != "" && noArchive {
		return usagef("--no-archive and --archive-dsn contradict each other")
	}
	c, _, user, err := env.Connect(g.kubeconfig, g.context, g.namespace)
	if err != nil {
		return err
	}
	// Every namespace unless one is named: an erasure is of the person, wherever they are.
	var opts []client.ListOption
	if g.namespace != "" {
		opts = append(opts, client.InNamespace(g.namespace))
	}
	var list v1.LeadList
	if err := c.List(ctx, &list, opts...); err != nil {
		if apierrors.IsForbidden(err) {
			return fmt.Errorf("listing leads in all namespaces is forbidden for you; run forget once per namespace with -n: %w", err)
		}
		return err
	}
	store, err := arch.open(ctx)
	if err != nil {
		return err
	}
	if store != nil {
		defer store.Close()
	}
	var namespaces []string
	if g.namespace != "" {
		namespaces = []string{g.namespace}
	}
	archivedBy := func(ks []contactkey.Key) ([]archive.Record, error) {
		if store == nil {
			return nil, nil
		}
		return store.ByContact(ctx, namespaces, ks)
	}
	// The addresses and numbers on the contact's leads may reach further leads: the same
	// person, or another one behind a shared number (a switchboard). Followed only when
	// asked; otherwise counted, so nobody is erased by association unasked.
	wide, wideErr := contactClosure(keys, list.Items, archivedBy)
	if follow {
		if wideErr != nil {
			return wideErr
		}
		if len(wide) > len(keys) {
			// Counts only: the keys found are the person's data too.
			fmt.Fprintf(env.Out, "followed the contact's leads: %d email addresses and numbers given, %d found on them\n", len(keys), len(wide))
		}
		keys = wide
	}
	archived, err := archivedBy(keys)
	if err != nil {
		return err
	}
	var live []*v1.Lead
	var liveRefs []archive.LiveLead
	erased := map[string]bool{}
	for i := range list.Items {
		l := &list.Items[i]
		if contactkey.Matches(l.Spec.Contact, keys) {
			live = append(live, l)
			liveRefs = append(liveRefs, archive.LiveLead{UID: string(l.UID), Namespace: l.Namespace})
			erased[string(l.UID)] = true
		}
	}
	for _, r := range archived {
		erased[string(r.Lead.UID)] = true
	}
	if !follow {
		if n, err := reachedBeyond(list.Items, wide, wideErr, erased, archivedBy); err != nil {
			return err
		} else if n != "" {
			fmt.Fprintf(env.Err, "note: %s share an email address or number with these leads and are not erased; "+
				"if they are the same person, see them with --dry-run --follow-links and erase with --follow-links\n", n)
		}
	}
	linked := linkedSurvivors(list.Items, erased)
	if dryRun {
		fmt.Fprintf(env.Out, "would erase %d live and %d archived leads, and unlink %d other leads from them (dry run: nothing changed)\n",
			len(live), len(archived), len(linked))
		return nil
	}

	var res archive.ForgetResult
	if store != nil {
		if res, err = store.Forget(ctx, archive.ForgetRequest{Keys: keys, Live: liveRefs, RequestedBy: user, Now: now}); err != nil {
			return err
		}
	}
	deleted, interactions := 0, 0
	for _, l := range live {
		n, err := deleteInteractions(ctx, c, l)
		interactions += n
		if err != nil {
			return err
		}
		uid := l.UID
		if err := c.Delete(ctx, l, client.Preconditions{UID: &uid}); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("deleting lead %s/%s: %w", l.Namespace, l.Name, err)
		}
		deleted++
	}
	// A surviving lead linked to an erased one (status.returningContact) would keep its
	// name and phase; the link goes with the erasure.
	unlinked := 0
	for _, l := range linked {
		if err := unlink(ctx, c, l); err != nil {
			return fmt.Errorf("unlinking lead %s/%s: %w", l.Namespace, l.Name, err)
		}
		unlinked++
	}
	if unlinked > 0 {
		fmt.Fprintf(env.Out, "unlinked %d other leads from the erased ones\n", unlinked)
	}
	if store != nil {
		done := time.Now() // the audit says when the erasure ended, not when it was asked for
		if env.Now != nil {
			done = env.Now()
		}
		if err := store.CompleteForget(ctx, res.AuditID, deleted, interactions, done); err != nil {
			return err
		}
		if err := store.Vacuum(ctx); err != nil {
			fmt.Fprintf(env.Err, "warning: vacuum after the erasure failed (autovacuum will reclaim the rows): %v\n", err)
		}
		fmt.Fprintf(env.Out, "erased %d live leads (%d interactions) and %d archived leads; audit entry %d\n",
			deleted, interactions, res.ArchivedLeads, res.AuditID)
		return nil
	}
	fmt.Fprintf(env.Out, "erased %d live leads (%d interactions); no archive\n", deleted, interactions)
	return nil
}

// deleteInteractions deletes the lead's Interaction objects (its unfolded inbox).
func deleteInteractions(ctx context.Context, c client.Client, l *v1.Lead) (int, error) {
	// spec.lead is a selectable field: the API server lists only this lead's objects.
	var list v1.InteractionList
	if err := c.List(ctx, &list, client.InNamespace(l.Namespace), client.MatchingFields{indexes.InteractionLead: l.Name}); err != nil {
		return 0, err
	}
	n := 0
	for i := range list.Items {
		in := &list.Items[i]
		if err := c.Delete(ctx, in); client.IgnoreNotFound(err) != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }
