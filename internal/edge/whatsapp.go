package edge

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

const (
	waEndpoint = "whatsapp"
	waBy       = "whatsapp-webhook"
	waMedium   = v1.Medium("WhatsApp")
	// waBudget bounds the work for one delivery: Meta waits for the answer, and retries
	// (for days, with backoff) what does not answer 200.
	waBudget = 20 * time.Second
	// waMaxLeadsPerNumber bounds the leads one inbound message is recorded on.
	waMaxLeadsPerNumber = 20
)

// whatsAppHandshake answers Meta's subscription check: hub.challenge echoed when
// hub.verify_token matches.
func (s *Server) whatsAppHandshake(w http.ResponseWriter, r *http.Request) {
	if s.Config.WhatsAppVerifyToken == "" {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured", "no WhatsApp verify token is configured (file whatsapp-verify-token)")
		return
	}
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" || !oneOf(q.Get("hub.verify_token"), []string{s.Config.WhatsAppVerifyToken}) {
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
	if s.Config.WhatsAppAppSecret == "" {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured", "no WhatsApp app secret is configured (file whatsapp-app-secret)")
		return
	}
	raw, ok := s.readBody(w, r)
	if !ok {
		return
	}
	sig, found := strings.CutPrefix(r.Header.Get("X-Hub-Signature-256"), "sha256=")
	if !found {
		s.fail(w, r, http.StatusUnauthorized, "MissingSignature", "X-Hub-Signature-256: sha256=<hex> is required")
		return
	}
	mac := hmac.New(sha256.New, []byte(s.Config.WhatsAppAppSecret))
	mac.Write(raw)
	if !hmac.Equal([]byte(strings.ToLower(sig)), []byte(hex.EncodeToString(mac.Sum(nil)))) {
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
			for _, st := range ch.Value.Statuses {
				counts[s.recordStatus(ctx, st)]++
			}
			for _, m := range ch.Value.Messages {
				counts[s.recordMessage(ctx, m)]++
			}
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

// waStatusKinds maps a status onto an interaction; "sent" is not recorded (the touch
// record already says sent).
var waStatusKinds = map[string]v1.InteractionKind{"delivered": v1.InteractionDelivered,
	"read": v1.InteractionRead, "failed": v1.InteractionDeliveryFailed}

// recordStatus records a receipt on the lead and touch named by the callback data our
// sender put on the message.
func (s *Server) recordStatus(ctx context.Context, st waStatus) string {
	kind, ok := waStatusKinds[st.Status]
	if !ok || st.ID == "" {
		s.count(waEndpoint, "", outcomeIgnored)
		return outcomeIgnored
	}
	ns, lead, key, ok := parseCallbackData(st.CallbackData)
	if !ok || !s.allowed(ns) || !validName(lead) || len(key) > 128 {
		s.count(waEndpoint, kind, outcomeUnmatched)
		s.Log.Info("whatsapp status matched no lead", "kind", kind, "hasCallbackData", st.CallbackData != "")
		return outcomeUnmatched
	}
	if kind == v1.InteractionDeliveryFailed && len(st.Errors) > 0 {
		s.Log.Info("whatsapp delivery failed", "namespace", ns, "lead", lead, "errorCode", st.Errors[0].Code)
	}
	l, err := s.lead(ctx, ns, lead)
	if err != nil {
		if apierrors.IsNotFound(err) {
			s.count(waEndpoint, kind, outcomeUnmatched)
			return outcomeUnmatched
		}
		s.apiError(err, "reading lead", ns, lead)
		return outcomeError
	}
	in := v1.InteractionEntry{At: unixTime(st.Timestamp, s.Clock.Now()), Kind: kind, Medium: waMedium,
		TouchKey: key, ID: clip("wa:"+st.Status+":"+st.ID, 200), By: waBy}
	return s.record(ctx, waEndpoint, l, in)
}

// recordMessage records an inbound message as a reply on the leads with that number in
// the served namespaces.
func (s *Server) recordMessage(ctx context.Context, m waMessage) string {
	if !m.isReply() {
		s.count(waEndpoint, v1.InteractionReply, outcomeIgnored)
		return outcomeIgnored
	}
	var leads v1.LeadList
	num := digits(m.From)
	if num != "" {
		if err := s.Client.List(ctx, &leads, client.MatchingFields{IndexNumber: num}); err != nil {
			s.Log.Error(err, "listing leads by number")
			return outcomeError
		}
	}
	result := outcomeUnmatched
	matched := 0
	for i := range leads.Items {
		l := &leads.Items[i]
		if !s.allowed(l.Namespace) || matched == waMaxLeadsPerNumber {
			continue
		}
		matched++
		in := v1.InteractionEntry{At: unixTime(m.Timestamp, s.Clock.Now()), Kind: v1.InteractionReply, Medium: waMedium,
			Direction: v1.Inbound, ID: clip("wa:msg:"+m.ID, 200), By: waBy}
		s.rateReply(ctx, l, &in, m.text(), nil)
		out := s.record(ctx, waEndpoint, l, in)
		if out == outcomeError || result == outcomeUnmatched {
			result = out
		}
	}
	if matched == 0 {
		// The customer is not (or no longer) a lead here: answer 200 so WhatsApp does not
		// retry for days; the count tells the team, the number stays out of the log.
		s.count(waEndpoint, v1.InteractionReply, outcomeUnmatched)
		s.Log.Info("whatsapp message matched no lead", "type", m.Type)
	}
	return result
}

// unixTime reads WhatsApp's Unix-seconds timestamps; missing, garbage or future ones are now.
func unixTime(ts string, now time.Time) metav1.Time {
	if n, err := strconv.ParseInt(ts, 10, 64); err == nil && n > 0 && n < 1<<40 {
		if t := time.Unix(n, 0); !t.After(now) {
			return metav1.NewTime(t.UTC())
		}
	}
	return metav1.NewTime(now.UTC().Truncate(time.Second))
}
