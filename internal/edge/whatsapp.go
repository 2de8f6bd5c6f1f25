package edge

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/classify"
	"github.com/followup-io/followup-operator/internal/leadrecord"
)

// waWebhook is the WhatsApp Cloud API webhook payload (object whatsapp_business_account).
type waWebhook struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string `json:"field"`
			Value struct {
				Statuses []struct {
					ID           string `json:"id"`
					Status       string `json:"status"`
					Timestamp    string `json:"timestamp"`
					RecipientID  string `json:"recipient_id"`
					CallbackData string `json:"biz_opaque_callback_data"`
				} `json:"statuses"`
				Messages []struct {
					From      string `json:"from"`
					ID        string `json:"id"`
					Timestamp string `json:"timestamp"`
					Type      string `json:"type"`
					Text      *struct {
						Body string `json:"body"`
					} `json:"text"`
					Button *struct {
						Text string `json:"text"`
					} `json:"button"`
				} `json:"messages"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

// whatsAppHandshake answers Meta's subscription check.
func (s *Server) whatsAppHandshake(w http.ResponseWriter, r *http.Request) {
	if s.Config.WhatsAppVerifyToken == "" {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured", "no WhatsApp verify token is configured")
		return
	}
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" || !oneOf(q.Get("hub.verify_token"), []string{s.Config.WhatsAppVerifyToken}) {
		s.fail(w, r, http.StatusForbidden, "VerificationFailed", "hub.mode must be subscribe and hub.verify_token must match")
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(q.Get("hub.challenge")))
}

// whatsAppEvents records message statuses and inbound messages. The signature is checked
// on the raw body before anything is parsed.
func (s *Server) whatsAppEvents(w http.ResponseWriter, r *http.Request) {
	if s.Config.WhatsAppAppSecret == "" {
		s.fail(w, r, http.StatusServiceUnavailable, "NotConfigured", "no WhatsApp app secret is configured")
		return
	}
	raw, ok := s.body(w, r, nil)
	if !ok {
		return
	}
	sig, found := strings.CutPrefix(r.Header.Get("X-Hub-Signature-256"), "sha256=")
	mac := hmac.New(sha256.New, []byte(s.Config.WhatsAppAppSecret))
	mac.Write(raw)
	want := hex.EncodeToString(mac.Sum(nil))
	if !found || !hmac.Equal([]byte(sig), []byte(want)) {
		s.fail(w, r, http.StatusUnauthorized, "BadSignature", "X-Hub-Signature-256 does not match the body")
		return
	}
	var hook waWebhook
	if _, ok := s.decode(w, r, raw, &hook); !ok {
		return
	}
	counts := map[string]int{}
	for _, e := range hook.Entry {
		for _, ch := range e.Changes {
			for _, st := range ch.Value.Statuses {
				counts[s.recordStatus(r, st.ID, st.Status, st.Timestamp, st.CallbackData)]++
			}
			for _, m := range ch.Value.Messages {
				text := ""
				if m.Text != nil {
					text = m.Text.Body
				} else if m.Button != nil {
					text = m.Button.Text
				}
				counts[s.recordMessage(r, m.ID, m.From, m.Timestamp, text)]++
			}
		}
	}
	// WhatsApp retries anything but a 2xx for days; what could not be matched is counted
	// and dropped, what failed to store answers 503 so it comes again.
	if counts["error"] > 0 {
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "some events could not be stored; retry")
		return
	}
	writeJSON(w, http.StatusOK, counts)
}

func (s *Server) decode(w http.ResponseWriter, r *http.Request, raw []byte, into any) ([]byte, bool) {
	if err := jsonUnmarshal(raw, into); err != nil {
		s.fail(w, r, http.StatusBadRequest, "InvalidJSON", "the body is not a WhatsApp webhook payload")
		return nil, false
	}
	return raw, true
}

var waStatus = map[string]v1.InteractionKind{"delivered": v1.InteractionDelivered, "read": v1.InteractionRead,
	"failed": v1.InteractionDeliveryFailed}

// recordStatus records a delivery receipt on the touch's lead (matched by the callback
// data our sender put on the message).
func (s *Server) recordStatus(r *http.Request, id, status, ts, callback string) string {
	kind, ok := waStatus[status]
	if !ok {
		return "ignored"
	}
	ns, lead, key, ok := parseCallbackData(callback)
	if !ok || !s.allowed(ns) {
		return "unmatched"
	}
	in := v1.Interaction{At: unixTime(ts, s.Clock.Now()), Kind: kind, Medium: "WhatsApp", Direction: v1.Outbound,
		TouchKey: key, ID: truncate("wa-"+status+"-"+id, 200), By: "whatsapp-webhook"}
	return s.store(r, client.ObjectKey{Namespace: ns, Name: lead}, in)
}

// recordMessage records an inbound message as a reply on every lead with that number.
func (s *Server) recordMessage(r *http.Request, id, from, ts, text string) string {
	num := digits(from)
	if num == "" {
		return "unmatched"
	}
	var leads v1.LeadList
	if err := s.Client.List(r.Context(), &leads, client.MatchingFields{IndexWhatsApp: num}); err != nil {
		return "error"
	}
	result := "unmatched"
	for i := range leads.Items {
		l := &leads.Items[i]
		if !s.allowed(l.Namespace) {
			continue
		}
		q := classify.Quality(text)
		in := v1.Interaction{At: unixTime(ts, s.Clock.Now()), Kind: v1.InteractionReply, Medium: "WhatsApp",
			Direction: v1.Inbound, Quality: &q, HandToHuman: cadence.BuyingIntent(text, s.handToHumanKeywords(r.Context(), l)),
			ID: truncate("wa-msg-"+id, 200), By: "whatsapp-webhook"}
		if out := s.store(r, client.ObjectKeyFromObject(l), in); out == "error" || result == "unmatched" {
			result = out
		}
	}
	return result
}

func (s *Server) store(r *http.Request, key client.ObjectKey, in v1.Interaction) string {
	out, err := leadrecord.Append(r.Context(), s.Reader, s.Client, key, in)
	switch {
	case err == nil:
		s.Log.Info("whatsapp event recorded", "namespace", key.Namespace, "lead", key.Name, "kind", in.Kind, "outcome", out)
		return string(out)
	case errors.Is(err, leadrecord.ErrFull):
		return "full"
	case errors.Is(err, leadrecord.ErrNotFound):
		return "unmatched"
	}
	s.Log.Error(err, "recording whatsapp event", "namespace", key.Namespace, "lead", key.Name)
	return "error"
}

// parseCallbackData reads "<namespace>/<lead>/<touch key>" (see internal/senders).
func parseCallbackData(s string) (ns, lead, key string, ok bool) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" || len(s) > 512 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

func unixTime(ts string, now time.Time) metav1.Time {
	if n, err := strconv.ParseInt(ts, 10, 64); err == nil && n > 0 {
		if t := time.Unix(n, 0); !t.After(now.Add(time.Minute)) {
			return metav1.NewTime(t.UTC())
		}
	}
	return metav1.NewTime(now.UTC().Truncate(time.Second))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
