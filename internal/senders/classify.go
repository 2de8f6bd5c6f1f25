package senders

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
)

// httpResult classifies an HTTP exchange: 2xx sent; 5xx, 429, timeouts and connection
// errors are worth retrying on the same channel; any other 4xx will not get better, so
// the engine falls back to the step's next channel.
func httpResult(status int, err error) dispatch.Result {
	if err != nil {
		return dispatch.Result{Outcome: cadence.Transient, Message: errClass(err)}
	}
	switch {
	case status >= 200 && status < 300:
		return dispatch.Result{Outcome: cadence.Sent}
	case status == http.StatusTooManyRequests || status >= 500 || status == http.StatusRequestTimeout:
		return dispatch.Result{Outcome: cadence.Transient, Message: fmt.Sprintf("HTTP %d", status)}
	default:
		return dispatch.Result{Outcome: cadence.Permanent, Message: fmt.Sprintf("HTTP %d", status)}
	}
}

// errClass names an error without its text, which may hold URLs with tokens.
func errClass(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return "connection error (" + op.Op + ")"
	}
	return "transport error"
}
