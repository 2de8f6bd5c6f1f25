package plugin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/archive/archivetest"
	"github.com/followup-io/followup-operator/internal/history"
	"github.com/followup-io/followup-operator/internal/plugin"
	"github.com/followup-io/followup-operator/internal/testenv"
)

const day = 24 * time.Hour

// archiveRun runs the plugin with a fixed clock and a default namespace.
func archiveRun(now time.Time, ns string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := plugin.Run(context.Background(), args, plugin.Env{Out: &out, Err: &errb, Now: func() time.Time { return now },
		Connect: func(_, _, namespace string) (client.Client, string, string, error) {
			if namespace == "" {
				namespace = ns
			}
			return env.Client, namespace, "privacy-officer", nil
		}})
	return code, out.String(), errb.String()
}

// customer makes a lead of a contact as the lifecycle left it (status written).
type customer struct {
	name, email, phone, contactName, company string
	submitted                                time.Time
	outcome                                  v1.OutcomeResult
	closedAt                                 time.Time
	value                                    string
	campaign, keyword                        string
}

func makeLead(t *testing.T, ns string, c customer) *v1.Lead {
	t.Helper()
	ctx := context.Background()
	sub := metav1.NewTime(c.submitted)
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: c.name, Namespace: ns}, Spec: v1.LeadSpec{
		Contact: v1.Contact{Name: c.contactName, Company: c.company, Email: c.email, Phone: c.phone},
		Source:  v1.LeadSource{Campaign: c.campaign, Keyword: c.keyword, SubmittedAt: &sub}, Policy: "p",
		Interactions: []v1.InteractionEntry{{At: metav1.NewTime(c.submitted.Add(3 * time.Hour)), Kind: v1.InteractionReply,
			Medium: "Email", Direction: v1.Inbound, Quality: ptr.To[int32](2), ID: c.name + "-reply"}}}}
	phase := v1.PhaseInCadence
	if c.outcome != "" {
		l.Spec.Outcome = &v1.Outcome{Result: c.outcome, At: metav1.NewTime(c.closedAt)}
		if c.value != "" {
			l.Spec.Outcome.Value = &v1.Money{Amount: c.value, Currency: "EUR"}
		}
		phase = v1.PhaseWon
		if c.outcome == v1.OutcomeLost {
			phase = v1.PhaseLost
		}
	}
	if err := env.Client.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	first := metav1.NewTime(c.submitted.Add(time.Hour))
	l.Status = v1.LeadStatus{Phase: phase, Owner: "anna",
		FirstResponse: v1.FirstResponseStatus{State: v1.SLAMet, ContactedAt: &first},
		Engagement:    v1.Engagement{Replies: 1, BestQuality: 2},
		Touches: []v1.TouchRecord{{Number: 1, Step: "introduce", Channel: "whatsapp-eu", Template: "intro", Due: first,
			PerformedAt: &first, Result: v1.TouchSent, Key: c.name + "-1"}}}
	if err := env.Client.Status().Update(ctx, l); err != nil {
		t.Fatal(err)
	}
	return l
}

// archiveLead moves a lead to the archive the way the retention controller does.
func archiveLead(t *testing.T, s *archive.Store, l *v1.Lead, now time.Time) {
	t.Helper()
	ctx := context.Background()
	var cur v1.Lead
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(l), &cur); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, archive.NewRecord(&cur, nil), now); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Delete(ctx, &cur); err != nil {
		t.Fatal(err)
	}
}

func newNS(t *testing.T, name string) string {
	t.Helper()
	if err := env.Client.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestArchiveCommands: history, forget and report against a real control plane and a
// real PostgreSQL archive.
func TestArchiveCommands(t *testing.T) {
	pg := testenv.PostgresFor(t)
	newStore := func(t *testing.T) (*archive.Store, string) { return archivetest.New(t, pg, nil) }
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

	t.Run("history", func(t *testing.T) {
		store, dsn := newStore(t)
		ns := newNS(t, "history")
		first := makeLead(t, ns, customer{name: "hanna-1", email: "hanna@maszyny.pl", phone: "+48501234567", contactName: "Hanna K",
			submitted: now.Add(-120 * day), outcome: v1.OutcomeLost, closedAt: now.Add(-100 * day), campaign: "cnc"})
		archiveLead(t, store, first, now.Add(-60*day))
		makeLead(t, ns, customer{name: "hanna-2", email: "h.k@gmail.com", phone: "+48501234567", contactName: "Hanna K",
			submitted: now.Add(-10 * day), campaign: "cnc"})
		makeLead(t, ns, customer{name: "jan", email: "jan@maszyny.pl", contactName: "Jan", submitted: now.Add(-5 * day)})
		// A WhatsApp reply not yet folded into hanna-2.
		if err := env.Client.Create(context.Background(), &v1.Interaction{ObjectMeta: metav1.ObjectMeta{Name: "wa-1", Namespace: ns},
			Spec: v1.InteractionSpec{Lead: "hanna-2", InteractionEntry: v1.InteractionEntry{At: metav1.NewTime(now.Add(-time.Hour)),
				Kind: v1.InteractionReply, Medium: "WhatsApp", Direction: v1.Inbound, ID: "wamid.1"}}}); err != nil {
			t.Fatal(err)
		}

		code, out, errs := archiveRun(now, ns, "history", "--phone", "+48 501 234 567", "--archive-dsn", dsn)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, want := range []string{"history/hanna-1  archived  Lost", "history/hanna-2  live", "whatsapp-eu  touch 1 introduce",
			"WhatsApp     reply (inbound)", "history/hanna-1  -            archived", "lost"} {
			if !strings.Contains(out, want) {
				t.Errorf("history lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "history/jan") {
			t.Errorf("a colleague is not the customer:\n%s", out)
		}

		// By lead name (archived) and by email: the same customer, one timeline as JSON.
		var byName, byEmail history.Timeline
		for _, c := range []struct {
			args []string
			into *history.Timeline
		}{{[]string{"history", "hanna-1", "-o", "json", "--archive-dsn", dsn}, &byName},
			{[]string{"history", "--email", "HANNA@maszyny.pl", "-o", "json", "--archive-dsn", dsn}, &byEmail}} {
			code, out, errs := archiveRun(now, ns, c.args...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", c.args, code, errs)
			}
			if err := json.Unmarshal([]byte(out), c.into); err != nil {
				t.Fatal(err)
			}
		}
		if len(byName.Leads) != 2 || len(byEmail.Leads) != 1 || byName.Leads[0].Where != history.Archived {
			t.Fatalf("by name the lead's email and phone find both leads; by email only the first: %+v / %+v", byName.Leads, byEmail.Leads)
		}
		for i := 1; i < len(byName.Entries); i++ {
			if byName.Entries[i].At.Before(byName.Entries[i-1].At) {
				t.Fatal("timeline not in time order")
			}
		}

		// The company: every contact with an address at that domain.
		code, out, _ = archiveRun(now, ns, "history", "--company", "maszyny.pl", "--archive-dsn", dsn)
		if code != 0 || !strings.Contains(out, "history/jan") || !strings.Contains(out, "history/hanna-1") {
			t.Fatalf("by company: exit %d\n%s", code, out)
		}

		// Without the archive: live leads only, and a note saying so.
		code, out, errs = archiveRun(now, ns, "history", "--phone", "+48501234567")
		if code != 0 || strings.Contains(out, "hanna-1") || !strings.Contains(errs, "leaves out archived leads") {
			t.Fatalf("without archive: exit %d\n%s\n%s", code, out, errs)
		}

		for _, bad := range [][]string{{"history"}, {"history", "hanna-1", "--email", "a@b.co"}, {"history", "--email", "a@b.co", "--phone", "+4930123456"},
			{"history", "--email", "hanna-at-maszyny"}, {"history", "--phone", "12"}, {"history", "x", "-o", "yaml"}} {
			code, _, errs := archiveRun(now, ns, bad...)
			if code != plugin.ExitUsage {
				t.Errorf("%v: exit %d, want usage error: %s", bad, code, errs)
			}
			if strings.Contains(errs, "hanna-at-maszyny") {
				t.Errorf("usage error repeats the value: %s", errs)
			}
		}
		if code, _, errs := archiveRun(now, ns, "history", "nobody", "--archive-dsn", dsn); code != plugin.ExitError || !strings.Contains(errs, "not found") {
			t.Errorf("unknown lead: exit %d %s", code, errs)
		}
	})

	t.Run("forget", func(t *testing.T) {
		store, dsn := newStore(t)
		eu, na := newNS(t, "forget-eu"), newNS(t, "forget-na")
		old := makeLead(t, eu, customer{name: "kowalczyk-1", email: "hanna@maszyny.pl", phone: "+48600111222", contactName: "Hanna Kowalczyk",
			company: "Maszyny SA", submitted: now.Add(-200 * day), outcome: v1.OutcomeWon, closedAt: now.Add(-150 * day), value: "9000"})
		archiveLead(t, store, old, now.Add(-100*day))
		makeLead(t, eu, customer{name: "kowalczyk-2", email: "hanna@maszyny.pl", contactName: "Hanna Kowalczyk", company: "Maszyny SA", submitted: now.Add(-3 * day)})
		makeLead(t, na, customer{name: "kowalczyk-3", phone: "+48600111222", email: "h.kowalczyk@prywatna.pl", contactName: "Hanna Kowalczyk", submitted: now.Add(-day)})
		// Reached only through kowalczyk-3's second address: erased by following the links.
		makeLead(t, na, customer{name: "kowalczyk-5", email: "h.kowalczyk@prywatna.pl", contactName: "H. K.", submitted: now.Add(-day)})
		makeLead(t, eu, customer{name: "nowak", email: "jan@firma.de", contactName: "Jan Nowak", submitted: now.Add(-day)})
		// Another person's lead linked to one being erased (its contact was corrected after
		// the link was made): it survives, the link does not.
		linked := makeLead(t, eu, customer{name: "wojcik", email: "ewa@wojcik.de", contactName: "Ewa Wojcik", submitted: now.Add(-day)})
		var k2 v1.Lead
		if err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: eu, Name: "kowalczyk-2"}, &k2); err != nil {
			t.Fatal(err)
		}
		linked.Status.ReturningContact = &v1.ReturningContactStatus{PreviousLead: k2.Name, PreviousUID: string(k2.UID),
			LastActiveAt: metav1.NewTime(now.Add(-3 * day)), MatchedBy: v1.MatchedByEmail}
		if err := env.Client.Status().Update(context.Background(), linked); err != nil {
			t.Fatal(err)
		}
		if err := env.Client.Create(context.Background(), &v1.Interaction{ObjectMeta: metav1.ObjectMeta{Name: "k2-reply", Namespace: eu},
			Spec: v1.InteractionSpec{Lead: "kowalczyk-2", InteractionEntry: v1.InteractionEntry{At: metav1.NewTime(now), Kind: v1.InteractionReply, ID: "x1"}}}); err != nil {
			t.Fatal(err)
		}

		if code, _, errs := archiveRun(now, eu, "forget", "--email", "hanna@maszyny.pl"); code != plugin.ExitUsage || !strings.Contains(errs, "--archive-dsn") {
			t.Fatalf("forget without the archive must refuse: exit %d %s", code, errs)
		}
		code, out, errs := archiveRun(now, "", "forget", "--email", "hanna@maszyny.pl", "--phone", "+48600111222", "--archive-dsn", dsn, "--dry-run")
		if code != 0 || !strings.Contains(out, "would erase 2 live and 1 archived leads, and unlink 1 other leads") ||
			!strings.Contains(errs, "1 more leads share an email address or number") {
			t.Fatalf("dry run (given keys only, the one more lead said): exit %d %q %s", code, out, errs)
		}
		code, out, errs = archiveRun(now, "", "forget", "--email", "hanna@maszyny.pl", "--phone", "+48600111222", "--archive-dsn", dsn, "--dry-run", "--follow-links")
		if code != 0 || !strings.Contains(out, "2 email addresses and numbers given, 3 found") || !strings.Contains(out, "would erase 3 live and 1 archived leads") {
			t.Fatalf("dry run, following: exit %d %q %s", code, out, errs)
		}
		code, out, errs = archiveRun(now, "", "forget", "--email", "hanna@maszyny.pl", "--phone", "+48600111222", "--archive-dsn", dsn, "--follow-links")
		if code != 0 || !strings.Contains(out, "erased 3 live leads (1 interactions) and 1 archived leads") || !strings.Contains(out, "unlinked 1 other leads") {
			t.Fatalf("forget: exit %d %q %s", code, out, errs)
		}
		if strings.Contains(out+errs, "prywatna") {
			t.Errorf("forget printed a found address: %s %s", out, errs)
		}
		var survivor v1.Lead
		if err := env.Client.Get(context.Background(), client.ObjectKeyFromObject(linked), &survivor); err != nil {
			t.Fatalf("the linked lead of another person must survive: %v", err)
		}
		if survivor.Status.ReturningContact != nil || survivor.Status.Owner != "anna" || len(survivor.Status.Touches) != 1 {
			t.Errorf("unlinking must remove the link and keep the rest of the status: %+v", survivor.Status)
		}

		// Nothing of the contact remains in the cluster...
		secrets := []string{"hanna", "Hanna", "Kowalczyk", "kowalczyk", "maszyny", "Maszyny", "600111222", "prywatna", "H. K."}
		var cluster []byte
		for _, n := range []string{eu, na} {
			var leads v1.LeadList
			var ints v1.InteractionList
			if err := env.Client.List(context.Background(), &leads, client.InNamespace(n)); err != nil {
				t.Fatal(err)
			}
			if err := env.Client.List(context.Background(), &ints, client.InNamespace(n)); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal([]any{leads.Items, ints.Items})
			cluster = append(cluster, b...)
		}
		for _, s := range secrets {
			if strings.Contains(string(cluster), s) {
				t.Errorf("the cluster still holds %q", s)
			}
		}
		if !strings.Contains(string(cluster), "jan@firma.de") {
			t.Error("another contact was erased")
		}
		// ...nor in the archive, which keeps one audit entry without personal data.
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var dump strings.Builder
		for _, table := range []string{"followup.leads", "followup.contact_keys", "followup.forget_audit"} {
			rows, err := conn.Query(ctx, "SELECT t::text FROM "+table+" t")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				_ = rows.Scan(&s)
				dump.WriteString(s + "\n")
			}
			rows.Close()
		}
		for _, s := range secrets {
			if strings.Contains(dump.String(), s) {
				t.Errorf("the archive still holds %q", s)
			}
		}
		audit, err := store.Audit(ctx)
		if err != nil || len(audit) != 1 || audit[0].LiveLeads != 3 || audit[0].ArchivedLeads != 1 || audit[0].Interactions != 1 ||
			audit[0].RequestedBy != "privacy-officer" || audit[0].CompletedAt == nil {
			t.Fatalf("audit: %+v %v", audit, err)
		}
		if code, out, _ := archiveRun(now, eu, "history", "--email", "hanna@maszyny.pl", "-A", "--archive-dsn", dsn); code != plugin.ExitError {
			t.Fatalf("history after forget must find nothing: exit %d\n%s", code, out)
		}
	})

	t.Run("report is the same before and after archiving", func(t *testing.T) {
		store, dsn := newStore(t)
		ns := newNS(t, "report-archive")
		if err := env.Client.Create(context.Background(), &v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "cnc", Namespace: ns},
			Spec: v1.CampaignSpec{Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "21000000777"}, Policy: "p",
				Spend: &v1.Spend{Money: v1.Money{Amount: "3000", Currency: "EUR"}}}}); err != nil {
			t.Fatal(err)
		}
		var closed []*v1.Lead
		for i := range 8 {
			c := customer{name: fmt.Sprintf("lead-%d", i), email: fmt.Sprintf("c%d@example.org", i), campaign: "cnc",
				keyword: []string{"cnc laser", "fiber laser"}[i%2], submitted: now.Add(-time.Duration(40+5*i) * day)}
			if i < 6 {
				c.outcome, c.closedAt = v1.OutcomeLost, c.submitted.Add(4*day)
				if i%3 == 0 {
					c.outcome, c.value = v1.OutcomeWon, "5000"
				}
			}
			l := makeLead(t, ns, c)
			if i < 6 {
				closed = append(closed, l)
			}
		}
		report := func(args ...string) string {
			t.Helper()
			code, out, errs := archiveRun(now, ns, append([]string{"report", "--since", "90d", "-o", "json"}, args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			return out
		}
		before := report("--archive-dsn", dsn)
		beforeKW := report("--by", "keyword", "--archive-dsn", dsn)
		for _, l := range closed {
			archiveLead(t, store, l, now)
		}
		if after := report("--archive-dsn", dsn); after != before {
			t.Fatalf("archiving changed the report:\nbefore %s\n after %s", before, after)
		}
		if after := report("--by", "keyword", "--archive-dsn", dsn); after != beforeKW {
			t.Fatalf("archiving changed the keyword report:\nbefore %s\n after %s", beforeKW, after)
		}
		if liveOnly := report(); liveOnly == before {
			t.Fatal("the comparison has no teeth: the live leads alone give the same report")
		}
	})
}
