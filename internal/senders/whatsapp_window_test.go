package senders_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	testingclock "k8s.io/utils/clock/testing"

	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
	"github.com/followup-io/followup-operator/internal/senders"
)

// waSent is what the loopback Cloud API received.
type waSent struct {
	Type     string
	Text     *struct{ Body string }
	Template *struct {
		Name       string
		Language   struct{ Code string }
		Components []struct {
			Type       string
			Parameters []struct{ Type, Text string }
		}
	}
}

// TestWhatsAppWindow sends through the real router to a loopback Cloud API: inside the
// 24-hour window the rendered body goes as free-form text; outside it (closed, within
// its last minutes, never opened) only the step's approved template, with its name,
// language and parameters; and with no approved template to send outside the window,
// nothing at all.
func TestWhatsAppWindow(t *testing.T) {
	srv := newServer(t, func(request) (int, string) {
		return 200, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.X"}]}`
	})
	var cs channels
	cs.add(waChannel(srv.URL), map[string]string{"token": "EAAtoken"})
	lastMessage := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	clk := testingclock.NewFakeClock(lastMessage.Add(3 * time.Hour))
	r := senders.NewRouter(&cs, nil, senders.WithClock(clk))
	approved := &dispatch.WhatsAppTemplate{Name: "catalog_follow_up", Language: "de", Parameters: []string{"Hanna", "CNC laser"}}
	d := delivery("wa")
	d.WhatsAppWindowUntil, d.WhatsApp = lastMessage.Add(cadence.WhatsAppWindow), approved

	send := func() (dispatch.Result, *waSent) {
		t.Helper()
		n := len(srv.requests())
		res := r.Dispatch(context.Background(), d)
		reqs := srv.requests()
		if len(reqs) == n {
			return res, nil
		}
		var m waSent
		if err := json.Unmarshal(reqs[len(reqs)-1].Body, &m); err != nil {
			t.Fatal(err)
		}
		return res, &m
	}
	res, m := send()
	if res.Outcome != cadence.Sent || m == nil || m.Type != "text" || m.Text == nil || m.Text.Body != d.Message.Body || m.Template != nil {
		t.Fatalf("inside the window: %+v %+v, want the body as free-form text", res, m)
	}

	for _, now := range []time.Time{
		lastMessage.Add(24*time.Hour - time.Minute), // the window's last minutes
		lastMessage.Add(24 * time.Hour),
		lastMessage.Add(72 * time.Hour),
	} {
		clk.SetTime(now)
		res, m = send()
		if res.Outcome != cadence.Sent || m == nil || m.Type != "template" || m.Text != nil || m.Template == nil {
			t.Fatalf("at %s: %+v %+v, want the approved template", now, res, m)
		}
		tp := m.Template
		if tp.Name != "catalog_follow_up" || tp.Language.Code != "de" || len(tp.Components) != 1 || tp.Components[0].Type != "body" ||
			len(tp.Components[0].Parameters) != 2 || tp.Components[0].Parameters[0].Text != "Hanna" || tp.Components[0].Parameters[1].Text != "CNC laser" {
			t.Errorf("at %s: template %+v", now, tp)
		}
	}

	// Never wrote on WhatsApp: no window, the template (here the default mapping: the
	// policy template's name, the channel's language, the body as {{1}}).
	d.WhatsAppWindowUntil, d.WhatsApp = time.Time{}, nil
	clk.SetTime(lastMessage)
	res, m = send()
	if res.Outcome != cadence.Sent || m == nil || m.Type != "template" || m.Template.Name != "catalog" || m.Template.Language.Code != "pl" ||
		m.Template.Components[0].Parameters[0].Text != d.Message.Body {
		t.Fatalf("no window: %+v %+v", res, m)
	}

	// Outside the window with no template to send: nothing goes out.
	d.Template = ""
	res, m = send()
	if res.Outcome != cadence.Permanent || m != nil {
		t.Fatalf("no approved template outside the window: %+v, request %+v", res, m)
	}
	for _, q := range srv.requests()[1:] {
		var s waSent
		_ = json.Unmarshal(q.Body, &s)
		if s.Type != "template" {
			t.Errorf("a %s message outside the window", s.Type)
		}
	}
}
