package orders

import (
	"errors"
	"strconv"
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestVerifyAcceptsAnyListedSecretOnly(t *testing.T) {
	body := []byte(`{"id":"1"}`)
	if err := Verify([]string{"new", "old"}, body, Sign("old", body)); err != nil {
		t.Errorf("rotated secret: %v", err)
	}
	if err := Verify([]string{"new"}, body, Sign("old", body)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("retired secret: %v", err)
	}
	if err := Verify([]string{"new"}, []byte(`{"id":"2"}`), Sign("new", body)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("changed body: %v", err)
	}
	if err := Verify([]string{"new"}, body, ""); !errors.Is(err, ErrNoSignature) {
		t.Errorf("no header: %v", err)
	}
	if err := Verify([]string{""}, body, Sign("", body)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("an empty secret verified: %v", err)
	}
}

func TestParseReadsAnNPSScore(t *testing.T) {
	for _, score := range []int32{0, 10} {
		body := []byte(`{"id":"e2","kind":"npsResponse","score":` + strconv.Itoa(int(score)) + `,"order":{"id":"SO-1"},"lead":{"name":"x"}}`)
		_, in, err := Parse(body)
		if err != nil || in.Kind != v1.InteractionNPSResponse || in.Score == nil || *in.Score != score {
			t.Fatalf("%s: %+v %v", body, in, err)
		}
	}
}

func TestParseMapsKindsAndRefusesBadInput(t *testing.T) {
	_, in, err := Parse([]byte(`{"id":"e1","kind":"returnOpened","order":{"id":"SO-1"},"lead":{"externalId":"web-1"}}`))
	if err != nil || in.Kind != v1.InteractionReturnOpened || in.ID != "order:e1" || in.Order.ID != "SO-1" {
		t.Fatalf("%+v %v", in, err)
	}
	for body, reason := range map[string]string{
		`{"id":"e1","kind":"shipped","order":{"id":"SO-1"},"lead":{"name":"x"},"extra":1}`:        "InvalidJSON",
		`{"id":"e1","kind":"paid","order":{"id":"SO-1"},"lead":{"name":"x"}}`:                     "UnknownKind",
		`{"kind":"shipped","order":{"id":"SO-1"},"lead":{"name":"x"}}`:                            "MissingID",
		`{"id":"e1","kind":"shipped","order":{"id":"SO 1"},"lead":{"name":"x"}}`:                  "InvalidOrder",
		`{"id":"e1","kind":"shipped","order":{"id":"SO-1","tracking":"a b"},"lead":{"name":"x"}}`: "InvalidTracking",
		`{"id":"e1","kind":"shipped","order":{"id":"SO-1"},"lead":{}}`:                            "MissingLead",
		`{"id":"e1","kind":"npsResponse","order":{"id":"SO-1"},"lead":{"name":"x"}}`:              "InvalidScore",
		`{"id":"e1","kind":"npsResponse","score":11,"order":{"id":"SO-1"},"lead":{"name":"x"}}`:   "InvalidScore",
		`{"id":"e1","kind":"npsResponse","score":-1,"order":{"id":"SO-1"},"lead":{"name":"x"}}`:   "InvalidScore",
		`{"id":"e1","kind":"npsResponse","score":7.5,"order":{"id":"SO-1"},"lead":{"name":"x"}}`:  "InvalidJSON",
		`{"id":"e1","kind":"shipped","score":9,"order":{"id":"SO-1"},"lead":{"name":"x"}}`:        "InvalidScore",
	} {
		var p *Problem
		if _, _, err := Parse([]byte(body)); !errors.As(err, &p) || p.Reason != reason {
			t.Errorf("%s: %v, want %s", body, err, reason)
		}
	}
}
