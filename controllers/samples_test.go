package controllers_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/testenv"
)

// TestSamplesApplyWithKubectl applies config/samples with the real kubectl, as a new
// user would, and checks the policies (the after-sales one included) come up Ready.
func TestSamplesApplyWithKubectl(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatal("kubectl is needed on PATH for this test")
	}
	admin, err := env.AddUser(envtest.User{Name: "samples-admin", Groups: []string{"system:masters"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := admin.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	root, err := testenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(kubectl, "--kubeconfig", kubeconfig, "apply", "-k", filepath.Join(root, "config", "samples")).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl apply -k config/samples: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), " created"); n < 14 {
		t.Fatalf("kubectl created %d objects, want every sample:\n%s", n, out)
	}
	for _, name := range []string{"industrial-equipment", "small-team", "after-sales"} {
		key := client.ObjectKey{Namespace: "sales-eu", Name: name}
		eventually(t, 15*time.Second, func() string {
			if _, h := policyHealth(t, key); !strings.HasPrefix(h, "Ready=True") {
				return name + ": " + h
			}
			return ""
		})
	}
	var leads v1.LeadList
	if err := k8s.List(context.Background(), &leads, client.InNamespace("sales-eu")); err != nil {
		t.Fatal(err)
	}
	zones := map[string]bool{}
	for _, l := range leads.Items {
		zones[l.Spec.Contact.TimeZone] = true
	}
	if len(zones) < 4 {
		t.Errorf("samples cover %d time zones, want several", len(zones))
	}

	// A bad object gets the CEL message through kubectl, and nothing stored changes.
	bad := "apiVersion: followup.io/v1alpha1\nkind: Lead\nmetadata: {name: unreachable, namespace: sales-eu}\nspec: {contact: {name: X}, policy: small-team}\n"
	cmd := exec.Command(kubectl, "--kubeconfig", kubeconfig, "apply", "-f", "-")
	cmd.Stdin = strings.NewReader(bad)
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "a lead needs at least one way to reach the contact") {
		t.Fatalf("kubectl apply of an unreachable lead: err=%v\n%s", err, out)
	}
}
