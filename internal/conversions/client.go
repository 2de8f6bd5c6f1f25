package conversions

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Send posts body to endpoint's events.ingest with the bearer token and classifies the
// answer: 2xx Uploaded (with Google's requestId), 429 and 5xx and network failures
// Transient, other 4xx Permanent. The message is an error class ("HTTP 503"), never
// the body sent.
func Send(ctx context.Context, hc *http.Client, endpoint, token string, body []byte) (Outcome, string, string) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(endpoint, "/")+IngestPath, bytes.NewReader(body))
	if err != nil {
		return Permanent, "endpoint does not parse", ""
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return Transient, "network error", ""
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var answer struct {
		RequestID string `json:"requestId"`
		Error     struct {
			Status string `json:"status"`
		} `json:"error"`
	}
	_ = json.Unmarshal(raw, &answer)
	msg := fmt.Sprintf("HTTP %d", resp.StatusCode)
	if answer.Error.Status != "" {
		msg += " " + answer.Error.Status
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return Uploaded, "accepted (request " + answer.RequestID + ")", answer.RequestID
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return Transient, msg, ""
	}
	return Permanent, msg, ""
}
