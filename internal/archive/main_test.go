package archive_test

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/archive/archivetest"
	"github.com/followup-io/followup-operator/internal/testenv"
)

var (
	pg    *testenv.Postgres
	pgErr error
)

// TestMain starts one real PostgreSQL server for the package; each test gets its own
// database.
func TestMain(m *testing.M) {
	pg, pgErr = testenv.StartPostgres()
	code := m.Run()
	if pg != nil {
		_ = pg.Stop()
	}
	os.Exit(code)
}

// newStore opens a fresh, migrated archive in its own database.
func newStore(t *testing.T) (*archive.Store, string) { return archivetest.New(t, pg, pgErr) }

var t0 = time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)

var uidSeq atomic.Int64

func newUID() types.UID {
	return types.UID(fmt.Sprintf("00000000-0000-4000-8000-%012d", uidSeq.Add(1)))
}

// closedLead is a lead won (or lost) a while after submission, with touches and
// interactions, as the archive receives it.
func closedLead(ns, name, email, phone string, submitted time.Time, result v1.OutcomeResult) *v1.Lead {
	mt := func(d time.Duration) metav1.Time { return metav1.NewTime(submitted.Add(d)) }
	pt := func(d time.Duration) *metav1.Time { x := mt(d); return &x }
	l := &v1.Lead{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: newUID(), ResourceVersion: "17",
			CreationTimestamp: mt(0), Labels: map[string]string{"followup.io/region": "eu"},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}}},
		Spec: v1.LeadSpec{
			Contact: v1.Contact{Name: "Hanna Kowalczyk", Company: "Maszyny SA", Email: email, Phone: phone},
			Source:  v1.LeadSource{Campaign: "cnc", Keyword: "cnc laser", SubmittedAt: pt(0)},
			Tier:    "high", Product: "CNC fiber laser 3015", Policy: "p",
			Interactions: []v1.InteractionEntry{{At: mt(3 * time.Hour), Kind: v1.InteractionReply, Medium: "Email",
				Direction: v1.Inbound, Quality: ptr.To[int32](2), ID: "rep-1"}},
		},
		Status: v1.LeadStatus{Phase: v1.PhaseWon, Owner: "anna", Policy: "p",
			Touches: []v1.TouchRecord{{Number: 1, Step: "introduce", Channel: "email-eu", Template: "intro", Due: mt(time.Minute),
				PerformedAt: pt(2 * time.Minute), Result: v1.TouchSent, Key: "k1"}},
			FirstResponse: v1.FirstResponseStatus{State: v1.SLAMet, ContactedAt: pt(2 * time.Minute)},
			Interactions:  []v1.InteractionEntry{{At: mt(5 * time.Hour), Kind: v1.InteractionCallConnected, Medium: "Phone", By: "anna", ID: "call-1"}},
		},
	}
	l.Spec.Outcome = &v1.Outcome{Result: result, At: mt(48 * time.Hour)}
	if result == v1.OutcomeWon {
		l.Spec.Outcome.Value = &v1.Money{Amount: "38000", Currency: "EUR"}
	} else {
		l.Status.Phase = v1.PhaseLost
	}
	return l
}
