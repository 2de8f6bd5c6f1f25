// Package alerts checks the chart's PrometheusRule with Prometheus's own rule parser,
// against the metrics internal/metrics really exposes (scraped from the registry over
// HTTP), and evaluates the alerts on synthetic series with the PromQL engine.
package alerts

import (
	"bufio"
	"bytes"
	"errors"
	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"io"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/yaml"

	"github.com/followup-io/followup-operator/internal/metrics"
	"github.com/followup-io/followup-operator/internal/testenv"
)

var promParser = parser.NewParser(parser.Options{})

// renderRules renders the chart with the PrometheusRule on and returns its groups as a
// Prometheus rule file.
func renderRules(t *testing.T, sets ...string) []byte {
	t.Helper()
	root, err := testenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"template", "fo", filepath.Join(root, "charts", "followup-operator"), "-n", "followup-system",
		"--set", "metrics.prometheusRule.enabled=true", "--show-only", "templates/prometheusrule.yaml"}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	out, err := exec.Command(filepath.Join(root, "bin", "helm"), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, out)
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			t.Fatal("no PrometheusRule rendered")
		}
		if err != nil {
			t.Fatal(err)
		}
		var pr struct {
			Kind string
			Spec map[string]any
		}
		if err := yaml.Unmarshal(doc, &pr); err != nil {
			t.Fatal(err)
		}
		if pr.Kind == "PrometheusRule" {
			b, err := yaml.Marshal(pr.Spec)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}

// parseRules is what Prometheus (and the Prometheus operator's admission webhook) does
// with a rule file: parse it strictly and validate every expression and template.
func parseRules(t *testing.T, content []byte) *rulefmt.RuleGroups {
	t.Helper()
	groups, errs := rulefmt.Parse(content, false, model.LegacyValidation, promParser, slog.New(slog.DiscardHandler))
	for _, err := range errs {
		t.Errorf("rule file: %v", err)
	}
	if groups == nil {
		t.FailNow()
	}
	return groups
}

// scrape records one of everything through internal/metrics' own recorders, serves the
// registry the manager serves and parses the exposition: the series names and label
// names that really exist.
func scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	lead := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: "sales-eu"},
		Spec: v1.LeadSpec{Tier: "high", Source: v1.LeadSource{Campaign: "cnc"}}}
	campaign := &v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: "cnc"}, Spec: v1.CampaignSpec{Region: "eu"}}
	policy := &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: "industrial"},
		Spec: v1.FollowUpPolicySpec{FirstResponse: []v1.FirstResponseTarget{{Tier: "high"}}}}
	labels := metrics.LabelsFor(lead, campaign, policy)
	metrics.FirstContact(labels, 10*time.Minute, true)
	metrics.FirstContact(labels, 3*time.Hour, false)
	metrics.DispatchObserved("sales-eu", "email-eu", "SMTP", "sent", 100*time.Millisecond)
	metrics.DispatchObserved("sales-eu", "email-eu", "SMTP", "transient", time.Second)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: promhttp.HandlerFor(ctrlmetrics.Registry, promhttp.HandlerOpts{})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// exposed maps every sample name of the scrape (histograms as _bucket, _count, _sum) to
// its label names and the values seen per label.
func exposed(fams map[string]*dto.MetricFamily) map[string]map[string]map[string]bool {
	out := map[string]map[string]map[string]bool{}
	for name, f := range fams {
		names := []string{name}
		if f.GetType() == dto.MetricType_HISTOGRAM {
			names = []string{name + "_bucket", name + "_count", name + "_sum"}
		}
		labels := map[string]map[string]bool{}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] == nil {
					labels[l.GetName()] = map[string]bool{}
				}
				labels[l.GetName()][l.GetValue()] = true
			}
		}
		for _, n := range names {
			out[n] = labels
		}
	}
	return out
}

// outputLabels is the label set an expression's result carries, given the label sets of
// the series it selects: what aggregations keep, what one-to-one operations keep.
func outputLabels(e parser.Expr, series func(*parser.VectorSelector) []string) []string {
	switch x := e.(type) {
	case *parser.AggregateExpr:
		if x.Without {
			return nil // not used by these rules
		}
		return sorted(x.Grouping)
	case *parser.BinaryExpr:
		if l := outputLabels(x.LHS, series); l != nil {
			return l
		}
		return outputLabels(x.RHS, series)
	case *parser.ParenExpr:
		return outputLabels(x.Expr, series)
	case *parser.Call:
		for _, a := range x.Args {
			if l := outputLabels(a, series); l != nil {
				return l
			}
		}
	case *parser.MatrixSelector:
		return outputLabels(x.VectorSelector, series)
	case *parser.VectorSelector:
		return series(x)
	}
	return nil
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

// TestRulesParseAndUseRealMetrics: the rendered rules pass Prometheus's parser; every
// series they select is one internal/metrics exposes (or one the file records), every
// label they match or group by is on it, every equality matcher's value occurs, and
// both sides of each `and` carry the same labels so it matches series by series.
func TestRulesParseAndUseRealMetrics(t *testing.T) {
	groups := parseRules(t, renderRules(t))
	have := exposed(scrape(t))
	recorded := map[string][]string{}
	var alerts []string
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			name := r.Record + r.Alert
			expr, err := promParser.ParseExpr(r.Expr)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			series := func(vs *parser.VectorSelector) []string {
				if l, ok := recorded[vs.Name]; ok {
					return l
				}
				var out []string
				for l := range have[vs.Name] {
					out = append(out, l)
				}
				return sorted(out)
			}
			parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
				switch x := n.(type) {
				case *parser.VectorSelector:
					labels := series(x)
					if _, rec := recorded[x.Name]; !rec && have[x.Name] == nil {
						t.Errorf("%s selects %s, which internal/metrics does not expose", name, x.Name)
					}
					for _, m := range x.LabelMatchers {
						if m.Name == "__name__" {
							continue
						}
						if !slices.Contains(labels, m.Name) {
							t.Errorf("%s matches label %s, which %s does not have (%v)", name, m.Name, x.Name, labels)
						}
						if m.Type.String() == "=" && have[x.Name] != nil && !have[x.Name][m.Name][m.Value] {
							t.Errorf("%s matches %s=%q, a value %s never takes", name, m.Name, m.Value, x.Name)
						}
					}
				case *parser.AggregateExpr:
					in := outputLabels(x.Expr, series)
					for _, l := range x.Grouping {
						if !slices.Contains(in, l) {
							t.Errorf("%s groups by %s, which its input %v does not carry", name, l, in)
						}
					}
				case *parser.BinaryExpr:
					if x.Op == parser.LAND {
						l, r := outputLabels(x.LHS, series), outputLabels(x.RHS, series)
						if !slices.Equal(l, r) {
							t.Errorf("%s: `and` of %v and %v matches nothing", name, l, r)
						}
					}
				}
				return nil
			})
			if r.Record != "" {
				recorded[r.Record] = outputLabels(expr, series)
			} else {
				alerts = append(alerts, r.Alert)
				if r.Labels["severity"] == "" || r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
					t.Errorf("%s needs a severity, a summary and a description", r.Alert)
				}
			}
		}
	}
	want := []string{"FollowUpChannelDown", "FollowUpChannelFailing", "FollowUpFirstResponseBudgetBurnFast",
		"FollowUpFirstResponseBudgetBurnLong", "FollowUpFirstResponseBudgetBurnMedium", "FollowUpFirstResponseBudgetBurnSlow"}
	if got := sorted(alerts); !slices.Equal(got, want) {
		t.Errorf("alerts %v, want %v", got, want)
	}
}

// TestRulesFollowTheValues: the SLO, the sample guard and the channel threshold come
// from the values, and the chart refuses values that make no sense.
func TestRulesFollowTheValues(t *testing.T) {
	groups := parseRules(t, renderRules(t, "metrics.prometheusRule.firstResponseSLO=0.99",
		"metrics.prometheusRule.minLeads=10", "metrics.prometheusRule.channelFailureRatio=0.5"))
	var all []string
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			all = append(all, r.Expr)
		}
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{"(14.4 * (1 - 0.99))", ">= 10", "followup:channel_error_ratio:rate15m > 0.5"} {
		if !strings.Contains(text, want) {
			t.Errorf("rules do not contain %q", want)
		}
	}
	root, _ := testenv.Root()
	for _, bad := range []string{"metrics.prometheusRule.firstResponseSLO=1", "metrics.prometheusRule.minLeads=0",
		"metrics.prometheusRule.channelFailureRatio=0", "metrics.prometheusRule.labels.release=1"} {
		out, err := exec.Command(filepath.Join(root, "bin", "helm"), "template", "fo", filepath.Join(root, "charts", "followup-operator"),
			"--set", "metrics.prometheusRule.enabled=true", "--set", bad).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "values don't meet the specifications of the schema") {
			t.Errorf("--set %s: %v\n%s", bad, err, out)
		}
	}
}
