package chart

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/followup-io/followup-operator/internal/testenv"
)

// A bare control plane (no CRDs) for what needs a cluster: helm install prints NOTES
// only against one, and adopting kubectl-applied CRDs needs real objects.
var (
	clusterOnce sync.Once
	clusterEnv  *testenv.Env
	clusterKC   string
	clusterErr  error
)

func kubeconfig(t *testing.T) string {
	t.Helper()
	clusterOnce.Do(func() {
		if clusterEnv, clusterErr = testenv.StartBare(); clusterErr != nil {
			return
		}
		dir, err := os.MkdirTemp("", "chart-kubeconfig-")
		if err != nil {
			clusterErr = err
			return
		}
		clusterKC = filepath.Join(dir, "kubeconfig")
		clusterErr = clusterEnv.WriteKubeconfig(clusterKC)
	})
	if clusterErr != nil {
		t.Fatal(clusterErr)
	}
	return clusterKC
}

func TestMain(m *testing.M) {
	code := m.Run()
	if clusterEnv != nil {
		_ = clusterEnv.Stop()
		_ = os.RemoveAll(filepath.Dir(clusterKC))
	}
	os.Exit(code)
}

// inCluster runs a command with the test cluster's kubeconfig.
func inCluster(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig(t))
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// notes is what `helm install` prints after the manifest: the release notes.
func notes(t *testing.T, release string, sets ...string) string {
	t.Helper()
	a := []string{"install", release, chartDir(), "-n", "followup-system", "--dry-run=client", "--set", "crds.enabled=false"}
	for _, s := range sets {
		a = append(a, "--set", s)
	}
	out, err := inCluster(t, helmBin(t), a...)
	if err != nil {
		t.Fatalf("helm install --dry-run %v: %v\n%s", sets, err, out)
	}
	_, n, ok := strings.Cut(out, "NOTES:\n")
	if !ok {
		t.Fatalf("no NOTES in\n%s", out)
	}
	return n
}

// TestNotesGiveTheEdgeURLs: the release notes print the URLs to give Google and Meta
// (per watched namespace, from the ingress host or publicURL) and warn when the edge has
// no secret, when it is reachable only in the cluster, and when it is plain HTTP.
func TestNotesGiveTheEdgeURLs(t *testing.T) {
	n := notes(t, "eu", "region=eu", "watchNamespaces={sales-eu,sales-uk}", "edge.existingSecret=edge-eu",
		"edge.ingress.enabled=true", "edge.ingress.host=leads-eu.example.com", "edge.ingress.tlsSecret=leads-eu-tls")
	for _, want := range []string{
		"https://leads-eu.example.com/v1/namespaces/sales-eu/google-ads",
		"https://leads-eu.example.com/v1/namespaces/sales-uk/google-ads",
		"https://leads-eu.example.com/v1/whatsapp",
		"POST https://leads-eu.example.com/v1/namespaces/sales-uk/leads",
		"secrets from Secret edge-eu",
	} {
		if !strings.Contains(n, want) {
			t.Errorf("notes lack %q:\n%s", want, n)
		}
	}
	if strings.Contains(n, "WARNING") {
		t.Errorf("no warning expected:\n%s", n)
	}

	n = notes(t, "na", "region=na")
	for _, want := range []string{"WARNING: no edge secret is set", "answers 503 NotConfigured",
		"reachable only inside the cluster (http://na-followup-operator-edge.followup-system.svc)",
		"https://<edge host>/v1/namespaces/<namespace>/google-ads"} {
		if !strings.Contains(n, want) {
			t.Errorf("notes lack %q:\n%s", want, n)
		}
	}

	n = notes(t, "sea", "region=sea", "edge.publicURL=http://leads-sea.example.com/", "edge.secret.googleKeys={g1}")
	for _, want := range []string{"http://leads-sea.example.com/v1/whatsapp", "is plain HTTP",
		"edge.secret.intakeTokens is empty", "whatsappAppSecret and whatsappVerifyToken are both needed"} {
		if !strings.Contains(n, want) {
			t.Errorf("notes lack %q:\n%s", want, n)
		}
	}
}

// TestCRDsAppliedWithKubectlAreAdopted: CRDs first applied with kubectl make helm refuse
// to install (invalid ownership metadata); hack/helm-adopt-crds.sh, as docs/helm.md says,
// hands them to the release, which then installs and upgrades them; the objects stored
// meanwhile are all still there.
func TestCRDsAppliedWithKubectlAreAdopted(t *testing.T) {
	run := func(name string, args ...string) string {
		t.Helper()
		out, err := inCluster(t, name, args...)
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return out
	}
	run("kubectl", "apply", "-f", filepath.Join(root, "config", "crd", "bases"))
	run("kubectl", "create", "namespace", "sales-adopt")
	run("kubectl", "wait", "--for=condition=Established", "crd/leads.followup.io", "--timeout=30s")
	lead := filepath.Join(t.TempDir(), "lead.yaml")
	if err := os.WriteFile(lead, []byte(`apiVersion: followup.io/v1alpha1
kind: Lead
metadata: {name: kept, namespace: sales-adopt}
spec: {contact: {email: kept@example.com}, policy: p}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	run("kubectl", "apply", "-f", lead)

	out, err := inCluster(t, helmBin(t), "install", "adopt", chartDir(), "-n", "sales-adopt")
	if err == nil || !strings.Contains(out, "invalid ownership metadata") || !strings.Contains(out, "meta.helm.sh/release-name") {
		t.Fatalf("helm install over kubectl's CRDs: want the ownership refusal, got %v\n%s", err, out)
	}
	run(filepath.Join(root, "hack", "helm-adopt-crds.sh"), "adopt", "sales-adopt")
	run(helmBin(t), "install", "adopt", chartDir(), "-n", "sales-adopt")
	run(helmBin(t), "upgrade", "adopt", chartDir(), "-n", "sales-adopt", "--set", "region=eu")

	crd := run("kubectl", "get", "crd", "leads.followup.io", "-o",
		`jsonpath={.metadata.annotations.meta\.helm\.sh/release-name} {.metadata.labels.app\.kubernetes\.io/managed-by} {.metadata.annotations.helm\.sh/resource-policy}`)
	if crd != "adopt Helm keep" {
		t.Errorf("leads CRD after adoption: %q", crd)
	}
	if got := run("kubectl", "get", "lead", "kept", "-n", "sales-adopt", "-o", "jsonpath={.spec.contact.email}"); got != "kept@example.com" {
		t.Errorf("the lead stored before the adoption: %q", got)
	}
	// Uninstalling keeps the CRDs and so every lead (crds.keep).
	run(helmBin(t), "uninstall", "adopt", "-n", "sales-adopt")
	if got := run("kubectl", "get", "lead", "kept", "-n", "sales-adopt", "-o", "name"); strings.TrimSpace(got) != "lead.followup.io/kept" {
		t.Errorf("after uninstall: %q", got)
	}
}
