package v1alpha1_test

import (
	"context"
	"fmt"
	"k8s.io/apimachinery/pkg/types"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestInvalidObjects runs the table in invalid_objects_test.go against a real API server:
// a refused object must be refused with its message and leave nothing stored; a stored
// one must come to Ready=False with Stalled=True, its reason and a message naming the
// fault, for its current generation.
func TestInvalidObjects(t *testing.T) {
	ctx := context.Background()
	for i, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			if (tc.rejected == "") == (tc.reason == "") {
				t.Fatal("a case says either rejected or reason")
			}
			ns := "default"
			if tc.reason != "" {
				ns = statusWorld(t)
			}
			for _, s := range tc.setup {
				create(t, decodeYAML(t, s), ns, "")
			}
			obj := caseObject(t, tc, ns, fmt.Sprintf("invalid-%d", i))
			if tc.rejected != "" {
				expectRejected(t, obj, tc.rejected)
				return
			}
			if err := apiClient(t).Create(ctx, obj); err != nil {
				t.Fatalf("want it stored and reported as %s, got %v", tc.reason, err)
			}
			expectReason(t, obj.GetKind(), client.ObjectKeyFromObject(obj), tc.reason, tc.message)
			if tc.alsoOn != "" {
				kind, name, _ := strings.Cut(tc.alsoOn, "/")
				expectReason(t, kind, client.ObjectKey{Namespace: ns, Name: name}, tc.reason, "")
			}
		})
	}
}

// TestInvalidEditKeepsTheStoredObject: a refused edit changes nothing already stored.
func TestInvalidEditKeepsTheStoredObject(t *testing.T) {
	ctx := context.Background()
	obj := caseObject(t, invalidCase{kind: "FollowUpPolicy"}, "default", "kept")
	create(t, obj, "default", "")
	// The policy controller writes status meanwhile: a merge patch carries no
	// resourceVersion, so only the validation can refuse the edit.
	patch := []byte(`{"spec":{"weeklyCaps":{"new":0,"active":0,"silent":0}}}`)
	if err := apiClient(t).Patch(ctx, obj.DeepCopy(), client.RawPatch(types.MergePatchType, patch)); err == nil ||
		!strings.Contains(err.Error(), "weeklyCaps.new must be at least 1") {
		t.Fatalf("edit to weekly caps 0: %v", err)
	}
	var got v1.FollowUpPolicy
	if err := apiClient(t).Get(ctx, client.ObjectKeyFromObject(obj), &got); err != nil {
		t.Fatal(err)
	}
	if got.Spec.WeeklyCaps != (v1.WeeklyCaps{New: 6, Active: 4, Silent: 2}) || got.Generation != 1 {
		t.Errorf("stored policy changed: caps %+v, generation %d", got.Spec.WeeklyCaps, got.Generation)
	}
}

// TestValidObjectsAreAccepted guards the bases: every refusal in the table must come
// from the one change its case made.
func TestValidObjectsAreAccepted(t *testing.T) {
	for kind := range baseObjects {
		create(t, caseObject(t, invalidCase{kind: kind}, "default", "ok-"+strings.ToLower(kind)), "default", "")
	}
	for _, obj := range []client.Object{validPolicy("ok"), validLead("ok"), validCampaign("ok"), validChannel("ok")} {
		if err := apiClient(t).Create(context.Background(), obj); err != nil {
			t.Fatalf("%T: %v", obj, err)
		}
		t.Cleanup(func() { _ = apiClient(t).Delete(context.Background(), obj) })
	}
}

// statusWorld makes a namespace with a valid channel "email" and policy "p" that the
// case's objects may name, and waits until the policy is Ready.
func statusWorld(t *testing.T) string {
	t.Helper()
	startControllers(t)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "invalid-"}}
	if err := apiClient(t).Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = apiClient(t).Delete(context.Background(), ns) })
	create(t, caseObject(t, invalidCase{kind: "Channel"}, ns.Name, "email"), ns.Name, "")
	create(t, caseObject(t, invalidCase{kind: "FollowUpPolicy"}, ns.Name, "p"), ns.Name, "")
	expectReason(t, "FollowUpPolicy", client.ObjectKey{Namespace: ns.Name, Name: "p"}, "", "")
	return ns.Name
}

// caseObject is the base object of the case's kind with its patch applied.
func caseObject(t *testing.T, tc invalidCase, ns, name string) *unstructured.Unstructured {
	t.Helper()
	base := decodeYAML(t, baseObjects[tc.kind])
	if tc.patch != "" {
		base.Object = mergePatch(base.Object, decodeYAML(t, tc.patch).Object).(map[string]any)
	}
	base.SetNamespace(ns)
	base.SetName(name)
	return base
}

func decodeYAML(t *testing.T, s string) *unstructured.Unstructured {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return &unstructured.Unstructured{Object: m}
}

// mergePatch applies a JSON merge patch (RFC 7386): maps merge, null removes, anything
// else replaces, lists included.
func mergePatch(base, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	b, ok := base.(map[string]any)
	if !ok {
		b = map[string]any{}
	}
	out := runtime.DeepCopyJSON(b)
	for k, v := range p {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = mergePatch(out[k], v)
	}
	return out
}

func create(t *testing.T, obj *unstructured.Unstructured, ns, name string) {
	t.Helper()
	obj.SetNamespace(ns)
	if name != "" {
		obj.SetName(name)
	}
	if err := apiClient(t).Create(context.Background(), obj); err != nil {
		t.Fatalf("creating %s %s: %v", obj.GetKind(), obj.GetName(), err)
	}
	t.Cleanup(func() { _ = apiClient(t).Delete(context.Background(), obj) })
}

func expectRejected(t *testing.T, obj *unstructured.Unstructured, want string) {
	t.Helper()
	err := apiClient(t).Create(context.Background(), obj)
	if err == nil {
		_ = apiClient(t).Delete(context.Background(), obj)
		t.Fatalf("created; want a refusal mentioning %q", want)
	}
	if !apierrors.IsInvalid(err) {
		t.Fatalf("want an Invalid error, got %v", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not mention %q", err.Error(), want)
	}
	got := &unstructured.Unstructured{}
	got.SetGroupVersionKind(obj.GroupVersionKind())
	if err := apiClient(t).Get(context.Background(), client.ObjectKeyFromObject(obj), got); !apierrors.IsNotFound(err) {
		t.Fatalf("a refused object is stored: %v", err)
	}
}

// expectReason waits for Ready=False/Stalled=True with the reason (Ready=True when reason
// is ""), for the object's current generation.
func expectReason(t *testing.T, kind string, key client.ObjectKey, reason, message string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		if last = health(t, kind, key, reason, message); last == "" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s %s: %s", kind, key, last)
}

// health says what is wrong with an object's conditions, or "".
func health(t *testing.T, kind string, key client.ObjectKey, reason, message string) string {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(v1.GroupVersion.WithKind(kind))
	if err := apiClient(t).Get(context.Background(), key, u); err != nil {
		return err.Error()
	}
	var st struct {
		ObservedGeneration int64              `json:"observedGeneration"`
		Conditions         []metav1.Condition `json:"conditions"`
	}
	raw, _, _ := unstructured.NestedMap(u.Object, "status")
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &st); err != nil {
		return err.Error()
	}
	ready := meta.FindStatusCondition(st.Conditions, v1.ConditionReady)
	stalled := meta.FindStatusCondition(st.Conditions, v1.ConditionStalled)
	switch {
	case ready == nil:
		return "no Ready condition yet"
	case st.ObservedGeneration != u.GetGeneration() || ready.ObservedGeneration != u.GetGeneration():
		return "status is not for the current generation"
	case reason == "" && ready.Status != metav1.ConditionTrue:
		return fmt.Sprintf("want Ready=True, got %s %s: %s", ready.Status, ready.Reason, ready.Message)
	case reason == "":
		return ""
	case ready.Status != metav1.ConditionFalse || ready.Reason != reason:
		return fmt.Sprintf("want Ready=False %s, got %s %s: %s", reason, ready.Status, ready.Reason, ready.Message)
	case stalled == nil || stalled.Status != metav1.ConditionTrue || stalled.Reason != reason:
		return fmt.Sprintf("want Stalled=True %s, got %+v", reason, stalled)
	case !strings.Contains(ready.Message, message):
		return fmt.Sprintf("message %q does not mention %q", ready.Message, message)
	}
	return ""
}

func TestInteractionsAreAppendOnly(t *testing.T) {
	ctx := context.Background()
	l := validLead("append-only")
	l.Spec.Interactions = []v1.InteractionEntry{{At: metav1.Now(), Kind: v1.InteractionReply, Quality: ptr.To[int32](1)}}
	if err := apiClient(t).Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = apiClient(t).Delete(ctx, l) })

	l.Spec.Interactions = append(l.Spec.Interactions, v1.InteractionEntry{At: metav1.Now(), Kind: v1.InteractionRead})
	if err := apiClient(t).Update(ctx, l); err != nil {
		t.Fatalf("appending: %v", err)
	}

	changed := l.DeepCopy()
	changed.Spec.Interactions[0].Quality = ptr.To[int32](3)
	if err := apiClient(t).Update(ctx, changed); err == nil || !strings.Contains(err.Error(), "interactions are append-only") {
		t.Fatalf("changing a recorded interaction: want append-only rejection, got %v", err)
	}
	removed := l.DeepCopy()
	removed.Spec.Interactions = removed.Spec.Interactions[1:]
	if err := apiClient(t).Update(ctx, removed); err == nil || !strings.Contains(err.Error(), "interactions are append-only") {
		t.Fatalf("removing a recorded interaction: want append-only rejection, got %v", err)
	}
	// Nothing stored was lost by the refused updates.
	var got v1.Lead
	if err := apiClient(t).Get(ctx, client.ObjectKeyFromObject(l), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Spec.Interactions) != 2 || *got.Spec.Interactions[0].Quality != 1 {
		t.Fatalf("stored interactions changed: %+v", got.Spec.Interactions)
	}
}

// TestInteractionsStopAtTheirBound: spec.interactions takes MaxInteractions entries
// (the bound that keeps the largest lead under 64 KiB, make bench) and refuses one more
// with the API's own message; the full list stays stored.
func TestInteractionsStopAtTheirBound(t *testing.T) {
	ctx := context.Background()
	l := validLead("interactions-bound")
	for i := range v1.MaxInteractions {
		l.Spec.Interactions = append(l.Spec.Interactions, v1.InteractionEntry{At: metav1.Now(), Kind: v1.InteractionNote,
			ID: fmt.Sprintf("import-%03d", i)})
	}
	if err := apiClient(t).Create(ctx, l); err != nil {
		t.Fatalf("%d interactions: %v", v1.MaxInteractions, err)
	}
	t.Cleanup(func() { _ = apiClient(t).Delete(ctx, l) })

	over := l.DeepCopy()
	over.Spec.Interactions = append(over.Spec.Interactions, v1.InteractionEntry{At: metav1.Now(), Kind: v1.InteractionNote, ID: "one-more"})
	err := apiClient(t).Update(ctx, over)
	if want := fmt.Sprintf("must have at most %d items", v1.MaxInteractions); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("%d interactions: want %q, got %v", v1.MaxInteractions+1, want, err)
	}
	var got v1.Lead
	if err := apiClient(t).Get(ctx, client.ObjectKeyFromObject(l), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Spec.Interactions) != v1.MaxInteractions {
		t.Fatalf("stored %d interactions, want %d", len(got.Spec.Interactions), v1.MaxInteractions)
	}
}
