package gitops

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	var err error
	if env, err = testenv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

// snapshot is one object in one state, as read from the API server.
type snapshot struct {
	name string
	obj  *unstructured.Unstructured
	// argo is the Argo CD health the scripts must give, message a fragment of its message.
	argo, message string
	// kstatus is what Flux's kstatus must compute ("" when kstatus has no view: an
	// object nobody looked at yet, a suspended lead).
	kstatus string
}

const ns = "gitops"

// worldYAML: a receiver-backed channel and a policy, campaign and lead that work; a
// channel without its Secret, a policy that can only use it, a campaign and a lead
// naming a policy that does not exist; a suspended lead.
const worldYAML = `apiVersion: followup.io/v1alpha1
kind: Channel
metadata: {name: hook}
spec: {type: Webhook, webhook: {url: "%[1]s/touch"}}
---
apiVersion: followup.io/v1alpha1
kind: Channel
metadata: {name: broken}
spec: {type: Webhook, webhook: {url: "https://hooks.example.com/touch"}, credentialsRef: {name: missing}}
---
apiVersion: followup.io/v1alpha1
kind: FollowUpPolicy
metadata: {name: fast}
spec:
  schedule: {timeZone: UTC, businessHours: {days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], from: "00:00", to: "24:00"}}
  firstResponse: [{tier: standard, within: 1h, clock: Calendar}]
  steps:
    - {name: introduce, channel: hook, template: t, sendWindow: Anytime}
    - {name: follow-up, after: 240h, channel: hook, template: t}
  templates: {t: {subject: Hi, body: "Hello {{ .FirstName }}"}}
---
apiVersion: followup.io/v1alpha1
kind: FollowUpPolicy
metadata: {name: broken}
spec:
  steps: [{name: introduce, channel: broken, template: t}]
  templates: {t: {body: "Hello {{ .FirstName }}"}}
---
apiVersion: followup.io/v1alpha1
kind: Campaign
metadata: {name: launch}
spec: {source: {platform: Web}, policy: fast, reps: [{name: anna}]}
---
apiVersion: followup.io/v1alpha1
kind: Campaign
metadata: {name: orphan}
spec: {source: {platform: Web}, policy: missing}
---
apiVersion: followup.io/v1alpha1
kind: Lead
metadata: {name: buyer}
spec: {contact: {name: Bea Buyer, email: bea@example.com}, source: {campaign: launch}}
---
apiVersion: followup.io/v1alpha1
kind: Lead
metadata: {name: stranded}
spec: {contact: {name: Sam Stranded, email: sam@example.com}, policy: missing}
---
apiVersion: followup.io/v1alpha1
kind: Lead
metadata: {name: paused}
spec: {contact: {name: Pat Paused, email: pat@example.com}, policy: fast, suspend: true}
`

var (
	worldOnce  sync.Once
	worldSnaps []snapshot
	worldErr   error
)

// world runs the operator's controllers (controllers.Setup, as the manager binary does)
// until every object settled, snapshots the Ready and Stalled ones, stops the operator,
// then puts objects into the states it would only pass through (Reconciling, a spec
// edit not yet observed, no status at all) and snapshots those.
func world(t *testing.T) []snapshot {
	t.Helper()
	worldOnce.Do(func() { worldSnaps, worldErr = buildWorld() })
	if worldErr != nil {
		t.Fatal(worldErr)
	}
	return worldSnaps
}

func buildWorld() ([]snapshot, error) {
	ctx := context.Background()
	c := env.Client
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer receiver.Close()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return nil, err
	}

	ctrl.SetLogger(zap.New(zap.WriteTo(io.Discard)))
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	if err != nil {
		return nil, err
	}
	if err := controllers.Setup(mgr, controllers.Options{Concurrency: 2}); err != nil {
		return nil, err
	}
	mctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = mgr.Start(mctx); close(done) }()
	stopped := false
	defer func() {
		if !stopped {
			stop()
			<-done
		}
	}()

	for _, doc := range strings.Split(fmt.Sprintf(worldYAML, receiver.URL), "\n---\n") {
		u, err := decode(doc)
		if err != nil {
			return nil, err
		}
		u.SetNamespace(ns)
		if err := c.Create(ctx, u); err != nil {
			return nil, fmt.Errorf("creating %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}

	settled := []struct {
		kind, name, ready, reason string
		argo, message, kstatus    string
	}{
		{"Channel", "hook", "True", "Valid", "Healthy", "Webhook channel ready (", "Current"},
		{"Channel", "broken", "False", "SecretNotFound", "Degraded", `SecretNotFound: Secret "missing"`, "Failed"},
		{"FollowUpPolicy", "fast", "True", "Valid", "Healthy", "policy is valid: 2 steps", "Current"},
		{"FollowUpPolicy", "broken", "False", "ChannelNotReady", "Degraded",
			`ChannelNotReady: no channel the policy uses can deliver: step introduce: channel "broken" is not ready: SecretNotFound`, "Failed"},
		{"Campaign", "launch", "True", "Measured", "Healthy", "leads in window", "Current"},
		{"Campaign", "orphan", "False", "PolicyNotFound", "Degraded", `PolicyNotFound: policy "missing" does not exist`, "Failed"},
		{"Lead", "buyer", "True", "", "Healthy", "first response Met", "Current"},
		{"Lead", "stranded", "False", "PolicyNotFound", "Degraded", "PolicyNotFound: ", "Failed"},
		{"Lead", "paused", "True", "", "Suspended", "suspended (spec.suspend)", ""},
	}
	var snaps []snapshot
	for _, s := range settled {
		u, err := waitFor(s.kind, s.name, func(u *unstructured.Unstructured, conds []metav1.Condition) bool {
			ready := meta.FindStatusCondition(conds, v1.ConditionReady)
			if ready == nil || string(ready.Status) != s.ready || (s.reason != "" && ready.Reason != s.reason) {
				return false
			}
			if s.kind == "Lead" && s.name == "buyer" {
				summary, _, _ := unstructured.NestedString(u.Object, "status", "firstResponse", "summary")
				return strings.HasPrefix(summary, "Met")
			}
			return true
		})
		if err != nil {
			return nil, err
		}
		snaps = append(snaps, snapshot{name: s.kind + " " + s.name + " as the operator left it", obj: u,
			argo: s.argo, message: s.message, kstatus: s.kstatus})
	}
	stop()
	<-done
	stopped = true

	// With the operator stopped: Reconciling, a spec edit it has not seen, no status.
	for _, o := range []struct{ kind, name, specPath, value string }{
		{"Channel", "hook", "spec.rateLimit.perMinute", "30"},
		{"FollowUpPolicy", "fast", "spec.schedule.timeZone", "Europe/Berlin"},
		{"Campaign", "launch", "spec.region", "eu"},
		{"Lead", "buyer", "spec.product", "fiber laser"},
	} {
		u, err := reconciling(o.kind, o.name)
		if err != nil {
			return nil, err
		}
		snaps = append(snaps, snapshot{name: o.kind + " reconciling", obj: u, argo: "Progressing",
			message: "Progressing: work under way", kstatus: "InProgress"})
		if u, err = editSpec(o.kind, o.name, o.specPath, o.value); err != nil {
			return nil, err
		}
		snaps = append(snaps, snapshot{name: o.kind + " edited, not yet observed", obj: u, argo: "Progressing",
			message: "waiting for the followup operator to", kstatus: "InProgress"})
		fresh, err := decode(fmt.Sprintf(`{apiVersion: followup.io/v1alpha1, kind: %s, metadata: {name: fresh, namespace: %s}}`, o.kind, ns))
		if err != nil {
			return nil, err
		}
		base, _ := get(o.kind, o.name)
		fresh.Object["spec"] = base.Object["spec"]
		if err := c.Create(ctx, fresh); err != nil {
			return nil, err
		}
		snaps = append(snaps, snapshot{name: o.kind + " nobody looked at yet", obj: fresh, argo: "Progressing",
			message: "waiting for the followup operator to"})
	}
	return snaps, nil
}

func decode(doc string) (*unstructured.Unstructured, error) {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: m}, nil
}

func get(kind, name string) (*unstructured.Unstructured, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(v1.GroupVersion.WithKind(kind))
	err := env.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, u)
	return u, err
}

func conditions(u *unstructured.Unstructured) []metav1.Condition {
	raw, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	var out []metav1.Condition
	for _, r := range raw {
		var c metav1.Condition
		if m, ok := r.(map[string]any); ok && runtime.DefaultUnstructuredConverter.FromUnstructured(m, &c) == nil {
			out = append(out, c)
		}
	}
	return out
}

// waitFor polls an object until its status is for its generation and ok says so.
func waitFor(kind, name string, ok func(*unstructured.Unstructured, []metav1.Condition) bool) (*unstructured.Unstructured, error) {
	deadline := time.Now().Add(30 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		u, err := get(kind, name)
		if err == nil {
			gen, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
			conds := conditions(u)
			if gen == u.GetGeneration() && ok(u, conds) {
				return u, nil
			}
			last = fmt.Sprintf("observedGeneration %d of %d, conditions %+v", gen, u.GetGeneration(), conds)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil, fmt.Errorf("%s %s did not settle: %s", kind, name, last)
}

// reconciling writes the status a controller writes while work is under way (Reconciling
// True, Ready False with the same reason, no Stalled) through the status subresource.
func reconciling(kind, name string) (*unstructured.Unstructured, error) {
	u, err := get(kind, name)
	if err != nil {
		return nil, err
	}
	conds := conditions(u)
	for _, typ := range []string{v1.ConditionReconciling, v1.ConditionReady} {
		meta.SetStatusCondition(&conds, metav1.Condition{Type: typ, Status: metav1.ConditionFalse, Reason: "Progressing",
			Message: "work under way", ObservedGeneration: u.GetGeneration()})
	}
	meta.FindStatusCondition(conds, v1.ConditionReconciling).Status = metav1.ConditionTrue
	meta.RemoveStatusCondition(&conds, v1.ConditionStalled)
	raw := make([]any, 0, len(conds))
	for _, c := range conds {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&c)
		if err != nil {
			return nil, err
		}
		raw = append(raw, m)
	}
	if err := unstructured.SetNestedSlice(u.Object, raw, "status", "conditions"); err != nil {
		return nil, err
	}
	if err := env.Client.Status().Update(context.Background(), u); err != nil {
		return nil, err
	}
	return get(kind, name)
}

// editSpec changes one spec field, so generation moves past observedGeneration.
func editSpec(kind, name, path, value string) (*unstructured.Unstructured, error) {
	u, err := get(kind, name)
	if err != nil {
		return nil, err
	}
	var v any = value
	if value == "30" {
		v = int64(30)
	}
	if err := unstructured.SetNestedField(u.Object, v, strings.Split(path, ".")...); err != nil {
		return nil, err
	}
	if err := env.Client.Update(context.Background(), u); err != nil {
		return nil, err
	}
	return get(kind, name)
}
