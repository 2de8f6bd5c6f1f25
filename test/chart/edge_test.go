package chart

import (
	"encoding/base64"
	"strings"
	"testing"
)

func secretData(t *testing.T, s obj) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range get(s, "data").(obj) {
		b, err := base64.StdEncoding.DecodeString(v.(string))
		if err != nil {
			t.Fatal(err)
		}
		out[k] = string(b)
	}
	return out
}

func podAnnotation(docs []obj, key string) string {
	v, _ := get(kinds(docs, "Deployment")[0], "spec", "template", "metadata", "annotations", key).(string)
	return v
}

// TestEdgeSecretFromValues: the chart creates the edge's Secret from values, mounts it
// where --edge-config-dir points, and rolls the pods when its content changes.
func TestEdgeSecretFromValues(t *testing.T) {
	docs := render(t, "fo", "followup-system", "edge.secret.intakeTokens={crm-token-0123456789,form-token-0123456789}",
		"edge.secret.googleKeys={gkey-1}", "edge.secret.whatsappAppSecret=app-secret", "edge.secret.whatsappVerifyToken=verify-me")
	secrets := kinds(docs, "Secret")
	if len(secrets) != 1 || get(secrets[0], "metadata", "name") != "fo-followup-operator-edge" {
		t.Fatalf("want one Secret fo-followup-operator-edge, got %d", len(secrets))
	}
	want := map[string]string{"intake-token": "crm-token-0123456789\nform-token-0123456789", "google-key": "gkey-1",
		"whatsapp-app-secret": "app-secret", "whatsapp-verify-token": "verify-me"}
	got := secretData(t, secrets[0])
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Secret key %s = %q, want %q", k, got[k], v)
		}
	}
	if v, _ := argValue(args(t, docs), "--edge-config-dir"); v != "/etc/followup-operator/edge" {
		t.Errorf("--edge-config-dir %q", v)
	}
	pod := get(kinds(docs, "Deployment")[0], "spec", "template", "spec").(obj)
	if vol := pod["volumes"].([]any)[0].(obj); get(vol, "secret", "secretName") != "fo-followup-operator-edge" {
		t.Errorf("edge volume %v", vol)
	}
	sum := podAnnotation(docs, "checksum/edge-secret")
	other := podAnnotation(render(t, "fo", "followup-system", "edge.secret.intakeTokens={crm-token-9876543210}"), "checksum/edge-secret")
	if sum == "" || other == "" || sum == other {
		t.Errorf("checksum/edge-secret %q and %q: new tokens must roll the pods", sum, other)
	}

	// A Secret managed elsewhere is mounted as it is; the chart creates none.
	ext := render(t, "fo", "followup-system", "edge.existingSecret=edge-eu")
	if len(kinds(ext, "Secret")) != 0 || podAnnotation(ext, "checksum/edge-secret") != "" {
		t.Error("with existingSecret the chart must not create or hash a Secret")
	}
	// Nothing set: no Secret, no config dir (every endpoint answers 503).
	none := render(t, "fo", "followup-system")
	if _, ok := argValue(args(t, none), "--edge-config-dir"); ok || len(kinds(none, "Secret")) != 0 {
		t.Error("without edge secrets: no --edge-config-dir and no Secret")
	}
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"edge.existingSecret=edge-eu", "edge.secret.googleKeys={k}"}, "set edge.existingSecret or edge.secret, not both"},
		{[]string{"edge.secret.intakeTokens={short}"}, "values don't meet the specifications of the schema"},
		{[]string{"edge.secret.whatsappVerifyToken=has space"}, "values don't meet the specifications of the schema"},
		{[]string{"edge.publicURL=leads.example.com"}, "values don't meet the specifications of the schema"},
	} {
		a := []string{"template", "fo", chartDir()}
		for _, s := range c.sets {
			a = append(a, "--set", s)
		}
		if out, err := helm(t, a...); err == nil || !strings.Contains(out, c.want) {
			t.Errorf("%v: %v\n%s", c.sets, err, out)
		}
	}
}

// TestIngressHostAndTLS: the edge's Ingress serves /v1 on its host with the TLS secret.
func TestIngressHostAndTLS(t *testing.T) {
	docs := render(t, "fo", "followup-system", "edge.ingress.enabled=true", "edge.ingress.host=leads-eu.example.com",
		"edge.ingress.tlsSecret=leads-eu-tls", "edge.ingress.className=nginx")
	ing := kinds(docs, "Ingress")
	if len(ing) != 1 {
		t.Fatalf("%d ingresses", len(ing))
	}
	tls := get(ing[0], "spec", "tls").([]any)[0].(obj)
	rule := get(ing[0], "spec", "rules").([]any)[0].(obj)
	if tls["secretName"] != "leads-eu-tls" || tls["hosts"].([]any)[0] != "leads-eu.example.com" ||
		rule["host"] != "leads-eu.example.com" || get(ing[0], "spec", "ingressClassName") != "nginx" {
		t.Errorf("ingress tls %v rule %v", tls, rule)
	}
	if out, err := helm(t, "template", "fo", chartDir(), "--set", "edge.ingress.enabled=true", "--set", "edge.ingress.tlsSecret=x"); err == nil ||
		!strings.Contains(out, "edge.ingress.host is required with a TLS secret") {
		t.Errorf("TLS without a host: %v\n%s", err, out)
	}
	if out, err := helm(t, "template", "fo", chartDir(), "--set", "edge.ingress.host=https://leads.example.com"); err == nil ||
		!strings.Contains(out, "values don't meet the specifications of the schema") {
		t.Errorf("a URL as the host: %v\n%s", err, out)
	}
}

// TestPrometheusRuleIsOptional: like the ServiceMonitor, off by default.
func TestPrometheusRuleIsOptional(t *testing.T) {
	if n := len(kinds(render(t, "fo", "followup-system"), "PrometheusRule")); n != 0 {
		t.Errorf("%d PrometheusRules by default", n)
	}
	docs := render(t, "fo", "followup-system", "metrics.prometheusRule.enabled=true", "metrics.prometheusRule.labels.release=prom")
	pr := kinds(docs, "PrometheusRule")
	if len(pr) != 1 || get(pr[0], "metadata", "labels", "release") != "prom" {
		t.Errorf("PrometheusRule %v", pr)
	}
}
