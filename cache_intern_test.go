package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"unsafe"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// decodedLead is a lead as an informer has it: decoded from JSON, so every string has
// its own memory.
func decodedLead(t *testing.T, i int) *v1.Lead {
	t.Helper()
	at := metav1.Now()
	l := v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("l-%d", i), Namespace: "sales-eu",
		Labels: map[string]string{"followup.io/region": "eu"}},
		Spec: v1.LeadSpec{Contact: v1.Contact{Name: "Contact", Email: fmt.Sprintf("c%d@example.com", i), Country: "DE"},
			Policy: "cnc-standard", Source: v1.LeadSource{Campaign: "cnc-eu", ExternalID: fmt.Sprintf("web-%d", i)}},
		Status: v1.LeadStatus{Phase: v1.PhaseInCadence, Policy: "cnc-standard", Stage: "touch 1/5 (intro-email)",
			Conditions: []metav1.Condition{{Type: v1.ConditionReady, Status: metav1.ConditionTrue, Reason: "Active",
				Message: "touch 1/5 (intro-email)", LastTransitionTime: at}},
			Touches: []v1.TouchRecord{{Number: 1, Step: "intro-email", Channel: "mail", Template: "intro", Due: at,
				Result: v1.TouchSent, Key: fmt.Sprintf("key-%d", i)}}}}
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var out v1.Lead
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func sameMemory(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

// TestTrimForCacheSharesALeadsRepeatedStrings: after the transform two leads' equal
// strings share memory, and each lead is equal, field for field, to what was decoded
// (a status write of the cached lead sends exactly what the API server stored).
func TestTrimForCacheSharesALeadsRepeatedStrings(t *testing.T) {
	a, b := decodedLead(t, 1), decodedLead(t, 2)
	wantA, wantB := a.DeepCopy(), b.DeepCopy()
	if sameMemory(a.Status.Conditions[0].Message, b.Status.Conditions[0].Message) {
		t.Fatal("decoded leads share memory already; the test proves nothing")
	}
	for _, l := range []*v1.Lead{a, b} {
		if _, err := trimForCache(l); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(a, wantA) || !reflect.DeepEqual(b, wantB) {
		t.Fatalf("the transform changed a value:\n%+v\n%+v", a, wantA)
	}
	for what, pair := range map[string][2]string{
		"namespace":         {a.Namespace, b.Namespace},
		"label value":       {a.Labels["followup.io/region"], b.Labels["followup.io/region"]},
		"condition message": {a.Status.Conditions[0].Message, b.Status.Conditions[0].Message},
		"condition reason":  {a.Status.Conditions[0].Reason, b.Status.Conditions[0].Reason},
		"policy":            {a.Spec.Policy, b.Status.Policy},
		"touch step":        {a.Status.Touches[0].Step, b.Status.Touches[0].Step},
	} {
		if !sameMemory(pair[0], pair[1]) {
			t.Errorf("%s not shared", what)
		}
	}
	if reflect.ValueOf(a.Labels).UnsafePointer() != reflect.ValueOf(b.Labels).UnsafePointer() {
		t.Error("equal labels not one shared map")
	}
	// Contact data and keys are never pooled.
	if _, ok := pool.m[a.Spec.Contact.Email]; ok {
		t.Error("an email address went into the pool")
	}
	if _, ok := pool.m[a.Status.Touches[0].Key]; ok {
		t.Error("a touch key went into the pool")
	}
}

// TestInternPoolStaysBounded: the pool never holds more than its bound, and a string
// too long for it passes through as it came.
func TestInternPoolStaysBounded(t *testing.T) {
	p := pool
	for i := range internMaxEntries + 10 {
		internStr(fmt.Sprintf("deadline %d", i))
	}
	if n := len(p.m); n > internMaxEntries || n == 0 {
		t.Errorf("pool holds %d entries (bound %d)", n, internMaxEntries)
	}
	long := string(make([]byte, internMaxLen+1))
	if got := internStr(long); !sameMemory(got, long) {
		t.Error("a long string was copied")
	}
	if _, ok := p.m[long]; ok {
		t.Error("a long string went into the pool")
	}
}

// TestLabelSetsShareOnlyEqualLabels: objects with equal labels share one map, any
// difference (a value, one label more) gets its own, and the pool stays bounded.
func TestLabelSetsShareOnlyEqualLabels(t *testing.T) {
	p := labelSets
	same := func(a, b map[string]string) bool {
		return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
	}
	a := sharedLabels(map[string]string{"region": "eu", "source": "web"})
	b := sharedLabels(map[string]string{"source": "web", "region": "eu"})
	c := sharedLabels(map[string]string{"region": "eu", "source": "ads"})
	d := sharedLabels(map[string]string{"region": "eu", "source": "web", "tier": "hot"})
	e := sharedLabels(map[string]string{"region": "eu\x00source", "": "web"})
	if !same(a, b) {
		t.Error("equal labels in another order not shared")
	}
	for _, other := range []map[string]string{c, d, e} {
		if same(a, other) {
			t.Errorf("%v shares the map of %v", other, a)
		}
	}
	if !reflect.DeepEqual(d, map[string]string{"region": "eu", "source": "web", "tier": "hot"}) {
		t.Errorf("labels changed: %v", d)
	}
	for i := range labelSetMaxEntries + 10 {
		sharedLabels(map[string]string{"n": fmt.Sprint(i)})
	}
	if n := len(p.m); n > labelSetMaxEntries || n == 0 {
		t.Errorf("pool holds %d label sets (bound %d)", n, labelSetMaxEntries)
	}
	big := map[string]string{"k": string(make([]byte, labelSetMaxLen))}
	if got := sharedLabels(big); !same(got, big) {
		t.Error("a label set over the bound was copied")
	}
}
