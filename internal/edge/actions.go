package edge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/util/retry"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/actionlink"
	"github.com/followup-io/followup-operator/internal/leadrecord"
)

const actionEndpoint = "action-link"

// linkKeys are the action-link keys of namespace ns as bytes: its own (its
// followup-edge Secret's action-link-key) when it has any, else the platform's. Read
// once per request: a rotation mid-request must not change them under us.
func (s *Server) linkKeys(ctx context.Context, ns string) ([][]byte, error) {
	own, err := s.tenant(ctx, ns)
	if err != nil {
		return nil, err
	}
	list := s.config().ActionLinkKeys
	if len(own.actionLinkKeys) > 0 {
		list = own.actionLinkKeys
	}
	var keys [][]byte
	for _, k := range list {
		keys = append(keys, []byte(k))
	}
	return keys, nil
}

// NamespaceLinkKey is the key that signs namespace ns's action links when it has one of
// its own (for actionlink.Source.SetNamespaceKey). A Secret that cannot be read gives
// no key at all: a link signed with the platform key would be refused.
func (s *Server) NamespaceLinkKey(ctx context.Context, ns string) ([]byte, bool) {
	own, err := s.tenant(ctx, ns)
	switch {
	case err != nil:
		return nil, true
	case len(own.actionLinkKeys) == 0:
		return nil, false
	}
	return []byte(own.actionLinkKeys[0]), true
}

// verifiedLink reads and checks the signed link of a request. On failure it answers
// with an HTML page (400 malformed, 403 bad signature, 410 expired, 503 no key, 403 a
// namespace not served) and returns false: nothing is read or written.
func (s *Server) verifiedLink(w http.ResponseWriter, r *http.Request, rep string) (actionlink.Link, [][]byte, bool) {
	l, sig, err := actionlink.Parse(r.URL.Query(), rep)
	var keys [][]byte
	if err == nil {
		var kerr error
		if keys, kerr = s.linkKeys(r.Context(), l.Namespace); kerr != nil {
			s.apiError(kerr, "reading the namespace's edge Secret", l.Namespace, "")
			s.page(w, r, http.StatusServiceUnavailable, "APIUnavailable", pageData{Title: "Try again in a moment",
				Text: "The link could not be checked right now. Nothing was recorded."})
			return l, nil, false
		}
		err = actionlink.Verify(keys, l, sig, s.Clock.Now())
	}
	switch {
	case err == nil:
	case errors.Is(err, actionlink.ErrNoKey):
		s.page(w, r, http.StatusServiceUnavailable, "NotConfigured", pageData{Title: "Links are not set up",
			Text: "No action-link key is configured (file action-link-key of the edge's secrets). Record the outcome with kubectl followup."})
		return l, nil, false
	case errors.Is(err, actionlink.ErrExpired):
		s.page(w, r, http.StatusGone, "LinkExpired", pageData{Title: "This link has expired",
			Text: "Nothing was recorded. Use the newest message about this lead, or your queue page."})
		return l, nil, false
	case errors.Is(err, actionlink.ErrBadSignature):
		s.page(w, r, http.StatusForbidden, "BadSignature", pageData{Title: "This link is not valid",
			Text: "Its signature does not match (it was changed, or signed with a retired key). Nothing was recorded."})
		return l, nil, false
	default:
		s.page(w, r, http.StatusBadRequest, "MalformedLink", pageData{Title: "This link is incomplete",
			Text: "Part of the link is missing or malformed (" + strings.TrimPrefix(err.Error(), actionlink.ErrMalformed.Error()+": ") + "). Nothing was recorded."})
		return l, nil, false
	}
	if !s.allowed(l.Namespace) {
		s.page(w, r, http.StatusForbidden, "NamespaceNotServed", pageData{Title: "Not served here",
			Text: "This operator does not serve namespace " + l.Namespace + ". Nothing was recorded."})
		return l, nil, false
	}
	return l, keys, true
}

// action serves a signed action link. GET shows what the link will record and a button
// that POSTs it: chat tools fetch links to preview them, and a preview must never record
// anything. POST records it, once.
func (s *Server) action(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		s.page(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", pageData{Title: "Method not allowed", Text: "Open the link in a browser."})
		return
	}
	l, _, ok := s.verifiedLink(w, r, "")
	if !ok {
		return
	}
	lead, err := s.lead(r.Context(), l.Namespace, l.Subject)
	switch {
	case apierrors.IsNotFound(err):
		s.page(w, r, http.StatusNotFound, "LeadNotFound", pageData{Title: "Lead not found",
			Text: "Lead " + l.Namespace + "/" + l.Subject + " no longer exists. Nothing was recorded."})
		return
	case err != nil:
		s.apiError(err, "reading lead", l.Namespace, l.Subject)
		s.page(w, r, http.StatusServiceUnavailable, "APIUnavailable", pageData{Title: "Try again", Text: "The lead could not be read. Nothing was recorded."})
		return
	}
	back := backLink(r)
	if r.Method == http.MethodGet {
		s.page(w, r, http.StatusOK, "Confirm", pageData{Title: l.Action.Label() + "?",
			Text:   fmt.Sprintf("Record %q for lead %s/%s%s.", l.Action.Label(), l.Namespace, l.Subject, touchNote(l)),
			Lead:   leadLine(lead),
			Button: &formButton{Action: r.URL.RequestURI(), Label: "Record: " + l.Action.Label(), Back: back},
			Back:   back})
		return
	}
	code, reason, text := s.applyLink(r.Context(), l, lead)
	title := map[int]string{http.StatusCreated: "Recorded", http.StatusOK: "Already recorded", http.StatusConflict: "Already closed"}[code]
	if title == "" {
		title = "Not recorded"
	}
	s.page(w, r, code, reason, pageData{Title: title, Text: text, Back: back})
}

// applyLink records a verified link on the lead and says how it went (HTTP code, reason,
// a sentence for the rep).
func (s *Server) applyLink(ctx context.Context, l actionlink.Link, lead *v1.Lead) (int, string, string) {
	rec, err := actionlink.Record(l, lead.Spec.Value, s.Clock.Now())
	if err != nil {
		return http.StatusBadRequest, "MalformedLink", err.Error()
	}
	what := fmt.Sprintf("%q for lead %s/%s", l.Action.Label(), l.Namespace, l.Subject)
	if rec.Outcome != nil {
		code, reason, text := s.close(ctx, lead, *rec.Outcome)
		if code != http.StatusCreated {
			s.count(actionEndpoint, rec.Entry.Kind, strings.ToLower(reason))
			s.Log.Info("action link", "namespace", l.Namespace, "lead", l.Subject, "action", l.Action, "outcome", reason)
			return code, reason, text
		}
	}
	res := s.record(ctx, actionEndpoint, lead, rec.Entry)
	s.Log.Info("action link", "namespace", l.Namespace, "lead", l.Subject, "action", l.Action, "outcome", res)
	switch {
	case rec.Outcome != nil && (res == string(leadrecord.Added) || res == string(leadrecord.Duplicate)):
		return http.StatusCreated, "Recorded", "Lead " + l.Namespace + "/" + l.Subject + " is closed as " + string(rec.Outcome.Result) + "."
	case res == string(leadrecord.Added):
		return http.StatusCreated, "Recorded", what + " is recorded."
	case res == string(leadrecord.Duplicate):
		return http.StatusOK, "AlreadyRecorded", what + " was already recorded by an earlier click; nothing changed."
	case res == outcomeInvalid:
		return http.StatusUnprocessableEntity, "Invalid", "The Lead API refused the event. Nothing was recorded."
	}
	return http.StatusServiceUnavailable, "APIUnavailable", "The event could not be stored. Try again."
}

// close sets the lead's outcome unless it is closed already (a won or lost link works
// once; an earlier close is never replaced by a click: kubectl followup --force does that).
func (s *Server) close(ctx context.Context, lead *v1.Lead, out v1.Outcome) (int, string, string) {
	key := leadKey(lead.Namespace, lead.Name)
	code, reason, text := http.StatusCreated, "Recorded", ""
	err := retry.RetryOnConflict(retry.DefaultBackoff, func() error {
		var cur v1.Lead
		if err := s.Reader.Get(ctx, key, &cur); err != nil {
			return err
		}
		if prev := cur.Spec.Outcome; prev != nil {
			if prev.Result == out.Result {
				code, reason = http.StatusOK, "AlreadyRecorded"
				text = "Lead " + lead.Namespace + "/" + lead.Name + " was already closed as " + string(prev.Result) + "; nothing changed."
			} else {
				code, reason = http.StatusConflict, "AlreadyClosed"
				text = "Lead " + lead.Namespace + "/" + lead.Name + " is already closed as " + string(prev.Result) + "; a link does not change that (kubectl followup " + strings.ToLower(string(out.Result)) + " --force does)."
			}
			return nil
		}
		if out.Result == v1.OutcomeWon && cur.Spec.Value != nil {
			v := *cur.Spec.Value // the newest estimate, not the cache's
			out.Value = &v
		}
		cur.Spec.Outcome = &out
		return s.Client.Update(ctx, &cur)
	})
	switch {
	case err == nil:
		return code, reason, text
	case apierrors.IsInvalid(err):
		s.apiError(err, "closing lead", lead.Namespace, lead.Name)
		return http.StatusUnprocessableEntity, "Invalid", "The Lead API refused the outcome: " + invalidMessage(err)
	}
	s.apiError(err, "closing lead", lead.Namespace, lead.Name)
	return http.StatusServiceUnavailable, "APIUnavailable", "The lead could not be closed. Try again."
}

// backLink is where a result page links back to: the rep's queue page the form came
// from (only a /reps/ path of this edge, so a link cannot send the rep elsewhere).
func backLink(r *http.Request) string {
	b := r.URL.Query().Get("back")
	if r.Method == http.MethodPost {
		if f := r.PostFormValue("back"); f != "" {
			b = f
		}
	}
	u, err := url.Parse(b)
	if err != nil || b == "" || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/reps/") {
		return ""
	}
	return u.RequestURI()
}

func touchNote(l actionlink.Link) string {
	if l.TouchKey == "" {
		return ""
	}
	return " (touch " + l.TouchKey + ")"
}
