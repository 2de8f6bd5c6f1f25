package senders

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
)

// Webhook headers. The signature is HMAC-SHA256 with the channel's signing key over
// "<timestamp>.<body>", hex encoded, so a receiver can refuse replays of old bodies.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderTimestamp      = "X-Followup-Timestamp"
	HeaderSignature      = "X-Followup-Signature"
)

// WebhookTouch is the JSON body a webhook channel (format JSON) receives.
type WebhookTouch struct {
	Key     string       `json:"key,omitempty"`
	Lead    LeadRef      `json:"lead"`
	Touch   int32        `json:"touch,omitempty"`
	Step    string       `json:"step,omitempty"`
	Channel string       `json:"channel"`
	Due     time.Time    `json:"due,omitzero"`
	Owner   string       `json:"owner,omitempty"`
	Task    bool         `json:"task,omitempty"`
	Subject string       `json:"subject,omitempty"`
	Body    string       `json:"body,omitempty"`
	Contact v1.Contact   `json:"contact,omitzero"`
	Notice  *NoticeEvent `json:"notice,omitempty"`
}

// LeadRef names a lead.
type LeadRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// NoticeEvent is an escalation or hand-off notice sent to a JSON webhook.
type NoticeEvent struct {
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// Sign computes the signature header value for a body sent at ts.
func Sign(key []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header in constant time; receivers use the same rule.
func Verify(key []byte, ts string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(key, ts, body)), []byte(signature))
}

// postJSON POSTs body to url with the idempotency key and, when a signing key is set,
// the signature, and classifies the answer. Only the status line is read.
func (r *Router) postJSON(ctx context.Context, ch *v1.Channel, url, key string, signing []byte, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout(ch))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "followup-operator")
	if key != "" {
		req.Header.Set(HeaderIdempotencyKey, key)
	}
	if len(signing) > 0 {
		ts := strconv.FormatInt(r.clock.Now().Unix(), 10)
		req.Header.Set(HeaderTimestamp, ts)
		req.Header.Set(HeaderSignature, Sign(signing, ts, body))
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, answer, nil
}

func webhookTimeout(ch *v1.Channel) time.Duration {
	if ch.Spec.Webhook != nil && ch.Spec.Webhook.Timeout != nil && ch.Spec.Webhook.Timeout.Duration > 0 {
		return ch.Spec.Webhook.Timeout.Duration
	}
	return 10 * time.Second
}

// sendWebhook delivers a touch, or a notice when notice is set, to a JSON webhook.
func (r *Router) sendWebhook(ctx context.Context, ch *v1.Channel, creds Credentials, d dispatch.Delivery, notice *NoticeEvent) dispatch.Result {
	body, err := json.Marshal(WebhookTouch{Key: d.Key, Lead: LeadRef{d.Lead.Namespace, d.Lead.Name}, Touch: d.Number,
		Step: d.Step, Channel: d.Channel, Due: d.Due.UTC(), Owner: d.Owner, Task: d.Task,
		Subject: d.Message.Subject, Body: d.Message.Body, Contact: d.Contact, Notice: notice})
	if err != nil {
		return dispatch.Result{Outcome: cadence.Permanent, Message: "encoding error"}
	}
	url := creds.get("url")
	if url == "" {
		url = ch.Spec.Webhook.URL
	}
	status, _, err := r.postJSON(ctx, ch, url, d.Key, []byte(creds.get(keyOf(ch, "signingKey"))), body)
	return httpResult(status, err)
}
