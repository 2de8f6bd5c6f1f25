package cadence

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// The window counts from the contact's last WhatsApp message; our own messages, their
// receipts and replies on other media do not open it, and its last minutes are kept.
func TestWhatsAppWindow(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	if !WhatsAppWindowUntil(l).IsZero() {
		t.Fatal("a window without any message")
	}
	e := func(when string, kind v1.InteractionKind, m v1.Medium, dir v1.Direction) v1.InteractionEntry {
		return v1.InteractionEntry{At: metav1.NewTime(at(when)), Kind: kind, Medium: m, Direction: dir}
	}
	l.Status.Interactions = []v1.InteractionEntry{
		e("2026-11-16T10:00:00Z", v1.InteractionReply, v1.MediumWhatsApp, v1.Inbound),
		e("2026-11-16T12:00:00Z", v1.InteractionReply, "Email", v1.Inbound),
		e("2026-11-16T13:00:00Z", v1.InteractionRead, v1.MediumWhatsApp, ""),
		e("2026-11-16T14:00:00Z", v1.InteractionMessageSent, v1.MediumWhatsApp, v1.Outbound),
		e("2026-11-16T15:00:00Z", v1.InteractionReply, v1.MediumWhatsApp, v1.Outbound),
	}
	until := WhatsAppWindowUntil(l)
	if want := at("2026-11-17T10:00:00Z"); !until.Equal(want) {
		t.Fatalf("window until %v, want %v (24h after the contact's WhatsApp reply)", until, want)
	}
	for _, c := range []struct {
		now  string
		free bool
	}{
		{"2026-11-16T10:00:00Z", true}, {"2026-11-17T09:57:59Z", true}, {"2026-11-17T09:58:00Z", false},
		{"2026-11-17T10:00:00Z", false}, {"2026-11-18T10:00:00Z", false},
	} {
		if got := FreeFormAllowed(until, at(c.now)); got != c.free {
			t.Errorf("free-form at %s: %v, want %v", c.now, got, c.free)
		}
	}
	if FreeFormAllowed(time.Time{}, at("2026-11-16T10:00:00Z")) {
		t.Error("free-form with no window")
	}
	l.Spec.Interactions = []v1.InteractionEntry{e("2026-11-17T08:00:00Z", v1.InteractionAutoReply, v1.MediumWhatsApp, "")}
	if want := at("2026-11-18T08:00:00Z"); !WhatsAppWindowUntil(l).Equal(want) {
		t.Errorf("an automatic reply on WhatsApp is a message from the contact: %v", WhatsAppWindowUntil(l))
	}
}
