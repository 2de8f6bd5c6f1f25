package senders_test

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	testingclock "k8s.io/utils/clock/testing"

	"github.com/followup-io/followup-operator/internal/actionlink"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/senders"
)

var linkPattern = regexp.MustCompile(`https://edge\.example\.com/[^\s"\\)]+`)

// TestTaskMessageCarriesSignedActionLinks: a call task's chat message carries one
// signed link per action on the task's touch and a link to the rep's queue, each
// verifying with the key; without a key it keeps the kubectl hint and no links.
func TestTaskMessageCarriesSignedActionLinks(t *testing.T) {
	srv := newServer(t, nil)
	var cs channels
	cs.add(webhook("anna-chat", srv.URL+"/slack", "Slack"), nil)
	links := actionlink.NewSource("https://edge.example.com", 0)
	links.SetKey([]byte("k-123"))
	r := senders.NewRouter(&cs, nil, senders.WithClock(testingclock.NewFakeClock(due)), senders.WithActionLinks(links))
	d := delivery("")
	d.Task, d.Notify = true, "anna-chat"
	if res := r.Dispatch(context.Background(), d); res.Outcome != cadence.TaskAssigned {
		t.Fatalf("task: %+v", res)
	}
	n := noticeFor("anna-chat")
	n.TouchKey = d.Key
	if res := r.Notify(context.Background(), n); res.Outcome != cadence.Sent {
		t.Fatalf("notice: %+v", res)
	}
	links.SetKey(nil)
	if res := r.Dispatch(context.Background(), d); res.Outcome != cadence.TaskAssigned {
		t.Fatalf("task without key: %+v", res)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, req := range reqs[:2] {
		var m map[string]any
		if err := json.Unmarshal(req.Body, &m); err != nil {
			t.Fatal(err)
		}
		found := linkPattern.FindAllString(m["text"].(string), -1)
		seen := map[actionlink.Action]bool{}
		for _, raw := range found {
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			rep, _ := strings.CutPrefix(u.Path, "/reps/")
			if u.Path == "/act" {
				rep = ""
			}
			l, sig, err := actionlink.Parse(u.Query(), rep)
			if err != nil {
				t.Fatalf("message %d: %s: %v", i, raw, err)
			}
			if err := actionlink.Verify([][]byte{[]byte("k-123")}, l, sig, due); err != nil {
				t.Errorf("message %d: %s: %v", i, raw, err)
			}
			if l.Action != actionlink.Queue && (l.Namespace != "sales" || l.Subject != "acme" || l.TouchKey != d.Key) {
				t.Errorf("message %d: link for %+v", i, l)
			}
			if l.Action == actionlink.Queue && l.Subject != "anna" {
				t.Errorf("message %d: queue of %s", i, l.Subject)
			}
			seen[l.Action] = true
		}
		for _, a := range append(actionlink.Actions, actionlink.Queue) {
			if !seen[a] {
				t.Errorf("message %d has no %s link: %s", i, a, req.Body)
			}
		}
	}
	if strings.Contains(string(reqs[2].Body), "edge.example.com") || !strings.Contains(string(reqs[2].Body), "kubectl followup record") {
		t.Errorf("without a key: %s", reqs[2].Body)
	}
}
