// Package e2e installs two regional releases of the chart into a real control plane with
// helm, runs the operator binary out of cluster with exactly the arguments each release
// rendered, and watches leads move with kubectl.
package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/followup-io/followup-operator/internal/testenv"
)

type cluster struct {
	t          *testing.T
	root, dir  string
	kubeconfig string
}

func (c *cluster) run(name string, args ...string) string {
	c.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+c.kubeconfig)
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func (c *cluster) kubectl(args ...string) string { return c.run("kubectl", args...) }

// renderedArgs reads the manager's arguments from a release's manifest.
func renderedArgs(t *testing.T, manifest string) []string {
	r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(manifest)))
	for {
		b, err := r.Read()
		if errors.Is(err, io.EOF) {
			t.Fatal("no Deployment in the release")
		}
		var d struct {
			Kind string
			Spec struct {
				Template struct {
					Spec struct {
						Containers []struct{ Args []string }
					}
				}
			}
		}
		if err := yaml.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		if d.Kind == "Deployment" {
			return d.Spec.Template.Spec.Containers[0].Args
		}
	}
}

// localArgs keeps the release's arguments, moving the listeners to free loopback ports.
func localArgs(args []string) []string {
	var out []string
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, "--metrics-bind-address="), strings.HasPrefix(a, "--health-probe-bind-address="):
			out = append(out, a[:strings.Index(a, "=")+1]+"0")
		case strings.HasPrefix(a, "--edge-bind-address="):
			out = append(out, "--edge-bind-address="+freePort())
		default:
			out = append(out, a)
		}
	}
	return out
}

func freePort() string {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	return l.Addr().String()
}

func TestTwoRegionsEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Fatal("kubectl is needed on PATH")
	}
	env, err := testenv.StartBare()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	root, _ := testenv.Root()
	c := &cluster{t: t, root: root, dir: t.TempDir()}
	c.kubeconfig = filepath.Join(c.dir, "kubeconfig")
	if err := env.WriteKubeconfig(c.kubeconfig); err != nil {
		t.Fatal(err)
	}
	helm := filepath.Join(root, "bin", "helm")
	chart := filepath.Join(root, "charts", "followup-operator")
	for _, ns := range []string{"followup-system", "sales-eu", "sales-na"} {
		c.kubectl("create", "namespace", ns)
	}
	c.run(helm, "install", "eu", chart, "-n", "followup-system", "--set", "region=eu", "--set", "watchNamespaces={sales-eu}")
	c.run(helm, "install", "na", chart, "-n", "followup-system", "--set", "region=na",
		"--set", "watchNamespaces={sales-na}", "--set", "crds.enabled=false")
	if out := c.kubectl("get", "deployments,roles,serviceaccounts", "-n", "followup-system", "-o", "name"); !strings.Contains(out, "deployment.apps/eu-followup-operator") ||
		!strings.Contains(out, "deployment.apps/na-followup-operator") {
		t.Fatalf("releases did not apply:\n%s", out)
	}

	// The optional pieces validated by the API server itself (server-side dry run against
	// the real schemas, CRDs included); kubeconform would need schemas from the network.
	rendered := filepath.Join(c.dir, "optional.yaml")
	out := c.run(helm, "template", "opt", chart, "-n", "followup-system", "--set", "region=sea",
		"--set", "edge.ingress.enabled=true", "--set", "edge.ingress.host=leads.example.com",
		"--set", "grafana.dashboard.enabled=true", "--set", "edge.existingSecret=edge", "--set", "crds.enabled=false")
	if err := os.WriteFile(rendered, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if dry := c.kubectl("apply", "--dry-run=server", "-f", rendered); !strings.Contains(dry, "ingress.networking.k8s.io/opt-followup-operator-sea-edge created (server dry run)") {
		t.Errorf("server-side dry run:\n%s", dry)
	}

	// Touches go to a loopback receiver that counts keys.
	var received atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { received.Add(1) })}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	bin := testenv.BuildOperator(t, c.dir)
	plugin := testenv.Build(t, c.dir, "kubectl-followup", "./cmd/kubectl-followup")
	ops := map[string]*testenv.Process{}
	for _, region := range []string{"eu", "na"} {
		args := localArgs(renderedArgs(t, c.run(helm, "get", "manifest", region, "-n", "followup-system")))
		p := &testenv.Process{Bin: bin, Args: args, Env: []string{"KUBECONFIG=" + c.kubeconfig},
			LogPath: filepath.Join(c.dir, region+".log")}
		p.Start(t)
		ops[region] = p
	}

	for _, region := range []string{"eu", "na"} {
		f := filepath.Join(c.dir, region+".yaml")
		if err := os.WriteFile(f, []byte(fixtures("sales-"+region, "http://"+ln.Addr().String()+"/touch")), 0o644); err != nil {
			t.Fatal(err)
		}
		c.kubectl("apply", "-f", f)
	}
	for _, region := range []string{"eu", "na"} {
		ns := "sales-" + region
		// GitOps health the way kstatus (Argo CD, Flux) reads it.
		for _, obj := range []string{"followuppolicy/fast", "channel/hook", "campaign/launch", "lead/buyer", "lead/quiet"} {
			c.kubectl("wait", "-n", ns, "--for=condition=Ready", obj, "--timeout=60s")
			gen := c.kubectl("get", "-n", ns, obj, "-o", "jsonpath={.metadata.generation}/{.status.observedGeneration}")
			if parts := strings.Split(gen, "/"); len(parts) != 2 || parts[0] != parts[1] {
				t.Errorf("%s %s: generation/observedGeneration %s", ns, obj, gen)
			}
		}
		c.kubectl("wait", "-n", ns, "--for=condition=FirstResponseSLA=True", "lead/buyer", "--timeout=60s")
		c.kubectl("wait", "-n", ns, "--for=jsonpath={.status.stage}=dormant", "lead/quiet", "--timeout=60s")
		// A reply recorded by the rep stops the cadence.
		c.run(plugin, "record", "buyer", "-n", ns, "--reply", "--quality", "2", "--kubeconfig", c.kubeconfig)
		c.kubectl("wait", "-n", ns, "--for=condition=Engaged=True", "lead/buyer", "--timeout=60s")
		if stage := c.kubectl("get", "-n", ns, "lead/buyer", "-o", "jsonpath={.status.stage}"); stage != "stopped: replied" {
			t.Errorf("%s buyer stage %q after the reply", ns, stage)
		}
		c.kubectl("wait", "-n", ns, "--for=jsonpath={.status.measures.leads}=2", "campaign/launch", "--timeout=60s")
	}
	if received.Load() < 4 {
		t.Errorf("the receiver saw %d touches", received.Load())
	}
	// Two leases, one per region; neither operator logged the other's namespace.
	leases := c.kubectl("get", "leases", "-n", "followup-system", "-o", "jsonpath={.items[*].metadata.name}")
	if !strings.Contains(leases, "eu-followup-operator") || !strings.Contains(leases, "na-followup-operator") {
		t.Errorf("leases %q", leases)
	}
	for region, other := range map[string]string{"eu": "sales-na", "na": "sales-eu"} {
		log := ops[region].Log()
		if !strings.Contains(log, "sales-"+region) || strings.Contains(log, other) {
			t.Errorf("%s operator log: mentions own namespace %v, other's %v", region,
				strings.Contains(log, "sales-"+region), strings.Contains(log, other))
		}
	}
}

// fixtures: a webhook channel, a two-step policy with one-second delays open all day, a
// campaign with one rep, and two leads.
func fixtures(ns, url string) string {
	return fmt.Sprintf(`apiVersion: followup.io/v1alpha1
kind: Channel
metadata: {name: hook, namespace: %[1]s}
spec: {type: Webhook, webhook: {url: "%[2]s"}}
---
apiVersion: followup.io/v1alpha1
kind: FollowUpPolicy
metadata: {name: fast, namespace: %[1]s}
spec:
  schedule: {timeZone: UTC, businessHours: {days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], from: "00:00", to: "24:00"}}
  firstResponse: [{tier: standard, within: 1h}]
  steps:
    - {name: introduce, after: 1s, channel: hook, template: t}
    - {name: follow-up, after: 2s, channel: hook, template: t}
  weeklyCaps: {new: 50, active: 50, silent: 50}
  templates: {t: {subject: Hi, body: "Hello {{ .FirstName }}"}}
---
apiVersion: followup.io/v1alpha1
kind: Campaign
metadata: {name: launch, namespace: %[1]s}
spec: {source: {platform: Web}, policy: fast, reps: [{name: anna}]}
---
apiVersion: followup.io/v1alpha1
kind: Lead
metadata: {name: buyer, namespace: %[1]s}
spec: {contact: {name: Bea Buyer, email: bea@example.com}, source: {campaign: launch}}
---
apiVersion: followup.io/v1alpha1
kind: Lead
metadata: {name: quiet, namespace: %[1]s}
spec: {contact: {name: Quinn Quiet, email: quinn@example.com}, source: {campaign: launch}}
`, ns, url)
}
