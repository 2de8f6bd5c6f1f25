package senders_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
	"github.com/followup-io/followup-operator/internal/senders"
	"github.com/followup-io/followup-operator/internal/templates"
)

// channels is a Lookup over a fixed set of channels and Secrets.
type channels struct {
	chs   map[string]*v1.Channel
	creds map[string]senders.Credentials
}

func (c *channels) Channel(_ context.Context, ns, name string) (*v1.Channel, senders.Credentials, error) {
	ch, ok := c.chs[name]
	if !ok {
		return nil, nil, fmt.Errorf("%w: %s/%s", senders.ErrChannelNotFound, ns, name)
	}
	return ch, c.creds[name], nil
}

func (c *channels) add(ch *v1.Channel, creds map[string]string) {
	if c.chs == nil {
		c.chs, c.creds = map[string]*v1.Channel{}, map[string]senders.Credentials{}
	}
	ch.Namespace = "sales"
	c.chs[ch.Name] = ch
	cr := senders.Credentials{}
	for k, v := range creds {
		cr[k] = []byte(v)
	}
	c.creds[ch.Name] = cr
}

// observations records what the Router reports.
type observations struct {
	mu  sync.Mutex
	all []string
}

func (o *observations) Observed(ns, ch string, typ v1.ChannelType, out cadence.Outcome, class string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.all = append(o.all, fmt.Sprintf("%s/%s %s %s %s", ns, ch, typ, out, class))
}

func (o *observations) list() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.all...)
}

// request is one request a test server received.
type request struct {
	Path, Query string
	Header      http.Header
	Body        []byte
}

// server is a loopback HTTP server that records requests and answers with answer().
type server struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []request
	answer func(r request) (int, string)
}

func newServer(t testing.TB, answer func(r request) (int, string)) *server {
	s := &server{answer: answer}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := request{Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
		s.mu.Lock()
		s.reqs = append(s.reqs, req)
		s.mu.Unlock()
		code, text := 200, "ok"
		if s.answer != nil {
			code, text = s.answer(req)
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, text)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.reqs...)
}

var due = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)

func delivery(channel string) dispatch.Delivery {
	return dispatch.Delivery{Key: "k1a2b3c4d5e6", Lead: types.NamespacedName{Namespace: "sales", Name: "acme"},
		Number: 2, Step: "send-catalog", Channel: channel, Owner: "anna", Due: due, Template: "catalog",
		Message: templates.Rendered{Subject: "CNC laser: catalog", Body: "Hello Hanna,\nhere is our catalog."},
		Contact: v1.Contact{Name: "Hanna Kowalczyk", Email: "hanna@example.pl", WhatsApp: "+48501234567"}}
}

func webhook(name, url string, format v1.WebhookFormat) *v1.Channel {
	return &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1.ChannelSpec{Type: v1.ChannelWebhook,
		Webhook:   &v1.WebhookChannel{URL: url, Format: format, Timeout: &metav1.Duration{Duration: 300 * time.Millisecond}},
		RateLimit: v1.RateLimit{PerMinute: 6000}}}
}
