// Package dispatch is the boundary between the lead controller and the channels: the
// controller hands it a rendered touch with its idempotency key and gets an outcome.
// The real senders (webhook, SMTP, WhatsApp, chat tasks) implement Dispatcher.
package dispatch

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/templates"
)

// Delivery is one touch to perform.
type Delivery struct {
	// Key is the touch's idempotency key: a sender must make a repeated key a no-op at
	// the receiver (Idempotency-Key header, Message-ID).
	Key     string
	Lead    types.NamespacedName
	Number  int32
	Step    string
	Channel string
	// Type is the channel's type; empty for a task with no channel.
	Type v1.ChannelType
	// Task is true when the touch is a task for the owner rather than a message.
	Task  bool
	Owner string
	// Notify is the Webhook channel that tells the owner about a task (the rep's own
	// chat channel from the campaign, else the Task channel's notify); empty: none.
	Notify string
	Due    time.Time
	// Template is the policy template's name (a WhatsApp template has the same name).
	Template string
	Message  templates.Rendered
	// Contact is where to send; senders must never log it.
	Contact v1.Contact
	// WhatsAppWindowUntil is when the contact's WhatsApp customer service window closes
	// (cadence.WhatsAppWindowUntil; zero: none open). The WhatsApp sender sends
	// Message as free-form text only while cadence.FreeFormAllowed, by its own clock.
	WhatsAppWindowUntil time.Time
	// WhatsApp is the step's approved template with its parameters rendered, sent
	// outside the window; nil: the step declares none (see v1.Step.WhatsAppTemplate).
	WhatsApp *WhatsAppTemplate
}

// WhatsAppTemplate is an approved WhatsApp template, ready to send.
type WhatsAppTemplate struct {
	Name string
	// Language is the approved translation's code; empty: the channel's language.
	Language string
	// Parameters fill the template body's {{1}}, {{2}}, ... in order.
	Parameters []string
}

// Result is what a dispatch came to. Message is an error class for status and logs
// ("HTTP 503", "timeout"), never customer data.
type Result struct {
	Outcome cadence.Outcome
	Message string
	// MessageID is the provider's id of the sent message (a WhatsApp wamid), when it
	// returns one; receipts that carry only that id are matched to the touch by it.
	MessageID string
	// WhatsAppID is the recipient's wa_id when it differs from the number sent to.
	WhatsAppID string
	// RetryAt is when a Deferred send may be tried again (the rate limit's next slot).
	RetryAt time.Time
}

// Notice tells a person about a lead: a missed deadline, a hand-over, an overdue task.
type Notice struct {
	// Key identifies the notice; it is sent as the idempotency key.
	Key     string
	Lead    types.NamespacedName
	Channel string
	Owner   string
	Reason  string
	Message string
	// TouchKey is the lead's open task, if any: the notice's action links record on it.
	TouchKey string
}

// Dispatcher performs touches and notices.
type Dispatcher interface {
	Dispatch(ctx context.Context, d Delivery) Result
	Notify(ctx context.Context, n Notice) Result
}

// Slots is implemented by a Dispatcher whose channels are rate limited: a touch can
// reserve its channel's next slot before its intent is written, so a backlog waits in
// status with the slot as its next attempt instead of being tried and deferred (one
// write fewer per queued touch, and nothing is in flight while it waits).
type Slots interface {
	// Reserve takes the channel's next slot for the touch key and says how long until
	// it: zero when the send can go now (a short wait is taken by the send itself).
	// Asking again for a reserved key gives the same slot; fresh says a slot was taken.
	Reserve(ctx context.Context, namespace, channel, key string) (wait time.Duration, fresh bool)
	// Release gives back the slot of a key whose intent was not written.
	Release(key string)
}
