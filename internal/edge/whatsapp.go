package edge

import (
	"context"
	"errors"
	"github.com/followup-io/followup-operator/internal/orders"
	"net/http"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

const (
	waEndpoint = "whatsapp"
	waBy       = "whatsapp-webhook"
	waMedium   = v1.Medium("WhatsApp")
	// waBudget bounds the work for one delivery: Meta waits for the answer, and retries
	// (for days, with backoff) what does not answer 200.
	waBudget = 20 * time.Second
)

// whatsAppHandshake answers Meta's subscription check: hub.challenge echoed when
// hub.verify_token matches.
func (s *Server) whatsAppHandshake(w http.ResponseWriter, r *http.Request) {
	cfg := s.config()
	if cfg.WhatsAppVerifyToken == "" {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured", "no WhatsApp verify token is configured (file whatsapp-verify-token)")
		return
	}
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" || !oneOf(q.Get("hub.verify_token"), []string{cfg.WhatsAppVerifyToken}) {
		s.fail(w, r, http.StatusForbidden, "VerificationFailed", "hub.mode must be subscribe and hub.verify_token must match")
		return
	}
	requests.WithLabelValues(waEndpoint, "200").Inc()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(clip(q.Get("hub.challenge"), 256)))
}

// whatsAppEvents records message statuses and inbound messages. The signature is checked
// on the raw body before anything is parsed.
func (s *Server) whatsAppEvents(w http.ResponseWriter, r *http.Request) {
	secret := s.config().WhatsAppAppSecret
	if secret == "" {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured", "no WhatsApp app secret is configured (file whatsapp-app-secret)")
		return
	}
	raw, ok := s.readBody(w, r)
	if !ok {
		return
	}
	// Meta signs as the order webhook does: "sha256=<hex HMAC-SHA256 of the raw body>".
	switch err := orders.Verify([]string{secret}, raw, r.Header.Get("X-Hub-Signature-256")); {
	case errors.Is(err, orders.ErrNoSignature):
		s.fail(w, r, http.StatusUnauthorized, "MissingSignature", "X-Hub-Signature-256: sha256=<hex> is required")
		return
	case err != nil:
		s.fail(w, r, http.StatusForbidden, "BadSignature", "X-Hub-Signature-256 does not match the body")
		return
	}
	var hook waWebhook
	if err := decodeJSON(raw, &hook, false); err != nil {
		s.fail(w, r, http.StatusBadRequest, "InvalidJSON", err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), waBudget)
	defer cancel()
	counts := map[string]int{}
	for _, e := range hook.Entry {
		for _, ch := range e.Changes {
			if s.whatsAppAccountChange(ctx, e.ID, e.Time, ch, counts) {
				continue
			}
			s.whatsAppChange(ctx, ch, counts)
		}
	}
	// What could not be matched is counted and dropped (a retry would not match it
	// either); what failed to be stored answers 503 so Meta delivers it again, and the
	// ids make the redelivery record only what is missing.
	if counts[outcomeError] > 0 {
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "some events could not be stored; retry")
		return
	}
	s.ok(w, r, http.StatusOK, counts)
}

// whatsAppChange records the statuses and messages of one change, routed to the
// namespaces whose WhatsApp Channel owns the business number the change is about.
func (s *Server) whatsAppChange(ctx context.Context, ch waChange, counts map[string]int) {
	if len(ch.Value.Statuses) == 0 && len(ch.Value.Messages) == 0 {
		return
	}
	owners, err := s.numberOwners(ctx, ch.Value.Metadata.PhoneNumberID)
	if err != nil {
		s.Log.Error(err, "listing whatsapp channels")
		counts[outcomeError] += len(ch.Value.Statuses) + len(ch.Value.Messages)
		return
	}
	if len(owners) == 0 {
		// The business number is not one of ours here (another install's, or its Channel
		// was removed): nothing in it may change a lead.
		s.Log.Info("whatsapp business number owned by no channel in the served namespaces",
			"phoneNumberId", clip(ch.Value.Metadata.PhoneNumberID, 64))
	}
	for _, st := range ch.Value.Statuses {
		counts[s.recordStatus(ctx, owners, st, counts)]++
	}
	for _, m := range ch.Value.Messages {
		counts[s.recordMessage(ctx, owners, m, counts)]++
	}
}
