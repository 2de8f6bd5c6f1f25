package edge

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/classify"
	"github.com/followup-io/followup-operator/internal/leadrecord"
)

// interactionEvent is what a CRM or email tool reports. Text is read to rate a reply and
// spot buying words; it is never stored or logged.
type interactionEvent struct {
	ID       string     `json:"id"`
	Kind     string     `json:"kind"`
	At       *time.Time `json:"at"`
	Text     string     `json:"text"`
	Quality  *int32     `json:"quality"`
	Medium   string     `json:"medium"`
	TouchKey string     `json:"touchKey"`
}

// kinds maps the endpoint's kinds onto the Lead API's.
var kinds = map[string]v1.InteractionKind{
	"reply": v1.InteractionReply, "bounce": v1.InteractionBounced, "bounced": v1.InteractionBounced,
	"unsubscribe": v1.InteractionUnsubscribed, "unsubscribed": v1.InteractionUnsubscribed,
	"meeting": v1.InteractionMeetingBooked, "meetingbooked": v1.InteractionMeetingBooked,
	"delivered": v1.InteractionDelivered, "read": v1.InteractionRead, "deliveryfailed": v1.InteractionDeliveryFailed,
	"callconnected": v1.InteractionCallConnected, "callnoanswer": v1.InteractionCallNoAnswer, "note": v1.InteractionNote,
}

var media = map[string]v1.Medium{"email": "Email", "phone": "Phone", "whatsapp": "WhatsApp", "linkedin": "LinkedIn",
	"chat": "Chat", "meeting": "Meeting", "web": "Web", "other": "Other"}

// interaction records one event on a named lead.
func (s *Server) interaction(w http.ResponseWriter, r *http.Request) {
	if !s.bearer(w, r) {
		return
	}
	ns, ok := s.namespace(w, r)
	if !ok {
		return
	}
	var e interactionEvent
	if _, ok := s.body(w, r, &e); !ok {
		return
	}
	kind, ok := kinds[strings.ToLower(e.Kind)]
	if !ok {
		s.fail(w, r, http.StatusUnprocessableEntity, "UnknownKind", "kind must be one of reply, bounce, unsubscribe, meeting, delivered, read, deliveryFailed, callConnected, callNoAnswer, note")
		return
	}
	if e.ID == "" || len(e.ID) > 200 {
		s.fail(w, r, http.StatusUnprocessableEntity, "MissingID", "id is required (at most 200 characters): events are recorded once per id")
		return
	}
	if e.Quality != nil && (kind != v1.InteractionReply || *e.Quality < 1 || *e.Quality > 3) {
		s.fail(w, r, http.StatusUnprocessableEntity, "InvalidQuality", "quality is 1, 2 or 3, and only on a reply")
		return
	}
	if len(e.TouchKey) > 128 {
		s.fail(w, r, http.StatusUnprocessableEntity, "InvalidTouchKey", "touchKey is at most 128 characters")
		return
	}
	in := v1.Interaction{Kind: kind, ID: e.ID, TouchKey: e.TouchKey, By: "interactions-api", Direction: v1.Inbound}
	if m, ok := media[strings.ToLower(e.Medium)]; ok {
		in.Medium = m
	} else if e.Medium != "" {
		s.fail(w, r, http.StatusUnprocessableEntity, "UnknownMedium", "medium must be one of email, phone, whatsapp, linkedin, chat, meeting, web, other")
		return
	}
	now := s.Clock.Now()
	at := now
	if e.At != nil && !e.At.After(now.Add(time.Minute)) {
		at = *e.At
	}
	in.At = metav1.NewTime(at.UTC().Truncate(time.Second))
	key := client.ObjectKey{Namespace: ns, Name: r.PathValue("name")}
	if kind == v1.InteractionReply {
		if err := s.rateReply(r.Context(), key, &in, e.Text, e.Quality); err != nil {
			s.appendFailed(w, r, err)
			return
		}
	}
	out, err := leadrecord.Append(r.Context(), s.Reader, s.Client, key, in)
	if err != nil {
		s.appendFailed(w, r, err)
		return
	}
	s.Log.Info("interaction recorded", "namespace", ns, "lead", key.Name, "kind", kind, "outcome", out)
	code := map[leadrecord.Outcome]int{leadrecord.Added: http.StatusCreated, leadrecord.Duplicate: http.StatusOK,
		leadrecord.Skipped: http.StatusAccepted}[out]
	writeJSON(w, code, map[string]string{"lead": key.Name, "result": string(out)})
}

// rateReply sets a reply's quality (given, or from the text) and whether it asks for a
// human (a buying keyword of the lead's policy).
func (s *Server) rateReply(ctx context.Context, key client.ObjectKey, in *v1.Interaction, text string, q *int32) error {
	quality := classify.Quality(text)
	if q != nil {
		quality = *q
	}
	in.Quality = &quality
	if text == "" {
		return nil
	}
	var l v1.Lead
	if err := s.Reader.Get(ctx, key, &l); err != nil {
		return notFound(err)
	}
	in.HandToHuman = cadence.BuyingIntent(text, s.handToHumanKeywords(ctx, &l))
	return nil
}

func (s *Server) appendFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, leadrecord.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "LeadNotFound", "no such lead in this namespace")
	case errors.Is(err, leadrecord.ErrFull):
		s.fail(w, r, http.StatusConflict, "InteractionsFull", err.Error())
	default:
		s.Log.Error(err, "recording interaction", "path", r.URL.Path)
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "the event could not be stored; retry")
	}
}

func notFound(err error) error {
	if client.IgnoreNotFound(err) == nil {
		return leadrecord.ErrNotFound
	}
	return err
}
