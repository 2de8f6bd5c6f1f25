package archive_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/testenv"
)

// notifyOnArchive makes PostgreSQL announce every committed archive write: the test
// hears it the moment the write is durable and kills the operator before its delete.
const notifyOnArchive = `
CREATE FUNCTION followup_test_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('archived', NEW.uid::text); RETURN NEW; END $$;
CREATE TRIGGER followup_test_notify AFTER INSERT OR UPDATE ON followup.leads
FOR EACH ROW EXECUTE FUNCTION followup_test_notify();`

// TestKillBetweenArchiveWriteAndDelete builds the operator, runs it against the real
// control plane and PostgreSQL, and SIGKILLs it each time an archive write commits,
// many times, then lets it finish. Every lead ends in the archive exactly once (one row
// per UID, whole), none is lost at any point, and none is left in the cluster.
func TestKillBetweenArchiveWriteAndDelete(t *testing.T) {
	store, dsn := newArchive(t)
	ctx := context.Background()
	ns := newNamespace(t)
	now := time.Now().UTC().Truncate(time.Second)

	for _, o := range []client.Object{
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: ns}, StringData: map[string]string{"signingKey": "s3cret"}},
		&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "email", Namespace: ns}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
			Webhook: &v1.WebhookChannel{URL: "http://127.0.0.1:1/unused"}, CredentialsRef: &v1.SecretKeyRef{Name: "hook"}}},
		policy(ns, "p", nil),
	} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	const n = 40
	created := map[string]*v1.Lead{}
	for i := range n {
		l := createLead(t, ns, leadSpec{name: fmt.Sprintf("closed-%02d", i), email: fmt.Sprintf("crash%02d@example.org", i),
			phone: fmt.Sprintf("+4930555%04d", i), submitted: now.Add(-70 * day), phase: v1.PhaseWon, outcome: v1.OutcomeWon,
			closedAt: now.Add(-40 * day), touches: 3, replyQuality: 2, value: "1000"})
		created[string(l.UID)] = l
	}

	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, notifyOnArchive); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "LISTEN archived"); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := env.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	bin := testenv.BuildOperator(t, dir)
	// A low client rate keeps each delete a few hundred milliseconds behind its archive
	// write, so the kill lands between the two.
	args := []string{"--leader-elect=false", "--metrics-bind-address=0", "--health-probe-bind-address=0", "--edge-bind-address=0",
		"--namespaces=" + ns, "--kube-api-qps=4", "--kube-api-burst=1", "--zap-log-level=debug"}

	liveUIDs := func() map[string]bool {
		t.Helper()
		var list v1.LeadList
		if err := k8s.List(ctx, &list, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, l := range list.Items {
			out[string(l.UID)] = true
		}
		return out
	}
	// noneLost: every lead is in the cluster or in the archive, at every moment we look.
	noneLost := func(when string) map[string]bool {
		t.Helper()
		live := liveUIDs()
		for uid, l := range created {
			if live[uid] {
				continue
			}
			if r, err := store.Get(ctx, uid); err != nil || r == nil {
				t.Fatalf("%s: lead %s is neither in the cluster nor in the archive (%v)", when, l.Name, err)
			}
		}
		return live
	}

	// Without an archive configured nothing leaves the cluster.
	plain := &testenv.Process{Bin: bin, LogPath: filepath.Join(dir, "plain.log"), Env: []string{"KUBECONFIG=" + kubeconfig, archive.EnvDSN + "="},
		Args: args}
	plain.Start(t)
	time.Sleep(4 * time.Second)
	plain.Kill()
	if live := liveUIDs(); len(live) != n {
		t.Fatalf("an operator without an archive deleted %d leads", n-len(live))
	}
	if !strings.Contains(plain.Log(), "no lead archive configured") {
		t.Errorf("the operator should say that nothing is archived:\n%s", plain.Log())
	}

	op := &testenv.Process{Bin: bin, LogPath: filepath.Join(dir, "operator.log"),
		Env: []string{"KUBECONFIG=" + kubeconfig, archive.EnvDSN + "=" + dsn}, Args: args}
	kills, inWindow := 0, 0
	for kills < 12 {
		op.Start(t)
		wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		note, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if len(liveUIDs()) == 0 {
				break // all archived before the next write
			}
			t.Fatalf("no archive write within 60s: %v\n%s", err, op.Log())
		}
		op.Kill()
		kills++
		live := noneLost(fmt.Sprintf("after kill %d", kills))
		if live[note.Payload] {
			inWindow++ // written and committed, not yet deleted: the window under test
		}
		// Drop notifications of writes that raced the kill.
		for {
			dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			_, err := conn.WaitForNotification(dctx)
			cancel()
			if err != nil {
				break
			}
		}
	}

	// Let it finish.
	op.Start(t)
	eventually(t, 120*time.Second, func() string {
		noneLost("while finishing")
		if live := liveUIDs(); len(live) > 0 {
			return fmt.Sprintf("%d leads still in the cluster", len(live))
		}
		return ""
	})
	op.Kill()

	if inWindow < 3 {
		t.Fatalf("only %d of %d kills landed between an archive write and its delete; the test did not exercise the window", inWindow, kills)
	}
	var rows, distinct, writes int
	if err := conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT uid), sum(writes) FROM followup.leads").Scan(&rows, &distinct, &writes); err != nil {
		t.Fatal(err)
	}
	if rows != n || distinct != n {
		t.Fatalf("archive holds %d rows for %d UIDs, want %d leads once each", rows, distinct, n)
	}
	if writes <= n {
		t.Errorf("no lead was written twice (%d writes for %d leads): the kills never hit the idempotent path", writes, n)
	}
	for uid, l := range created {
		r, err := store.Get(ctx, uid)
		if err != nil || r == nil {
			t.Fatalf("%s not archived: %v", l.Name, err)
		}
		if r.Lead.Name != l.Name || r.Lead.Spec.Contact.Email != l.Spec.Contact.Email || r.Lead.Spec.Outcome == nil ||
			r.Lead.Spec.Outcome.Value == nil || len(r.Lead.Status.Touches) != 3 || len(r.Lead.Status.Interactions) != 1 {
			t.Fatalf("%s archived incomplete: %+v", l.Name, r.Lead)
		}
	}
	t.Logf("%d kills, %d between a committed archive write and its delete; %d writes for %d leads", kills, inWindow, writes, n)
	for _, secret := range []string{"crash0", "example.org", "+4930555"} {
		if strings.Contains(op.Log(), secret) {
			t.Errorf("operator log contains contact data %q", secret)
		}
	}
}
