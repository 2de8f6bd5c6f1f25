// Package chart tests the Helm chart: lint, renders for the regional value sets, the
// schema, RBAC equal to the markers, and real installs of two regions into a control plane.
package chart

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/followup-io/followup-operator/internal/testenv"
)

var root, _ = testenv.Root()

func helmBin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(root, "bin", "helm")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("no %s: run `make helm` (make test does)", bin)
	}
	return bin
}

func chartDir() string { return filepath.Join(root, "charts", "followup-operator") }

func helm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(helmBin(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String() + errb.String(), err
	}
	return out.String(), nil
}

type obj = map[string]any

// render runs helm template and returns the documents.
func render(t *testing.T, release, ns string, sets ...string) []obj {
	t.Helper()
	args := []string{"template", release, chartDir(), "-n", ns}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	out, err := helm(t, args...)
	if err != nil {
		t.Fatalf("helm template %v: %v\n%s", sets, err, out)
	}
	return decode(t, out)
}

func decode(t *testing.T, s string) []obj {
	r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(s)))
	var docs []obj
	for {
		b, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatal(err)
		}
		var m obj
		if err := yaml.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m != nil {
			docs = append(docs, m)
		}
	}
}

func kinds(docs []obj, kind string) []obj {
	var out []obj
	for _, d := range docs {
		if d["kind"] == kind {
			out = append(out, d)
		}
	}
	return out
}

func get(m any, path ...string) any {
	for _, p := range path {
		mm, ok := m.(obj)
		if !ok {
			return nil
		}
		m = mm[p]
	}
	return m
}

func args(t *testing.T, docs []obj) []string {
	t.Helper()
	deps := kinds(docs, "Deployment")
	if len(deps) != 1 {
		t.Fatalf("%d deployments", len(deps))
	}
	c := get(deps[0], "spec", "template", "spec", "containers").([]any)[0].(obj)
	var out []string
	for _, a := range c["args"].([]any) {
		out = append(out, a.(string))
	}
	return out
}

func argValue(as []string, flag string) (string, bool) {
	for _, a := range as {
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v, true
		}
	}
	return "", false
}

func TestLint(t *testing.T) {
	if out, err := helm(t, "lint", chartDir(), "--strict"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

func TestDefaultsAreSecureAndWatchEverything(t *testing.T) {
	docs := render(t, "fo", "followup-system")
	if n := len(kinds(docs, "CustomResourceDefinition")); n != crdCount(t) {
		t.Errorf("%d CRDs, want the %d of config/crd/bases", n, crdCount(t))
	}
	for _, crd := range kinds(docs, "CustomResourceDefinition") {
		if get(crd, "metadata", "annotations", "helm.sh/resource-policy") != "keep" {
			t.Errorf("CRD %v without keep", get(crd, "metadata", "name"))
		}
	}
	if len(kinds(docs, "ClusterRole")) != 1 || len(kinds(docs, "ClusterRoleBinding")) != 1 {
		t.Error("watching all namespaces wants a ClusterRole and its binding")
	}
	dep := kinds(docs, "Deployment")[0]
	pod := get(dep, "spec", "template", "spec").(obj)
	c := pod["containers"].([]any)[0].(obj)
	checks := map[string]any{
		"runAsNonRoot":             get(pod, "securityContext", "runAsNonRoot"),
		"seccomp":                  get(pod, "securityContext", "seccompProfile", "type"),
		"readOnlyRootFilesystem":   get(c, "securityContext", "readOnlyRootFilesystem"),
		"allowPrivilegeEscalation": get(c, "securityContext", "allowPrivilegeEscalation"),
		"drop":                     get(c, "securityContext", "capabilities", "drop"),
	}
	want := map[string]any{"runAsNonRoot": true, "seccomp": "RuntimeDefault", "readOnlyRootFilesystem": true,
		"allowPrivilegeEscalation": false, "drop": []any{"ALL"}}
	if !reflect.DeepEqual(checks, want) {
		t.Errorf("security context %v, want %v", checks, want)
	}
	if c["livenessProbe"] == nil || c["readinessProbe"] == nil || c["resources"] == nil {
		t.Error("probes and resources are required")
	}
	if len(kinds(docs, "PodDisruptionBudget")) != 1 || get(dep, "spec", "replicas") != float64(2) {
		t.Error("two replicas with a PodDisruptionBudget by default")
	}
	as := args(t, docs)
	if _, ok := argValue(as, "--namespaces"); ok {
		t.Errorf("watching all: no --namespaces, got %v", as)
	}
	if v, _ := argValue(as, "--leader-elect"); v != "true" {
		t.Errorf("args %v", as)
	}
}

// TestRegionalReleasesNeverCollide: eu watches its namespace with Roles, na shards by the
// region label; names and leases differ; only the first installs CRDs.
func TestRegionalReleasesNeverCollide(t *testing.T) {
	eu := render(t, "eu", "followup-system", "region=eu", "watchNamespaces={sales-eu,sales-uk}")
	na := render(t, "na", "followup-system", "region=na", "shardByRegionLabel=true", "crds.enabled=false")
	euArgs, naArgs := args(t, eu), args(t, na)
	euLease, _ := argValue(euArgs, "--leader-election-id")
	naLease, _ := argValue(naArgs, "--leader-election-id")
	if euLease == "" || euLease == naLease {
		t.Errorf("leases %q and %q", euLease, naLease)
	}
	if v, _ := argValue(euArgs, "--namespaces"); v != "sales-eu,sales-uk" {
		t.Errorf("eu --namespaces %q", v)
	}
	if v, _ := argValue(naArgs, "--lead-selector"); v != "followup.io/region=na" {
		t.Errorf("na --lead-selector %q", v)
	}
	roles := kinds(eu, "Role")
	var nss []string
	for _, r := range roles {
		nss = append(nss, get(r, "metadata", "namespace").(string))
	}
	if strings.Join(nss, ",") != "sales-eu,sales-uk,followup-system" || len(kinds(eu, "ClusterRole")) != 0 {
		t.Errorf("eu roles in %v, cluster roles %d", nss, len(kinds(eu, "ClusterRole")))
	}
	if len(kinds(na, "CustomResourceDefinition")) != 0 || len(kinds(eu, "CustomResourceDefinition")) != crdCount(t) {
		t.Error("CRDs belong to the first release only")
	}
	names := map[string]string{}
	for _, d := range append(eu, na...) {
		if d["kind"] == "CustomResourceDefinition" {
			continue
		}
		key := d["kind"].(string) + "/" + strOr(get(d, "metadata", "namespace")) + "/" + get(d, "metadata", "name").(string)
		if _, dup := names[key]; dup {
			t.Errorf("both releases render %s", key)
		}
		names[key] = ""
	}
}

// crdCount is how many CRDs the markers generate (every kind, Interaction included).
func crdCount(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "config", "crd", "bases", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in config/crd/bases: %v", err)
	}
	return len(files)
}

func strOr(v any) string {
	s, _ := v.(string)
	return s
}

func TestSchemaRejectsUnknownKeysAndBadValues(t *testing.T) {
	for _, set := range []string{"replica=3", "edge.tls=true", "crds.upgrade=true", "region=EU West", "replicas=0",
		"edge.publicURL=followup.example.com", "edge.actionLinkTTL=a week"} {
		out, err := helm(t, "template", "x", chartDir(), "--set", set)
		if err == nil || !strings.Contains(out, "values don't meet the specifications of the schema") {
			t.Errorf("--set %s: err %v\n%s", set, err, out)
		}
	}
}

func TestOptionalPieces(t *testing.T) {
	docs := render(t, "fo", "followup-system", "edge.ingress.enabled=true", "edge.ingress.host=leads.example.com",
		"metrics.serviceMonitor.enabled=true", "grafana.dashboard.enabled=true", "edge.existingSecret=edge-secrets")
	if len(kinds(docs, "Ingress")) != 1 || len(kinds(docs, "ServiceMonitor")) != 1 {
		t.Error("ingress and service monitor")
	}
	cms := kinds(docs, "ConfigMap")
	if len(cms) != 1 || get(cms[0], "metadata", "labels", "grafana_dashboard") != "1" ||
		!strings.Contains(get(cms[0], "data", "followup-dashboard.json").(string), "followup_") {
		t.Error("dashboard config map")
	}
	if v, _ := argValue(args(t, docs), "--edge-config-dir"); v != "/etc/followup-operator/edge" {
		t.Errorf("edge config dir %q", v)
	}
	if _, ok := argValue(args(t, docs), "--edge-public-url"); ok {
		t.Error("action links are on without edge.publicURL")
	}
	links := render(t, "fo", "followup-system", "edge.publicURL=https://leads.example.com", "edge.actionLinkTTL=72h")
	if v, _ := argValue(args(t, links), "--edge-public-url"); v != "https://leads.example.com" {
		t.Errorf("edge public url %q", v)
	}
	if v, _ := argValue(args(t, links), "--action-link-ttl"); v != "72h" {
		t.Errorf("action link ttl %q", v)
	}
	off := render(t, "fo", "followup-system", "edge.enabled=false")
	if v, _ := argValue(args(t, off), "--edge-bind-address"); v != "0" || len(kinds(off, "Service")) != 1 {
		t.Errorf("edge disabled: %q, %d services", v, len(kinds(off, "Service")))
	}
}

// TestRBACIsTheMarkers: the chart's rules are the ones controller-gen generated.
func TestRBACIsTheMarkers(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "config", "rbac", "role.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var role obj
	if err := yaml.Unmarshal(b, &role); err != nil {
		t.Fatal(err)
	}
	docs := render(t, "fo", "followup-system")
	if got := kinds(docs, "ClusterRole")[0]["rules"]; !reflect.DeepEqual(got, role["rules"]) {
		t.Errorf("chart rules %v\nmarkers %v", got, role["rules"])
	}
	for _, crd := range []string{"followup.io_leads.yaml", "followup.io_campaigns.yaml"} {
		a, _ := os.ReadFile(filepath.Join(root, "config", "crd", "bases", crd))
		c, _ := os.ReadFile(filepath.Join(chartDir(), "files", "crds", crd))
		if !bytes.Equal(a, c) {
			t.Errorf("%s in the chart differs from config/crd/bases: run make manifests", crd)
		}
	}
}
