// Package senders delivers touches and notices through a lead's channels: webhooks (plain
// JSON or a chat tool's incoming webhook), email over SMTP, WhatsApp Cloud API template
// messages, and tasks for a rep. Router is the operator's dispatch.Dispatcher.
package senders

import (
	"context"
	"errors"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
)

// Credentials are the data of a channel's Secret. Never logged.
type Credentials map[string][]byte

// get returns the value of the first key present.
func (c Credentials) get(keys ...string) string {
	for _, k := range keys {
		if k == "" {
			continue
		}
		if v, ok := c[k]; ok && len(v) > 0 {
			return string(v)
		}
	}
	return ""
}

// Lookup finds a channel and its credentials (nil when it has no credentialsRef).
// A missing channel returns an error wrapping ErrChannelNotFound.
type Lookup interface {
	Channel(ctx context.Context, namespace, name string) (*v1.Channel, Credentials, error)
}

// ErrChannelNotFound is what Lookup wraps for a channel that does not exist.
var ErrChannelNotFound = errors.New("channel not found")

// Observer hears one observation per send attempt (for channel status and metrics).
// errClass is a short class ("HTTP 503", "timeout"), never customer data.
type Observer interface {
	Observed(namespace, channel string, typ v1.ChannelType, outcome cadence.Outcome, errClass string, latency time.Duration)
}

// keyOf is the Secret key a channel reads for its main credential: credentialsRef.key
// when set, else the type's documented default.
func keyOf(ch *v1.Channel, def string) string {
	if ch.Spec.CredentialsRef != nil && ch.Spec.CredentialsRef.Key != "" {
		return ch.Spec.CredentialsRef.Key
	}
	return def
}
