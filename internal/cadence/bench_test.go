package cadence

import (
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// BenchmarkEvaluate measures one decision for a lead mid-cadence with a realistic
// history (3 touches, 6 interactions): the cost the controller pays per reconcile.
func BenchmarkEvaluate(b *testing.B) {
	l := lead("Europe/Warsaw", "high", "2026-11-16T09:00:00Z")
	p := industrial()
	now := at("2026-11-16T09:00:00Z")
	for i := 0; i < 3; i++ {
		d, _ := Evaluate(Input{Now: now, Policy: p, Revision: "r", Lead: l, Channels: channels})
		Apply(&l.Status, d, "r")
		if d.Due != nil {
			rec := d.Due.Record
			Record(&rec, Sent, "", now)
			UpsertTouch(&l.Status, rec)
		}
		now = now.Add(50 * time.Hour)
	}
	for i := 0; i < 6; i++ {
		l.Spec.Interactions = append(l.Spec.Interactions, v1.InteractionEntry{At: l.Status.Touches[0].Due, Kind: v1.InteractionDelivered})
	}
	in := Input{Now: now, Policy: p, Revision: "r", Lead: l, Channels: channels}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Evaluate(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSimulateCadence runs a whole cadence (3 touches, dormancy, reactivation)
// for one lead over 10 simulated weeks: what `simulate` pays per lead.
func BenchmarkSimulateCadence(b *testing.B) {
	p := industrial()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		l := lead("America/Chicago", "standard", "2026-11-16T15:00:00Z")
		start := SubmittedAt(l)
		if _, err := Simulate(p, "r", l, channels, start, start.Add(10*week), callsAnswerTasks); err != nil {
			b.Fatal(err)
		}
	}
}
