package cadence

import (
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// The WhatsApp Cloud API's customer service window: free-form messages may go to a
// contact only within 24 hours of the contact's last message; outside it, only an
// approved template. WhatsAppWindowMargin is kept off its end, so a send decided just
// before the window closes and performed a moment later (a queue, a clock a little
// off Meta's) is never free-form outside it.
const (
	WhatsAppWindow       = 24 * time.Hour
	WhatsAppWindowMargin = 2 * time.Minute
)

// WhatsAppWindowUntil is when the lead's customer service window closes: 24 hours
// after the contact's last WhatsApp message (a reply or an automatic reply; receipts of
// our own messages do not count). Zero when the contact never wrote on WhatsApp.
func WhatsAppWindowUntil(l *v1.Lead) time.Time {
	var last time.Time
	for _, e := range Entries(l) {
		if e.Medium != v1.MediumWhatsApp || e.Direction == v1.Outbound {
			continue
		}
		if (e.Kind == v1.InteractionReply || e.Kind == v1.InteractionAutoReply) && e.At.Time.After(last) {
			last = e.At.Time
		}
	}
	if last.IsZero() {
		return time.Time{}
	}
	return last.Add(WhatsAppWindow)
}

// FreeFormAllowed says whether a free-form WhatsApp message may be sent at now to a
// contact whose window closes at until (zero: no window).
func FreeFormAllowed(until, now time.Time) bool {
	return !until.IsZero() && now.Before(until.Add(-WhatsAppWindowMargin))
}
