// Package actionlink signs and verifies the links that let a rep record what happened
// with a lead from a chat message, without kubectl: "connected", "no answer", "meeting
// booked", "won", "lost", "snooze 1 h", and the link to the rep's own queue page.
//
// A link is an HMAC-SHA256 over the namespace, the lead (or the rep, for a queue page),
// the touch key, the action and the expiry; the edge verifies it before anything is
// read or written. The package is pure: no client, no clock of its own (time is passed
// in), so every decision is testable with fixed times.
package actionlink

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
)

// Action is what a rep reports with a click.
type Action string

// Actions a link can carry.
const (
	Connected     Action = "connected"
	NoAnswer      Action = "no-answer"
	MeetingBooked Action = "meeting-booked"
	Won           Action = "won"
	Lost          Action = "lost"
	Snooze        Action = "snooze-1h"
	// Queue opens a rep's page (/reps/NAME); it records nothing.
	Queue Action = "queue"
)

// Actions are the recording actions, in the order a message shows them.
var Actions = []Action{Connected, NoAnswer, MeetingBooked, Won, Lost, Snooze}

// Label is the button text of an action.
func (a Action) Label() string {
	switch a {
	case Connected:
		return "Connected"
	case NoAnswer:
		return "No answer"
	case MeetingBooked:
		return "Meeting booked"
	case Won:
		return "Won"
	case Lost:
		return "Lost"
	case Snooze:
		return "Snooze 1 h"
	case Queue:
		return "My queue"
	}
	return string(a)
}

// Known says whether a is an action a link may carry.
func Known(a Action) bool {
	for _, k := range Actions {
		if k == a {
			return true
		}
	}
	return a == Queue
}

// SnoozeFor is how long "snooze" pushes a task's deadline back.
const SnoozeFor = cadence.SnoozeFor

// DefaultTTL is how long a link works when the operator does not say otherwise.
const DefaultTTL = 7 * 24 * time.Hour

// Link is one signed link. For Queue, Subject is the rep's name and TouchKey is empty;
// otherwise Subject is the lead's object name.
type Link struct {
	Namespace string
	Subject   string
	TouchKey  string
	Action    Action
	Expires   time.Time
}

// Errors of Verify. The edge answers each with a 4xx page.
var (
	ErrMalformed    = errors.New("the link is incomplete or malformed")
	ErrBadSignature = errors.New("the link's signature does not match")
	ErrExpired      = errors.New("the link has expired")
	ErrNoKey        = errors.New("no action-link key is configured")
)

// touchKeyPattern is what touch and notice keys look like (hex, with a "/n" suffix for
// a task's reminders).
var touchKeyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9/_.-]{0,127}$`)

// mac is the link's HMAC: every field length-prefixed, so no two different links sign
// the same bytes.
func mac(key []byte, l Link) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("followup-action-link-v1"))
	for _, f := range []string{l.Namespace, l.Subject, l.TouchKey, string(l.Action), strconv.FormatInt(l.Expires.Unix(), 10)} {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(f)))
		m.Write(n[:])
		m.Write([]byte(f))
	}
	return m.Sum(nil)
}

// Sign returns the link's signature (URL-safe base64).
func Sign(key []byte, l Link) string {
	return base64.RawURLEncoding.EncodeToString(mac(key, l))
}

// Query is the link as URL query parameters.
func Query(key []byte, l Link) url.Values {
	q := url.Values{}
	q.Set("ns", l.Namespace)
	if l.Action == Queue {
		q.Set("exp", strconv.FormatInt(l.Expires.Unix(), 10))
		q.Set("sig", Sign(key, l))
		return q
	}
	q.Set("lead", l.Subject)
	if l.TouchKey != "" {
		q.Set("touch", l.TouchKey)
	}
	q.Set("a", string(l.Action))
	q.Set("exp", strconv.FormatInt(l.Expires.Unix(), 10))
	q.Set("sig", Sign(key, l))
	return q
}

// Parse reads a link from the query (and, for a queue page, the rep's name from the
// path) without checking its signature.
func Parse(q url.Values, rep string) (Link, string, error) {
	l := Link{Namespace: q.Get("ns"), TouchKey: q.Get("touch"), Action: Action(q.Get("a"))}
	if rep != "" {
		l.Subject, l.Action = rep, Queue
	} else {
		l.Subject = q.Get("lead")
	}
	exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
	sig := q.Get("sig")
	switch {
	case err != nil || exp <= 0:
		return l, "", fmt.Errorf("%w: exp", ErrMalformed)
	case len(validation.IsDNS1123Label(l.Namespace)) > 0:
		return l, "", fmt.Errorf("%w: ns", ErrMalformed)
	case len(validation.IsDNS1123Subdomain(l.Subject)) > 0:
		return l, "", fmt.Errorf("%w: lead or rep", ErrMalformed)
	case l.TouchKey != "" && !touchKeyPattern.MatchString(l.TouchKey):
		return l, "", fmt.Errorf("%w: touch", ErrMalformed)
	case !Known(l.Action) || (rep == "" && l.Action == Queue):
		return l, "", fmt.Errorf("%w: action", ErrMalformed)
	case sig == "":
		return l, "", fmt.Errorf("%w: sig", ErrMalformed)
	}
	l.Expires = time.Unix(exp, 0)
	return l, sig, nil
}

// Verify checks a parsed link's signature against every key (the first signs, the
// others still verify during a rotation), then its expiry. A forged link is a bad
// signature whatever its expiry says.
func Verify(keys [][]byte, l Link, sig string, now time.Time) error {
	if len(keys) == 0 {
		return ErrNoKey
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return ErrBadSignature
	}
	match := false
	for _, k := range keys {
		if hmac.Equal(got, mac(k, l)) {
			match = true
		}
	}
	if !match {
		return ErrBadSignature
	}
	if !now.Before(l.Expires) {
		return ErrExpired
	}
	return nil
}

// Builder makes signed URLs for messages: Base is the edge's public URL
// (https://followup.example.com), TTL how long a link works.
type Builder struct {
	Base string
	Key  []byte
	TTL  time.Duration
}

// Enabled says whether links can be made (a base URL and a key).
func (b Builder) Enabled() bool { return b.Base != "" && len(b.Key) > 0 }

func (b Builder) expiry(now time.Time) time.Time {
	ttl := b.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return now.Add(ttl).Truncate(time.Second)
}

// ActionURL is the link for one action on a lead's touch; "" when links are disabled.
func (b Builder) ActionURL(ns, lead, touch string, a Action, now time.Time) string {
	if !b.Enabled() {
		return ""
	}
	l := Link{Namespace: ns, Subject: lead, TouchKey: touch, Action: a, Expires: b.expiry(now)}
	return trimBase(b.Base) + "/act?" + Query(b.Key, l).Encode()
}

// QueueURL is the link to a rep's queue page; "" when links are disabled.
func (b Builder) QueueURL(ns, rep string, now time.Time) string {
	if !b.Enabled() || len(validation.IsDNS1123Subdomain(rep)) > 0 {
		return ""
	}
	l := Link{Namespace: ns, Subject: rep, Action: Queue, Expires: b.expiry(now)}
	return trimBase(b.Base) + "/reps/" + url.PathEscape(rep) + "?" + Query(b.Key, l).Encode()
}

// Button is one action with its URL, for chat formats that show buttons.
type Button struct {
	Action Action
	Label  string
	URL    string
}

// For is the actions offered on a touch: snoozing needs an open task to put off.
func For(touch string) []Action {
	if touch != "" {
		return Actions
	}
	out := make([]Action, 0, len(Actions))
	for _, a := range Actions {
		if a != Snooze {
			out = append(out, a)
		}
	}
	return out
}

// Buttons are the links of every action offered on a touch (For); nil when disabled.
func (b Builder) Buttons(ns, lead, touch string, now time.Time) []Button {
	if !b.Enabled() {
		return nil
	}
	out := make([]Button, 0, len(Actions))
	for _, a := range For(touch) {
		out = append(out, Button{Action: a, Label: a.Label(), URL: b.ActionURL(ns, lead, touch, a, now)})
	}
	return out
}

func trimBase(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// Recording is what a click stores: an interaction entry, and for won and lost the
// outcome that closes the lead.
type Recording struct {
	Entry   v1.InteractionEntry
	Outcome *v1.Outcome
}

// By is the recorder named on entries made by a click.
const By = "rep-link"

// Record decides what a verified link records at now. Its id makes the same link (the
// same action on the same touch of the same lead) a duplicate the second time; a snooze
// link is once per link (its expiry is part of the id), so a later link snoozes again.
// value is the lead's estimated value, taken as the order value of a won lead.
func Record(l Link, value *v1.Money, now time.Time) (Recording, error) {
	at := metav1.NewTime(now.UTC().Truncate(time.Second))
	id := "link:" + l.TouchKey + ":" + string(l.Action)
	if l.TouchKey == "" {
		id = "link:lead:" + string(l.Action)
	}
	e := v1.InteractionEntry{At: at, ID: id, TouchKey: taskKey(l.TouchKey), By: By}
	var out *v1.Outcome
	switch l.Action {
	case Connected:
		e.Kind, e.Medium, e.Direction = v1.InteractionCallConnected, "Phone", v1.Outbound
	case NoAnswer:
		e.Kind, e.Medium, e.Direction = v1.InteractionCallNoAnswer, "Phone", v1.Outbound
	case MeetingBooked:
		e.Kind = v1.InteractionMeetingBooked
	case Snooze:
		e.Kind = v1.InteractionSnoozed
		e.ID += ":" + strconv.FormatInt(l.Expires.Unix(), 10)
	case Won:
		e.Kind = v1.InteractionNote
		out = &v1.Outcome{Result: v1.OutcomeWon, At: at}
		if value != nil {
			v := *value
			out.Value = &v
		}
	case Lost:
		e.Kind = v1.InteractionNote
		out = &v1.Outcome{Result: v1.OutcomeLost, Reason: "rep-link", At: at}
	default:
		return Recording{}, fmt.Errorf("%w: action %q records nothing", ErrMalformed, l.Action)
	}
	return Recording{Entry: e, Outcome: out}, nil
}

// taskKey is the touch a link is about: a reminder's key is "<touch key>/<n>".
func taskKey(k string) string {
	for i := 0; i < len(k); i++ {
		if k[i] == '/' {
			return k[:i]
		}
	}
	return k
}

// Source hands out the Builder in force: the edge's secrets watcher sets the key when
// the key file changes, and the senders read it for every message.
type Source struct {
	mu sync.RWMutex
	b  Builder
	// namespaceKey is a namespace's own signing key (its followup-edge Secret's
	// action-link-key), when it has one; nil: every namespace uses the platform key.
	namespaceKey func(ctx context.Context, ns string) (key []byte, own bool)
}

// NewSource makes a Source for the edge's public base URL and the links' lifetime.
func NewSource(base string, ttl time.Duration) *Source {
	return &Source{b: Builder{Base: base, TTL: ttl}}
}

// SetKey replaces the signing key (nil disables links).
func (s *Source) SetKey(key []byte) {
	s.mu.Lock()
	s.b.Key = key
	s.mu.Unlock()
}

// SetNamespaceKey sets how a namespace's own key is found: own true with the key to
// sign that namespace's links with instead of the platform key (a nil key makes no
// links, when it could not be read: a link the edge would refuse helps nobody).
func (s *Source) SetNamespaceKey(f func(ctx context.Context, ns string) (key []byte, own bool)) {
	s.mu.Lock()
	s.namespaceKey = f
	s.mu.Unlock()
}

// BuilderFor is the builder for the links of namespace ns: the namespace's own key
// when it has one, else the platform's. A nil Source makes no links.
func (s *Source) BuilderFor(ctx context.Context, ns string) Builder {
	if s == nil {
		return Builder{}
	}
	s.mu.RLock()
	b, f := s.b, s.namespaceKey
	s.mu.RUnlock()
	if f != nil {
		if key, own := f(ctx, ns); own {
			b.Key = key
		}
	}
	return b
}

// Builder is the builder in force; a nil Source makes no links.
func (s *Source) Builder() Builder {
	if s == nil {
		return Builder{}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.b
}
