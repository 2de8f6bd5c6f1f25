package archive_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"k8s.io/apimachinery/pkg/api/equality"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/contactkey"
)

func TestMigrationsApplyOnceEvenConcurrently(t *testing.T) {
	_, dsn := newStore(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := archive.Open(ctx, dsn)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			v, err := s.Migrate(ctx)
			if err == nil && v != archive.SchemaVersion() {
				t.Errorf("version %d, want %d", v, archive.SchemaVersion())
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n, max int
	if err := conn.QueryRow(ctx, "SELECT count(*), max(version) FROM followup.schema_version").Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	if n != archive.SchemaVersion() || max != archive.SchemaVersion() {
		t.Fatalf("schema_version has %d rows up to %d, want each of 1..%d once", n, max, archive.SchemaVersion())
	}

	// A database migrated by a newer build is refused with a message saying so.
	if _, err := conn.Exec(ctx, "INSERT INTO followup.schema_version (version, name) VALUES (999, 'future')"); err != nil {
		t.Fatal(err)
	}
	s, _ := archive.Open(ctx, dsn)
	defer s.Close()
	if _, err := s.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "newer than this build knows") {
		t.Fatalf("want a refusal of a newer schema, got %v", err)
	}
}

func TestPutStoresTheWholeLeadOncePerUID(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	l := closedLead("sales-eu", "kowalczyk", "hanna@maszyny.pl", "+48501234567", t0, v1.OutcomeWon)
	inbox := []v1.Interaction{{Spec: v1.InteractionSpec{Lead: l.Name, InteractionEntry: v1.InteractionEntry{
		At: l.Spec.Outcome.At, Kind: v1.InteractionRead, ID: "late-receipt"}}}}
	rec := archive.NewRecord(l, inbox)
	if rec.Lead.ManagedFields != nil {
		t.Fatal("managedFields are server bookkeeping and are not archived")
	}
	writes, err := s.Put(ctx, rec, t0.Add(40*24*time.Hour))
	if err != nil || writes != 1 {
		t.Fatalf("first write: %d %v", writes, err)
	}
	got, err := s.Get(ctx, string(l.UID))
	if err != nil || got == nil {
		t.Fatalf("get: %v %v", got, err)
	}
	want := l.DeepCopy()
	want.ManagedFields = nil
	want.APIVersion, want.Kind = v1.GroupVersion.String(), "Lead"
	if !equality.Semantic.DeepEqual(&got.Lead, want) {
		t.Fatalf("archived lead differs from the live one:\n got %+v\nwant %+v", got.Lead, *want)
	}
	if len(got.Inbox) != 1 || got.Inbox[0].ID != "late-receipt" {
		t.Fatalf("inbox not archived: %+v", got.Inbox)
	}

	// The same lead again (a crash between write and delete), then a newer version of it:
	// still one row, the newer object wins, the first archive time stays.
	if writes, err = s.Put(ctx, rec, t0.Add(41*24*time.Hour)); err != nil || writes != 2 {
		t.Fatalf("second write: %d %v", writes, err)
	}
	newer := l.DeepCopy()
	newer.ResourceVersion = "18"
	newer.Spec.Contact.Email = "hanna.k@maszyny.pl"
	if writes, err = s.Put(ctx, archive.NewRecord(newer, nil), t0.Add(42*24*time.Hour)); err != nil || writes != 3 {
		t.Fatalf("third write: %d %v", writes, err)
	}
	got, _ = s.Get(ctx, string(l.UID))
	if got.Lead.ResourceVersion != "18" || got.Writes != 3 || !got.ArchivedAt.Equal(t0.Add(40*24*time.Hour)) || len(got.Inbox) != 0 {
		t.Fatalf("after rewrites: rv %s writes %d archivedAt %v inbox %d", got.Lead.ResourceVersion, got.Writes, got.ArchivedAt, len(got.Inbox))
	}
	sz, err := s.Size(ctx)
	if err != nil || sz.Leads != 1 {
		t.Fatalf("size %+v %v: want one lead", sz, err)
	}
	// Contact keys follow the newest contact: the old address no longer finds it.
	oldKey, _ := contactkey.ForEmail("hanna@maszyny.pl")
	newKey, _ := contactkey.ForEmail("hanna.k@maszyny.pl")
	if rs, _ := s.ByContact(ctx, nil, []contactkey.Key{oldKey}); len(rs) != 0 {
		t.Fatalf("old address still finds the lead")
	}
	if rs, _ := s.ByContact(ctx, nil, []contactkey.Key{newKey}); len(rs) != 1 {
		t.Fatalf("new address does not find the lead")
	}
}

func TestFindByContactNameAndWindow(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	day := 24 * time.Hour
	a1 := closedLead("sales-eu", "hanna-1", "hanna@maszyny.pl", "+48501234567", t0, v1.OutcomeLost)
	a2 := closedLead("sales-eu", "hanna-2", "other@maszyny.pl", "+48 501 234 567", t0.Add(100*day), v1.OutcomeWon)
	a3 := closedLead("sales-na", "hanna-1", "hanna@maszyny.pl", "", t0.Add(5*day), v1.OutcomeWon)
	b := closedLead("sales-eu", "jan", "jan@firma.de", "+4930123456", t0.Add(2*day), v1.OutcomeWon)
	b.Spec.Source.Campaign = "other"
	for _, l := range []*v1.Lead{a1, a2, a3, b} {
		if _, err := s.Put(ctx, archive.NewRecord(l, nil), t0.Add(200*day)); err != nil {
			t.Fatal(err)
		}
	}
	names := func(rs []archive.Record) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Lead.Namespace+"/"+r.Lead.Name)
		}
		return strings.Join(out, ",")
	}
	email, _ := contactkey.ForEmail("HANNA@maszyny.pl")
	phone, _ := contactkey.ForPhone("48501234567")
	dom, _ := contactkey.ForDomain("maszyny.pl")
	rs, err := s.ByContact(ctx, nil, []contactkey.Key{email, phone})
	if err != nil || names(rs) != "sales-eu/hanna-1,sales-na/hanna-1,sales-eu/hanna-2" {
		t.Fatalf("by email or phone, oldest first: %q %v", names(rs), err)
	}
	if rs, _ := s.ByContact(ctx, []string{"sales-eu"}, []contactkey.Key{dom}); names(rs) != "sales-eu/hanna-1,sales-eu/hanna-2" {
		t.Fatalf("by company domain in one namespace: %q", names(rs))
	}
	if rs, _ := s.ByName(ctx, nil, "hanna-1"); names(rs) != "sales-na/hanna-1,sales-eu/hanna-1" {
		t.Fatalf("by name, newest first: %q", names(rs))
	}

	ms, err := s.Matches(ctx, "sales-eu", []contactkey.Key{email, phone}, t0)
	if err != nil || len(ms) != 2 || ms[0].Name != "hanna-2" || len(ms[0].Kinds) != 1 || ms[0].Kinds[0] != contactkey.Phone ||
		ms[1].Name != "hanna-1" || len(ms[1].Kinds) != 2 {
		t.Fatalf("matches for a returning contact: %+v %v", ms, err)
	}
	if !ms[1].LastActiveAt.Equal(a1.Spec.Outcome.At.Time) || ms[1].Phase != v1.PhaseLost || !ms[1].SubmittedAt.Equal(t0) {
		t.Fatalf("match times and phase: %+v", ms[1])
	}
	if ms, _ := s.Matches(ctx, "sales-eu", []contactkey.Key{email}, t0.Add(3*day)); len(ms) != 0 {
		t.Fatalf("activity before the window does not match: %+v", ms)
	}

	// (from, to] by submission, per campaign, as the measures window.
	got, err := s.Submitted(ctx, archive.Scope{Namespaces: []string{"sales-eu"}, Campaign: "cnc"}, t0, t0.Add(100*day))
	if err != nil || len(got) != 1 || got[0].Name != "hanna-2" {
		t.Fatalf("window excludes its start and includes its end: %+v %v", got, err)
	}
	got, _ = s.Submitted(ctx, archive.Scope{}, t0.Add(-time.Second), t0.Add(100*day))
	if len(got) != 4 {
		t.Fatalf("every namespace and campaign: %d", len(got))
	}
}
