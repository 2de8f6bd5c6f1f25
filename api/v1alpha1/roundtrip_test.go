package v1alpha1_test

import (
	"encoding/json"
	"math/rand"
	"testing"

	"k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	"k8s.io/apimachinery/pkg/api/apitesting/roundtrip"
	"k8s.io/apimachinery/pkg/api/equality"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestRoundTrip fills every kind with random values and checks JSON encode/decode and
// DeepCopy give back the same object.
func TestRoundTrip(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := v1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	codecs := serializer.NewCodecFactory(scheme)
	f := fuzzer.FuzzerFor(metafuzzer.Funcs, rand.NewSource(rand.Int63()), codecs)
	roundtrip.RoundTripExternalTypesWithoutProtobuf(t, scheme, codecs, f, nil)
}

// FuzzLeadJSON feeds arbitrary bytes to the Lead decoder: it must never panic, and what
// decodes must survive a re-encode unchanged.
func FuzzLeadJSON(f *testing.F) {
	f.Add([]byte(`{"spec":{"contact":{"email":"a@b.co"},"policy":"p","interactions":[{"at":"2026-11-20T14:03:00Z","kind":"Reply","quality":2}]}}`))
	f.Add([]byte(`{"status":{"touches":[{"number":1,"step":"introduce","due":"2026-11-20T14:03:00Z","result":"Sent","key":"k"}]}}`))
	f.Add([]byte(`{"spec":{"value":{"amount":"38000","currency":"EUR"},"outcome":{"result":"Won","at":null}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var l v1.Lead
		if err := json.Unmarshal(data, &l); err != nil {
			return
		}
		out, err := json.Marshal(&l)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		var back v1.Lead
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("decode of own output: %v", err)
		}
		if !equality.Semantic.DeepEqual(&l, &back) {
			t.Fatalf("round trip changed the lead:\n%s", out)
		}
		if cp := l.DeepCopy(); !equality.Semantic.DeepEqual(&l, cp) {
			t.Fatal("DeepCopy differs")
		}
	})
}
