package edge

import (
	"context"
	"github.com/followup-io/followup-operator/internal/indexes"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/autoreply"
	"github.com/followup-io/followup-operator/internal/leadrecord"
)

func validDate(s string) bool { _, err := autoreply.ParseDate(s); return err == nil && len(s) == 10 }

const (
	apiEndpoint = "interactions"
	apiBy       = "interactions-api"
	// maxLookupLeads bounds the leads one looked-up event is recorded on.
	maxLookupLeads = 20
)

// interactionEvent is what a CRM or email tool reports (docs/inbound.md). Text is read
// to rate a reply and spot buying words; it is never stored or logged.
type interactionEvent struct {
	ID   string     `json:"id"`
	Kind string     `json:"kind"`
	At   *time.Time `json:"at"`
	Text string     `json:"text"`
	// Subject and Headers are an email's, as the CRM or mail gateway saw them; they
	// tell an automatic reply (Auto-Submitted, X-Autoreply, Precedence...) from a person's.
	Subject     string            `json:"subject"`
	Headers     map[string]string `json:"headers"`
	ReturnDate  string            `json:"returnDate"`
	Quality     *int32            `json:"quality"`
	HandToHuman bool              `json:"handToHuman"`
	Medium      string            `json:"medium"`
	Direction   string            `json:"direction"`
	TouchKey    string            `json:"touchKey"`
	By          string            `json:"by"`
	// Lead picks the lead(s) on the lookup route.
	Lead *leadSelector `json:"lead"`
}

// leadSelector finds leads without knowing their object names.
type leadSelector struct {
	ExternalID string `json:"externalId"`
	Email      string `json:"email"`
}

// kinds maps the endpoint's kinds (case-insensitive) onto the Lead API's.
var kinds = map[string]v1.InteractionKind{
	"reply": v1.InteractionReply, "bounce": v1.InteractionBounced, "bounced": v1.InteractionBounced,
	"unsubscribe": v1.InteractionUnsubscribed, "unsubscribed": v1.InteractionUnsubscribed,
	"meeting": v1.InteractionMeetingBooked, "meetingbooked": v1.InteractionMeetingBooked,
	"delivered": v1.InteractionDelivered, "read": v1.InteractionRead,
	"failed": v1.InteractionDeliveryFailed, "deliveryfailed": v1.InteractionDeliveryFailed,
	"callconnected": v1.InteractionCallConnected, "callnoanswer": v1.InteractionCallNoAnswer, "note": v1.InteractionNote,
	"messagesent": v1.InteractionMessageSent,
	"autoreply":   v1.InteractionAutoReply, "outofoffice": v1.InteractionAutoReply,
}

var media = map[string]v1.Medium{"email": "Email", "phone": "Phone", "whatsapp": "WhatsApp", "linkedin": "LinkedIn",
	"chat": "Chat", "meeting": "Meeting", "web": "Web", "other": "Other"}

// byName is who may be named as the recorder: a tool's name, not a person's address.
var byName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$`)

// interactionForLead records one event on the lead named in the path.
func (s *Server) interactionForLead(w http.ResponseWriter, r *http.Request) {
	ns, e, in, ok := s.readEvent(w, r)
	if !ok {
		return
	}
	if e.Lead != nil {
		s.fail(w, r, http.StatusUnprocessableEntity, "LeadInPath", "the lead is named in the path; leave out lead")
		return
	}
	name := r.PathValue("name")
	if !validName(name) {
		s.fail(w, r, http.StatusNotFound, "LeadNotFound", "no such lead in namespace "+ns)
		return
	}
	l, err := s.lead(r.Context(), ns, name)
	if err != nil {
		if apierrors.IsNotFound(err) {
			s.fail(w, r, http.StatusNotFound, "LeadNotFound", "no such lead in namespace "+ns)
			return
		}
		s.apiError(err, "reading lead", ns, name)
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "the lead could not be read; retry")
		return
	}
	switch res := s.recordEvent(r.Context(), l, in, e); res.Result {
	case outcomeInvalid:
		s.fail(w, r, http.StatusUnprocessableEntity, "Invalid", "the interaction is not valid for the Lead API")
	case outcomeError:
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "the event could not be stored; retry")
	default:
		s.ok(w, r, outcomeCode[res.Result], res)
	}
}

// outcomeCode answers a stored (or already stored) event.
var outcomeCode = map[string]int{string(leadrecord.Added): http.StatusCreated, string(leadrecord.Duplicate): http.StatusOK}

// leadResult is what happened to an event on one lead; Adjusted says when its time was
// not stored as sent (internal/edge/timebounds.go).
type leadResult struct {
	Lead     string      `json:"lead"`
	Result   string      `json:"result"`
	Adjusted *adjustment `json:"adjusted,omitempty"`
}

// interactionByLookup records one event on every lead (at most 20) of the namespace with
// the given external id or email address: an email tool knows the address that bounced,
// a CRM its own id.
func (s *Server) interactionByLookup(w http.ResponseWriter, r *http.Request) {
	ns, e, in, ok := s.readEvent(w, r)
	if !ok {
		return
	}
	sel := e.Lead
	if sel == nil || (sel.ExternalID == "") == (sel.Email == "") {
		s.fail(w, r, http.StatusUnprocessableEntity, "MissingLead", `name the lead by exactly one of lead.externalId or lead.email`)
		return
	}
	match := client.MatchingFields{indexes.LeadExternalID: sel.ExternalID}
	if sel.Email != "" {
		match = client.MatchingFields{indexes.LeadContactKey: indexes.EmailKey(sel.Email)}
	}
	var leads v1.LeadList
	if err := s.Client.List(r.Context(), &leads, client.InNamespace(ns), match); err != nil {
		s.Log.Error(err, "listing leads", "namespace", ns)
		s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "leads could not be read; retry")
		return
	}
	if len(leads.Items) == 0 {
		s.fail(w, r, http.StatusNotFound, "LeadNotFound", "no lead in namespace "+ns+" matches lead")
		return
	}
	// The same leads in the same order on every retry, so a retry after a partial
	// failure records the rest and answers duplicate for what landed.
	slices.SortFunc(leads.Items, func(a, b v1.Lead) int { return strings.Compare(a.Name, b.Name) })
	results := []leadResult{}
	code := http.StatusOK
	for i := range leads.Items {
		if i == maxLookupLeads {
			break
		}
		res := s.recordEvent(r.Context(), &leads.Items[i], in, e)
		switch res.Result {
		case outcomeError:
			s.fail(w, r, http.StatusServiceUnavailable, "APIUnavailable", "the event could not be stored; retry")
			return
		case outcomeInvalid:
			s.fail(w, r, http.StatusUnprocessableEntity, "Invalid", "the interaction is not valid for the Lead API")
			return
		case string(leadrecord.Added):
			code = http.StatusCreated
		}
		results = append(results, res)
	}
	s.ok(w, r, code, map[string]any{"results": results})
}

// recordEvent bounds the event's time by the lead, rates a reply against the lead's
// policy and records the event.
func (s *Server) recordEvent(ctx context.Context, l *v1.Lead, in v1.InteractionEntry, e *interactionEvent) leadResult {
	var adj *adjustment
	in.At, adj = eventTime("at", e.At, l, s.Clock.Now())
	if in.Kind == v1.InteractionReply && (e.Quality == nil && !e.HandToHuman) &&
		autoReplied(l, &in, autoreply.Message{Headers: e.Headers, Subject: e.Subject, Text: e.Text}) {
		return leadResult{Lead: l.Name, Result: s.record(ctx, apiEndpoint, l, in), Adjusted: adj}
	}
	if in.Kind == v1.InteractionAutoReply && in.ReturnDate == "" {
		m := autoreply.Message{Subject: e.Subject, Text: e.Text, Received: in.At.Time, Country: l.Spec.Contact.Country}
		if d, ok := autoreply.ReturnDate(e.Subject+"\n"+e.Text, "", m.Received, m.Country); ok {
			in.ReturnDate = d.String()
		}
	}
	if in.Kind == v1.InteractionReply {
		s.rateReply(ctx, l, &in, e.Text, e.Quality)
	}
	return leadResult{Lead: l.Name, Result: s.record(ctx, apiEndpoint, l, in), Adjusted: adj}
}

// readEvent authenticates, reads and checks an event; it answers and returns false when
// the request is refused.
func (s *Server) readEvent(w http.ResponseWriter, r *http.Request) (string, *interactionEvent, v1.InteractionEntry, bool) {
	var e interactionEvent
	if !s.bearer(w, r) {
		return "", nil, v1.InteractionEntry{}, false
	}
	ns, ok := s.namespace(w, r)
	if !ok || !s.readJSON(w, r, &e, true) {
		return "", nil, v1.InteractionEntry{}, false
	}
	in, reason, msg := s.interaction(&e)
	if reason != "" {
		s.fail(w, r, http.StatusUnprocessableEntity, reason, msg)
		return "", nil, v1.InteractionEntry{}, false
	}
	return ns, &e, in, true
}

// interaction checks an event and makes the interaction it records.
func (s *Server) interaction(e *interactionEvent) (in v1.InteractionEntry, reason, msg string) {
	kind, ok := kinds[strings.ToLower(e.Kind)]
	switch {
	case !ok:
		return in, "UnknownKind", "kind must be one of reply, autoReply, bounce, unsubscribe, meeting, delivered, read, failed, callConnected, callNoAnswer, messageSent, note"
	case e.ID == "" || len(e.ID) > 200:
		return in, "MissingID", "id is required (at most 200 characters): each event is recorded once per id"
	case e.Quality != nil && (kind != v1.InteractionReply || *e.Quality < 1 || *e.Quality > 3):
		return in, "InvalidQuality", "quality is 1, 2 or 3, and only on a reply"
	case e.HandToHuman && kind != v1.InteractionReply:
		return in, "InvalidHandToHuman", "handToHuman is only set on a reply"
	case e.ReturnDate != "" && kind != v1.InteractionAutoReply:
		return in, "InvalidReturnDate", "returnDate is only set on an autoReply"
	case e.ReturnDate != "" && !validDate(e.ReturnDate):
		return in, "InvalidReturnDate", "returnDate is a day such as 2026-12-01"
	case len(e.TouchKey) > 128:
		return in, "InvalidTouchKey", "touchKey is at most 128 characters"
	case e.By != "" && !byName.MatchString(e.By):
		return in, "InvalidBy", "by is a lowercase tool name such as hubspot (at most 63 characters)"
	}
	// Direction defaults by kind, and receipts never carry one (internal/leadrecord).
	in = v1.InteractionEntry{Kind: kind, ID: e.ID, TouchKey: e.TouchKey, By: apiBy, HandToHuman: e.HandToHuman, ReturnDate: e.ReturnDate}
	if e.By != "" {
		in.By = e.By
	}
	switch strings.ToLower(e.Direction) {
	case "":
	case "inbound":
		in.Direction = v1.Inbound
	case "outbound":
		in.Direction = v1.Outbound
	default:
		return in, "InvalidDirection", "direction is inbound or outbound"
	}
	if e.Medium != "" {
		m, ok := media[strings.ToLower(e.Medium)]
		if !ok {
			return in, "UnknownMedium", "medium must be one of email, phone, whatsapp, linkedin, chat, meeting, web, other"
		}
		in.Medium = m
	}
	return in, "", ""
}
