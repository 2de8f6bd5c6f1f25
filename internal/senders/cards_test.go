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

// The vendors' documented incoming-webhook shapes, decoded strictly enough that a
// misspelt field is an empty value.
type (
	slackMsg struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"text"`
			Elements []struct {
				Type     string `json:"type"`
				ActionID string `json:"action_id"`
				URL      string `json:"url"`
				Text     struct {
					Type string `json:"type"`
					Text string `json:"text"`
				} `json:"text"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	weComMsg struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	dingTalkMsg struct {
		MsgType    string `json:"msgtype"`
		ActionCard struct {
			Title          string `json:"title"`
			Text           string `json:"text"`
			BtnOrientation string `json:"btnOrientation"`
			Btns           []struct {
				Title     string `json:"title"`
				ActionURL string `json:"actionURL"`
			} `json:"btns"`
		} `json:"actionCard"`
	}
	feishuMsg struct {
		MsgType   string `json:"msg_type"`
		Timestamp string `json:"timestamp"`
		Sign      string `json:"sign"`
		Card      struct {
			Header struct {
				Title struct {
					Tag     string `json:"tag"`
					Content string `json:"content"`
				} `json:"title"`
			} `json:"header"`
			Elements []struct {
				Tag  string `json:"tag"`
				Text *struct {
					Tag     string `json:"tag"`
					Content string `json:"content"`
				} `json:"text"`
				Actions []struct {
					Tag  string `json:"tag"`
					URL  string `json:"url"`
					Text struct {
						Tag     string `json:"tag"`
						Content string `json:"content"`
					} `json:"text"`
				} `json:"actions"`
			} `json:"elements"`
		} `json:"card"`
	}
)

type labelled struct{ label, url string }

var mdLink = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)

// TestChatCardsCarryActionButtons: a call task sent to Slack, WeCom, DingTalk and
// Feishu receivers on loopback arrives as each tool's button format (Block Kit URL
// buttons, markdown links, actionCard btns, an interactive card's button row); every
// button's URL is a signed link for its own action on the task, plus the rep's queue.
func TestChatCardsCarryActionButtons(t *testing.T) {
	srv := newServer(t, nil)
	var cs channels
	cs.add(webhook("slack", srv.URL+"/slack", "Slack"), nil)
	cs.add(webhook("wecom", srv.URL+"/cgi-bin/webhook/send", "WeCom"), map[string]string{"key": "K"})
	cs.add(webhook("dingtalk", srv.URL+"/robot/send", "DingTalk"), map[string]string{"accessToken": "T"})
	cs.add(webhook("feishu", srv.URL+"/open-apis/bot/v2/hook/x", "Feishu"), map[string]string{"signSecret": "S"})
	links := actionlink.NewSource("https://edge.example.com", 0)
	links.SetKey([]byte("k-cards"))
	r := senders.NewRouter(&cs, nil, senders.WithClock(testingclock.NewFakeClock(due)), senders.WithActionLinks(links))
	for _, name := range []string{"slack", "wecom", "dingtalk", "feishu"} {
		d := delivery("")
		d.Task, d.Notify = true, name
		if res := r.Dispatch(context.Background(), d); res.Outcome != cadence.TaskAssigned {
			t.Fatalf("%s: %+v", name, res)
		}
	}
	reqs := srv.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests", len(reqs))
	}
	buttons := map[string][]labelled{}
	var sl slackMsg
	mustJSON(t, reqs[0].Body, &sl)
	if len(sl.Blocks) != 2 || sl.Blocks[0].Type != "section" || sl.Blocks[0].Text == nil || sl.Blocks[0].Text.Type != "mrkdwn" ||
		!strings.Contains(sl.Blocks[0].Text.Text, "Call task for anna") || sl.Blocks[1].Type != "actions" || sl.Text == "" {
		t.Errorf("slack: %s", reqs[0].Body)
	}
	for _, b := range sl.Blocks[len(sl.Blocks)-1].Elements {
		if b.Type != "button" || b.Text.Type != "plain_text" || b.ActionID == "" {
			t.Errorf("slack element %+v", b)
		}
		buttons["slack"] = append(buttons["slack"], labelled{b.Text.Text, b.URL})
	}
	var wc weComMsg
	mustJSON(t, reqs[1].Body, &wc)
	if wc.MsgType != "markdown" || !strings.Contains(wc.Markdown.Content, "Call task for anna") || len(wc.Markdown.Content) > 4096 {
		t.Errorf("wecom: %s", reqs[1].Body)
	}
	for _, m := range mdLink.FindAllStringSubmatch(wc.Markdown.Content, -1) {
		buttons["wecom"] = append(buttons["wecom"], labelled{m[1], m[2]})
	}
	var dt dingTalkMsg
	mustJSON(t, reqs[2].Body, &dt)
	if dt.MsgType != "actionCard" || dt.ActionCard.Title != "Call task" || !strings.Contains(dt.ActionCard.Text, "Call task for anna") ||
		(dt.ActionCard.BtnOrientation != "0" && dt.ActionCard.BtnOrientation != "1") {
		t.Errorf("dingtalk: %s", reqs[2].Body)
	}
	for _, b := range dt.ActionCard.Btns {
		buttons["dingtalk"] = append(buttons["dingtalk"], labelled{b.Title, b.ActionURL})
	}
	var fs feishuMsg
	mustJSON(t, reqs[3].Body, &fs)
	if fs.MsgType != "interactive" || fs.Sign != senders.FeishuSign(fs.Timestamp, "S") || fs.Card.Header.Title.Content != "Call task" ||
		len(fs.Card.Elements) != 2 || fs.Card.Elements[0].Tag != "div" || fs.Card.Elements[0].Text == nil ||
		fs.Card.Elements[0].Text.Tag != "lark_md" || fs.Card.Elements[1].Tag != "action" {
		t.Errorf("feishu: %s", reqs[3].Body)
	}
	for _, b := range fs.Card.Elements[len(fs.Card.Elements)-1].Actions {
		if b.Tag != "button" || b.Text.Tag != "plain_text" {
			t.Errorf("feishu button %+v", b)
		}
		buttons["feishu"] = append(buttons["feishu"], labelled{b.Text.Content, b.URL})
	}

	for _, tool := range []string{"slack", "wecom", "dingtalk", "feishu"} { // a tool with no buttons fails too
		bs := buttons[tool]
		if len(bs) != len(actionlink.Actions)+1 {
			t.Errorf("%s: %d buttons, want %d", tool, len(bs), len(actionlink.Actions)+1)
		}
		for _, b := range bs {
			u, err := url.Parse(b.url)
			if err != nil {
				t.Fatal(err)
			}
			rep, _ := strings.CutPrefix(u.Path, "/reps/")
			if u.Path == "/act" {
				rep = ""
			}
			l, sig, err := actionlink.Parse(u.Query(), rep)
			if err == nil {
				err = actionlink.Verify([][]byte{[]byte("k-cards")}, l, sig, due)
			}
			if err != nil || l.Action.Label() != b.label {
				t.Errorf("%s button %q -> %s: %+v %v", tool, b.label, b.url, l, err)
			}
			if l.Action != actionlink.Queue && (l.Subject != "acme" || l.TouchKey != "k1a2b3c4d5e6") {
				t.Errorf("%s button %q is for %+v", tool, b.label, l)
			}
		}
	}
	// No contact data reaches a chat tool.
	for _, req := range reqs {
		if strings.Contains(string(req.Body), "hanna@example.pl") || strings.Contains(string(req.Body), "+48501234567") {
			t.Errorf("%s: contact data in the message", req.Path)
		}
	}
}

func mustJSON(t *testing.T, b []byte, into any) {
	t.Helper()
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
}
