package archive_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/contactkey"
)

// dumpAll is every value of every table of the archive as text: what an erasure must
// leave nothing of the contact in.
func dumpAll(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var b strings.Builder
	for _, table := range []string{"followup.leads", "followup.contact_keys", "followup.forget_audit", "followup.schema_version"} {
		rows, err := conn.Query(ctx, "SELECT t::text FROM "+table+" t")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s + "\n")
		}
		rows.Close()
	}
	return b.String()
}

func TestForgetLeavesNothingOfTheContact(t *testing.T) {
	s, dsn := newStore(t)
	ctx := context.Background()
	day := 24 * time.Hour
	a1 := closedLead("sales-eu", "kowalczyk-maszyny", "hanna@maszyny.pl", "+48501234567", t0, v1.OutcomeLost)
	a2 := closedLead("sales-na", "kowalczyk-again", "hanna.private@gmail.com", "+48 501 234 567", t0.Add(50*day), v1.OutcomeWon)
	b := closedLead("sales-eu", "jan-firma", "jan@firma.de", "+4930123456", t0, v1.OutcomeWon)
	b.Spec.Contact.Name, b.Spec.Contact.Company = "Jan Nowak", "Firma GmbH"
	live := closedLead("sales-eu", "kowalczyk-live", "hanna@maszyny.pl", "", t0.Add(90*day), v1.OutcomeWon)
	for _, l := range []*v1.Lead{a1, a2, b} {
		if _, err := s.Put(ctx, archive.NewRecord(l, nil), t0.Add(100*day)); err != nil {
			t.Fatal(err)
		}
	}
	email, _ := contactkey.ForEmail("hanna@maszyny.pl")
	phone, _ := contactkey.ForPhone("+48501234567")
	dom, _ := contactkey.ForDomain("maszyny.pl")
	if _, err := s.Forget(ctx, archive.ForgetRequest{Keys: []contactkey.Key{dom}, Now: t0}); err == nil {
		t.Fatal("forgetting a whole domain must be refused")
	}
	res, err := s.Forget(ctx, archive.ForgetRequest{Keys: []contactkey.Key{email, phone},
		Live: []archive.LiveLead{{UID: string(live.UID), Namespace: live.Namespace}}, RequestedBy: "privacy-officer", Now: t0.Add(101 * day)})
	if err != nil {
		t.Fatal(err)
	}
	// a2 has another email but the same phone: the same person, erased too.
	if res.ArchivedLeads != 2 {
		t.Fatalf("archived leads erased: %d, want 2", res.ArchivedLeads)
	}
	if err := s.CompleteForget(ctx, res.AuditID, 1, 3, t0.Add(101*day)); err != nil {
		t.Fatal(err)
	}
	if err := s.Vacuum(ctx); err != nil {
		t.Fatal(err)
	}

	dump := dumpAll(t, dsn)
	// Names, addresses, numbers, company, and the lead names (made from the person's name).
	for _, secret := range []string{"hanna", "Hanna", "Kowalczyk", "kowalczyk", "maszyny", "Maszyny", "501234567", "gmail"} {
		if strings.Contains(dump, secret) {
			t.Errorf("the archive still holds %q after the erasure", secret)
		}
	}
	if !strings.Contains(dump, "jan@firma.de") {
		t.Error("another contact was erased too")
	}
	for _, l := range []*v1.Lead{a1, a2, live} {
		if r, _ := s.Get(ctx, string(l.UID)); r != nil {
			t.Errorf("%s still readable", l.Name)
		}
		// A late archive write (the retention controller racing the erasure) stores nothing.
		if _, err := s.Put(ctx, archive.NewRecord(l, nil), t0.Add(102*day)); !errors.Is(err, archive.ErrForgotten) {
			t.Errorf("%s: archive write after forget: %v, want ErrForgotten", l.Name, err)
		}
	}
	if strings.Contains(dumpAll(t, dsn), "hanna") {
		t.Error("a write after the erasure stored the contact again")
	}
	for _, by := range [][]contactkey.Key{{email}, {phone}, {dom}} {
		if rs, _ := s.ByContact(ctx, nil, by); len(rs) != 0 {
			t.Errorf("still found by %s", by[0].Kind)
		}
	}
	audit, err := s.Audit(ctx)
	if err != nil || len(audit) != 1 {
		t.Fatalf("audit: %+v %v", audit, err)
	}
	a := audit[0]
	if a.RequestedBy != "privacy-officer" || a.ArchivedLeads != 2 || a.LiveLeads != 1 || a.Interactions != 3 || a.CompletedAt == nil {
		t.Fatalf("audit entry: %+v", a)
	}
	sz, _ := s.Size(ctx)
	if sz.Leads != 1 || sz.Forgotten != 3 {
		t.Fatalf("one lead left and three tombstones, got %+v", sz)
	}
}

// TestForgetWinsARaceWithArchiving: whichever of an archive write and an erasure of
// the same lead commits first, the lead ends erased.
func TestForgetWinsARaceWithArchiving(t *testing.T) {
	s, dsn := newStore(t)
	ctx := context.Background()
	for i := range 30 {
		l := closedLead("race", "racer", "race@example.org", "", t0, v1.OutcomeWon)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := s.Put(ctx, archive.NewRecord(l, nil), t0); err != nil && !errors.Is(err, archive.ErrForgotten) {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := s.Forget(ctx, archive.ForgetRequest{Live: []archive.LiveLead{{UID: string(l.UID), Namespace: "race"}}, Now: t0}); err != nil {
				t.Error(err)
			}
		}()
		wg.Wait()
		if r, _ := s.Get(ctx, string(l.UID)); r != nil {
			t.Fatalf("round %d: the archive write outlived the erasure", i)
		}
	}
	if strings.Contains(dumpAll(t, dsn), "race@example.org") {
		t.Fatal("erased contact data in the archive")
	}
}
