// Package archive_test runs the archive end to end against a real kube-apiserver and
// etcd and a real PostgreSQL server: retention moving leads out of the cluster,
// campaign figures unchanged by it, returning contacts found in both stores, and the
// operator binary killed between the archive write and the delete.
package archive_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/archive/archivetest"
	"github.com/followup-io/followup-operator/internal/testenv"
)

var (
	env   *testenv.Env
	k8s   client.Client
	pg    *testenv.Postgres
	pgErr error
)

func TestMain(m *testing.M) {
	ctrl.SetLogger(zap.New(zap.WriteTo(io.Discard)))
	var err error
	env, err = testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	k8s = env.Client
	pg, pgErr = testenv.StartPostgres()
	code := m.Run()
	if pg != nil {
		_ = pg.Stop()
	}
	_ = env.Stop()
	os.Exit(code)
}

// newArchive is a migrated archive in a database of its own.
func newArchive(t *testing.T) (*archive.Store, string) { return archivetest.New(t, pg, pgErr) }

func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "archive-"}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

func dur(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }

// policy is a valid policy (it needs no channels to exist for retention).
func policy(ns, name string, r *v1.Retention) *v1.FollowUpPolicy {
	return &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1.FollowUpPolicySpec{
		Steps:     []v1.Step{{Name: "introduce", Channel: "email", Template: "intro"}},
		Templates: map[string]v1.MessageTemplate{"intro": {Subject: "Hi", Body: "Hello {{ .FirstName }}"}},
		Retention: r,
	}}
}

// leadSpec describes a lead as the lifecycle left it.
type leadSpec struct {
	name, email, phone string
	campaign, keyword  string
	submitted          time.Time
	phase              v1.LeadPhase
	outcome            v1.OutcomeResult
	closedAt           time.Time // outcome.at, or dormantSince for Finished
	touches            int
	replyQuality       int32
	value              string
}

// createLead stores a lead with the status the lifecycle engine would have written.
func createLead(t *testing.T, ns string, s leadSpec) *v1.Lead {
	t.Helper()
	ctx := context.Background()
	sub := metav1.NewTime(s.submitted)
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: s.name, Namespace: ns}, Spec: v1.LeadSpec{
		Contact: v1.Contact{Name: "Contact " + s.name, Email: s.email, Phone: s.phone},
		Source:  v1.LeadSource{Campaign: s.campaign, Keyword: s.keyword, SubmittedAt: &sub},
		Policy:  "p", Tier: "standard"}}
	if l.Spec.Contact.Email == "" && l.Spec.Contact.Phone == "" {
		l.Spec.Contact.Email = s.name + "@example.org"
	}
	if s.outcome != "" {
		l.Spec.Outcome = &v1.Outcome{Result: s.outcome, At: metav1.NewTime(s.closedAt)}
		if s.outcome == v1.OutcomeWon && s.value != "" {
			l.Spec.Outcome.Value = &v1.Money{Amount: s.value, Currency: "EUR"}
		}
	}
	if err := k8s.Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	st := v1.LeadStatus{Phase: s.phase, Policy: "p", Owner: "anna", ObservedGeneration: l.Generation}
	for i := range s.touches {
		at := metav1.NewTime(s.submitted.Add(time.Duration(i+1) * 36 * time.Hour))
		st.Touches = append(st.Touches, v1.TouchRecord{Number: int32(i + 1), Step: fmt.Sprintf("step-%d", i+1), Channel: "email",
			Due: at, PerformedAt: &at, Result: v1.TouchSent, Key: fmt.Sprintf("%s-%d", s.name, i+1)})
	}
	if s.touches > 0 {
		first := metav1.NewTime(s.submitted.Add(36 * time.Hour))
		st.FirstResponse = v1.FirstResponseStatus{State: v1.SLABreached, ContactedAt: &first}
		st.Engagement.Delivered = int32(s.touches)
	}
	if s.replyQuality > 0 {
		at := metav1.NewTime(s.submitted.Add(40 * time.Hour))
		st.Interactions = []v1.InteractionEntry{{At: at, Kind: v1.InteractionReply, Medium: "Email", Direction: v1.Inbound,
			Quality: ptr.To(s.replyQuality), ID: s.name + "-reply"}}
		st.Engagement.Replies, st.Engagement.BestQuality, st.Engagement.LastReplyAt = 1, s.replyQuality, &at
	}
	if s.phase == v1.PhaseFinished {
		d := metav1.NewTime(s.closedAt)
		st.DormantSince = &d
		st.Stage = "dormant (final)" // what the engine shows, and what rep loads read today
	}
	l.Status = st
	if err := k8s.Status().Update(ctx, l); err != nil {
		t.Fatal(err)
	}
	return l
}

func exists(t *testing.T, l *v1.Lead) bool {
	t.Helper()
	var got v1.Lead
	err := k8s.Get(context.Background(), client.ObjectKeyFromObject(l), &got)
	if client.IgnoreNotFound(err) != nil {
		t.Fatal(err)
	}
	return err == nil
}

func eventually(t *testing.T, timeout time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		if last = cond(); last == "" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out: %s", last)
}

// cacheFor limits a test manager's cache to one namespace.
func cacheFor(ns string) cache.Options {
	return cache.Options{DefaultNamespaces: map[string]cache.Config{ns: {}}}
}
