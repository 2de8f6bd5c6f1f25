package senders_test

import (
	"context"
	"testing"

	"github.com/followup-io/followup-operator/internal/senders"
)

// BenchmarkWebhookDispatch: one signed JSON touch to a loopback receiver.
func BenchmarkWebhookDispatch(b *testing.B) {
	srv := newServer(b, nil)
	var cs channels
	ch := webhook("crm", srv.URL, "JSON")
	ch.Spec.RateLimit.PerMinute = 100000
	cs.add(ch, map[string]string{"signingKey": "s3cret"})
	r := senders.NewRouter(&cs, nil)
	d := delivery("crm")
	b.ReportAllocs()
	for b.Loop() {
		r.Dispatch(context.Background(), d)
	}
}
