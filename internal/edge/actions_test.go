package edge_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/actionlink"
)

// links signs like the operator's senders do, for the suite's edge.
func links() actionlink.Builder {
	return actionlink.Builder{Base: srv.URL, Key: []byte(linkKey), TTL: 24 * time.Hour}
}

// click GETs (method "GET") or POSTs a form to raw, as a browser does, and returns the
// status, the reason header and the page.
func click(t testing.TB, method, raw string) (int, string, string) {
	t.Helper()
	var req *http.Request
	var err error
	if method == http.MethodGet {
		req, err = http.NewRequest(method, raw, nil)
	} else {
		req, err = http.NewRequest(method, raw, strings.NewReader(url.Values{"do": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s %s: content type %q", method, raw, ct)
	}
	return resp.StatusCode, resp.Header.Get("X-Followup-Reason"), string(b)
}

// TestActionLinkPreviewRecordsNothingAndAClickRecordsOnce: a GET (a chat tool's link
// preview) shows a confirmation form and records nothing; the POST records a connected
// call on the touch; the same click again is "already recorded", one Interaction.
func TestActionLinkPreviewRecordsNothingAndAClickRecordsOnce(t *testing.T) {
	up(t)
	leadWith(t, "link-connected", 0)
	raw := links().ActionURL(ns, "link-connected", "3f9a1c0d2b7e", actionlink.Connected, now)
	for i := 0; i < 2; i++ {
		code, reason, body := click(t, http.MethodGet, raw)
		if code != http.StatusOK || reason != "Confirm" || !strings.Contains(body, `<form method="post"`) || strings.Contains(body, "<script") {
			t.Fatalf("GET: %d %s %s", code, reason, body)
		}
	}
	if got := recorded(t, ns, "link-connected"); len(got) != 0 {
		t.Fatalf("a preview recorded %s", kindsOf(got))
	}
	code, reason, body := click(t, http.MethodPost, raw)
	if code != http.StatusCreated || reason != "Recorded" {
		t.Fatalf("POST: %d %s %s", code, reason, body)
	}
	got := recorded(t, ns, "link-connected")
	if len(got) != 1 || got[0].Kind != v1.InteractionCallConnected || got[0].TouchKey != "3f9a1c0d2b7e" || got[0].By != actionlink.By ||
		got[0].Direction != v1.Outbound || !got[0].At.Time.Equal(now) {
		t.Fatalf("recorded %+v", got)
	}
	code, reason, body = click(t, http.MethodPost, raw)
	if code != http.StatusOK || reason != "AlreadyRecorded" || !strings.Contains(body, "already recorded") {
		t.Fatalf("second click: %d %s %s", code, reason, body)
	}
	if got := recorded(t, ns, "link-connected"); len(got) != 1 {
		t.Fatalf("two clicks recorded %s", kindsOf(got))
	}
}

// TestBadLinksRecordNothing: a changed, expired, foreign-key or incomplete link gets a
// 4xx page and nothing is stored.
func TestBadLinksRecordNothing(t *testing.T) {
	up(t)
	leadWith(t, "link-bad", 0)
	good := links().ActionURL(ns, "link-bad", "abc123", actionlink.NoAnswer, now)
	expired := links()
	expired.TTL = time.Minute
	foreign := links()
	foreign.Key = []byte("someone-elses-key")
	for name, c := range map[string]struct {
		raw    string
		code   int
		reason string
	}{
		"action changed": {strings.Replace(good, "a=no-answer", "a=connected", 1), http.StatusForbidden, "BadSignature"},
		"lead changed":   {strings.Replace(good, "lead=link-bad", "lead=link-connected", 1), http.StatusForbidden, "BadSignature"},
		"foreign key":    {foreign.ActionURL(ns, "link-bad", "abc123", actionlink.NoAnswer, now), http.StatusForbidden, "BadSignature"},
		"expired":        {expired.ActionURL(ns, "link-bad", "abc123", actionlink.NoAnswer, now.Add(-2*time.Minute)), http.StatusGone, "LinkExpired"},
		"no signature":   {strings.Split(good, "&sig=")[0], http.StatusBadRequest, "MalformedLink"},
		"not served":     {links().ActionURL("other", "link-bad", "abc123", actionlink.NoAnswer, now), http.StatusForbidden, "NamespaceNotServed"},
		"no such lead":   {links().ActionURL(ns, "link-nobody", "abc123", actionlink.NoAnswer, now), http.StatusNotFound, "LeadNotFound"},
	} {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			code, reason, _ := click(t, m, c.raw)
			if code != c.code || reason != c.reason {
				t.Errorf("%s %s: %d %s, want %d %s", name, m, code, reason, c.code, c.reason)
			}
		}
	}
	if got := recorded(t, ns, "link-bad"); len(got) != 0 {
		t.Fatalf("bad links recorded %s", kindsOf(got))
	}
}

// TestWonLinkClosesTheLeadOnce: "won" sets the outcome with the lead's value; a second
// click changes nothing; a "lost" link afterwards does not reopen or flip it.
func TestWonLinkClosesTheLeadOnce(t *testing.T) {
	up(t)
	leadWith(t, "link-won", 0)
	l := getLead(t, "link-won")
	l.Spec.Value = &v1.Money{Amount: "42000", Currency: "EUR"}
	if err := env.Client.Update(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	raw := links().ActionURL(ns, "link-won", "k1", actionlink.Won, now)
	if code, reason, body := click(t, http.MethodPost, raw); code != http.StatusCreated || reason != "Recorded" {
		t.Fatalf("won: %d %s %s", code, reason, body)
	}
	l = getLead(t, "link-won")
	if o := l.Spec.Outcome; o == nil || o.Result != v1.OutcomeWon || o.Value == nil || o.Value.Amount != "42000" || !o.At.Time.Equal(now) {
		t.Fatalf("outcome %+v", l.Spec.Outcome)
	}
	if code, reason, _ := click(t, http.MethodPost, raw); code != http.StatusOK || reason != "AlreadyRecorded" {
		t.Errorf("won again: %d %s", code, reason)
	}
	lost := links().ActionURL(ns, "link-won", "k1", actionlink.Lost, now)
	if code, reason, _ := click(t, http.MethodPost, lost); code != http.StatusConflict || reason != "AlreadyClosed" {
		t.Errorf("lost after won: %d %s", code, reason)
	}
	if l = getLead(t, "link-won"); l.Spec.Outcome.Result != v1.OutcomeWon {
		t.Errorf("outcome flipped to %s", l.Spec.Outcome.Result)
	}
	if got := recorded(t, ns, "link-won"); len(got) != 1 || got[0].Kind != v1.InteractionNote {
		t.Errorf("audit entries %s", kindsOf(got))
	}
}
