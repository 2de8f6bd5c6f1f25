package cadence

import (
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// BenchmarkTransition measures one transition for a lead mid-cadence with a realistic
// history (3 touches, 6 interactions): the cost the controller pays per reconcile.
func BenchmarkTransition(b *testing.B) {
	l := lead("Europe/Warsaw", "high", "2026-11-16T09:00:00Z")
	p := industrial()
	now := at("2026-11-16T09:00:00Z")
	for i := 0; i < 3; i++ {
		in := input(l, p, now)
		if res := decide(b, in); res.Touch != nil {
			send(b, in, res, Sent, "")
		}
		now = now.Add(50 * time.Hour)
	}
	for i := 0; i < 6; i++ {
		l.Status.Interactions = append(l.Status.Interactions, v1.InteractionEntry{At: l.Status.Touches[0].Due, Kind: v1.InteractionDelivered})
	}
	in := input(l, p, now)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Transition(in); err != nil {
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
		if _, err := Simulate(input(l, p, start), start.Add(10*week), callsAnswerTasks); err != nil {
			b.Fatal(err)
		}
	}
}
