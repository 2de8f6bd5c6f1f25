package senders

import (
	"fmt"
	"net/http"

	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
)

// Cloud API error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes)
// that say the message will not reach this person on WhatsApp, however often it is
// retried: the step falls back to its next channel.
var waUnreachable = map[int]string{
	131026: "not a WhatsApp user or cannot receive", // undeliverable: no account, terms not accepted, old app
	131030: "recipient not in the allowed list",     // test numbers only
	131021: "recipient is the sender",
	131050: "recipient stopped marketing messages",
	131049: "not delivered by Meta (engagement limit)",
	130472: "recipient in a Meta experiment",
}

// waTransient are throttling and temporary codes: the same channel again later.
var waTransient = map[int]bool{1: true, 2: true, 4: true, 80007: true, 130429: true, 131000: true, 131048: true, 131056: true}

// whatsAppResult classifies a Cloud API error: throttling and server trouble are worth a
// retry; an unreachable recipient and other client errors are not (Permanent: the step
// falls back). The message names the class only, never the recipient.
func whatsAppResult(status, code int) dispatch.Result {
	msg := fmt.Sprintf("WhatsApp HTTP %d code %d", status, code)
	if why, ok := waUnreachable[code]; ok {
		return dispatch.Result{Outcome: cadence.Permanent, Message: msg + ": " + why}
	}
	if waTransient[code] || status == http.StatusTooManyRequests || status >= 500 {
		return dispatch.Result{Outcome: cadence.Transient, Message: msg}
	}
	return dispatch.Result{Outcome: cadence.Permanent, Message: msg}
}
