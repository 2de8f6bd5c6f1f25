package senders

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/actionlink"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
)

// chatURL builds the incoming-webhook URL of a chat tool from the spec and the Secret:
// a Secret `url` replaces the spec's (Slack and Feishu URLs embed their token); WeCom
// appends `key`, DingTalk `access_token`, and DingTalk signs the URL when `signSecret` is set.
func (r *Router) chatURL(ch *v1.Channel, creds Credentials) (string, error) {
	raw := creds.get("url")
	if raw == "" {
		raw = ch.Spec.Webhook.URL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("webhook url does not parse")
	}
	q := u.Query()
	switch ch.Spec.Webhook.Format {
	case v1.WebhookFormat("WeCom"):
		if k := creds.get(keyOf(ch, "key")); k != "" {
			q.Set("key", k)
		}
	case v1.WebhookFormat("DingTalk"):
		if k := creds.get(keyOf(ch, "accessToken")); k != "" {
			q.Set("access_token", k)
		}
		if secret := creds.get("signSecret"); secret != "" {
			ts := strconv.FormatInt(r.clock.Now().UnixMilli(), 10)
			q.Set("timestamp", ts)
			q.Set("sign", DingTalkSign(ts, secret))
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// DingTalkSign is DingTalk's signature: base64(HMAC-SHA256(secret, "timestamp\nsecret")).
func DingTalkSign(ts, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "\n" + secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// FeishuSign is Feishu/Lark's signature: base64(HMAC-SHA256(key "timestamp\nsecret", empty)).
func FeishuSign(ts, secret string) string {
	m := hmac.New(sha256.New, []byte(ts+"\n"+secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// chatBody renders text in a chat tool's incoming-webhook JSON. With action links, each
// tool gets its own buttons: Slack Block Kit (a section and an actions block of URL
// buttons), WeCom markdown (a line of links: its robot's template cards take at most
// three jump links), DingTalk an actionCard (one button per action), Feishu an
// interactive card (a markdown div and an action row of URL buttons). Without links the
// plain text formats stay as they were.
func (r *Router) chatBody(format v1.WebhookFormat, title, text string, creds Credentials, a actions) ([]byte, error) {
	links := len(a.Buttons) > 0
	switch format {
	case "Slack":
		if !links {
			return json.Marshal(map[string]any{"text": text})
		}
		return json.Marshal(map[string]any{"text": text + a.linkLines(), "blocks": slackBlocks(text, a)})
	case "WeCom":
		if links {
			text += "\n" + a.markdownLinks()
		}
		return json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": text}})
	case "DingTalk":
		if !links {
			return json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": title, "text": text}})
		}
		btns := make([]map[string]string, 0, len(a.Buttons)+1)
		for _, b := range a.Buttons {
			btns = append(btns, map[string]string{"title": b.Label, "actionURL": b.URL})
		}
		if a.Queue != "" {
			btns = append(btns, map[string]string{"title": actionlink.Queue.Label(), "actionURL": a.Queue})
		}
		return json.Marshal(map[string]any{"msgtype": "actionCard", "actionCard": map[string]any{
			"title": title, "text": text, "btnOrientation": "1", "btns": btns}})
	case "Feishu":
		body := map[string]any{"msg_type": "text", "content": map[string]string{"text": text}}
		if links {
			delete(body, "content")
			body["msg_type"], body["card"] = "interactive", feishuCard(title, text, a)
		}
		if secret := creds.get("signSecret"); secret != "" {
			ts := strconv.FormatInt(r.clock.Now().Unix(), 10)
			body["timestamp"], body["sign"] = ts, FeishuSign(ts, secret)
		}
		return json.Marshal(body)
	}
	return nil, fmt.Errorf("format %q is not a chat format", format)
}

// slackBlocks is a Block Kit message: the text as a mrkdwn section, then the buttons
// (Slack allows 25 elements in an actions block; a button's text is plain_text).
func slackBlocks(text string, a actions) []any {
	var els []any
	for _, b := range a.Buttons {
		els = append(els, map[string]any{"type": "button", "action_id": string(b.Action),
			"text": map[string]string{"type": "plain_text", "text": b.Label}, "url": b.URL})
	}
	if a.Queue != "" {
		els = append(els, map[string]any{"type": "button", "action_id": string(actionlink.Queue),
			"text": map[string]string{"type": "plain_text", "text": actionlink.Queue.Label()}, "url": a.Queue})
	}
	return []any{
		map[string]any{"type": "section", "text": map[string]string{"type": "mrkdwn", "text": truncate(text, 3000)}},
		map[string]any{"type": "actions", "elements": els},
	}
}

// feishuCard is a Feishu/Lark message card with URL buttons.
func feishuCard(title, text string, a actions) map[string]any {
	var btns []any
	for _, b := range a.Buttons {
		btns = append(btns, map[string]any{"tag": "button", "type": "default",
			"text": map[string]string{"tag": "plain_text", "content": b.Label}, "url": b.URL})
	}
	if a.Queue != "" {
		btns = append(btns, map[string]any{"tag": "button", "type": "primary",
			"text": map[string]string{"tag": "plain_text", "content": actionlink.Queue.Label()}, "url": a.Queue})
	}
	return map[string]any{
		"config": map[string]any{"wide_screen_mode": true},
		"header": map[string]any{"title": map[string]string{"tag": "plain_text", "content": title}},
		"elements": []any{
			map[string]any{"tag": "div", "text": map[string]string{"tag": "lark_md", "content": text}},
			map[string]any{"tag": "action", "actions": btns},
		},
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// ChatAnswer reads the error code chat tools put in an HTTP 200 answer: WeCom and
// DingTalk `errcode`, Feishu `code`. Rate limits are worth a retry; other codes are not.
func ChatAnswer(format v1.WebhookFormat, body []byte) dispatch.Result {
	var a struct {
		ErrCode *int `json:"errcode"`
		Code    *int `json:"code"`
	}
	if format == "Slack" || json.Unmarshal(body, &a) != nil {
		return dispatch.Result{Outcome: cadence.Sent} // Slack answers "ok" as plain text
	}
	code := a.ErrCode
	if format == "Feishu" {
		code = a.Code
	}
	if code == nil || *code == 0 {
		return dispatch.Result{Outcome: cadence.Sent}
	}
	msg := fmt.Sprintf("%s error %d", format, *code)
	switch *code {
	case 45009, 45033, 130101, 9499, 11232, 11233:
		// WeCom frequency limit / concurrency, DingTalk too fast, Feishu rate limits.
		return dispatch.Result{Outcome: cadence.Transient, Message: msg}
	}
	return dispatch.Result{Outcome: cadence.Permanent, Message: msg}
}

// postChat sends text to a chat-format webhook channel.
func (r *Router) postChat(ctx context.Context, ch *v1.Channel, creds Credentials, key, title, text string, a actions) dispatch.Result {
	u, err := r.chatURL(ch, creds)
	if err != nil {
		return dispatch.Result{Outcome: cadence.Permanent, Message: err.Error()}
	}
	body, err := r.chatBody(ch.Spec.Webhook.Format, title, text, creds, a)
	if err != nil {
		return dispatch.Result{Outcome: cadence.Permanent, Message: err.Error()}
	}
	status, answer, err := r.postJSON(ctx, ch, u, key, nil, body)
	if res := httpResult(status, err); res.Outcome != cadence.Sent {
		return res
	}
	return ChatAnswer(ch.Spec.Webhook.Format, answer)
}

// actions are the signed links a message about a lead carries: one per action on the
// touch, and the rep's queue page. Empty when links are not configured.
type actions struct {
	Buttons []actionlink.Button
	Queue   string
}

// linkLines renders the links as plain lines ("Connected: https://..."), which every
// chat tool turns into clickable links.
func (a actions) linkLines() string {
	var b strings.Builder
	for _, btn := range a.Buttons {
		fmt.Fprintf(&b, "\n%s: %s", btn.Label, btn.URL)
	}
	if a.Queue != "" {
		fmt.Fprintf(&b, "\nMy queue: %s", a.Queue)
	}
	return b.String()
}

// markdownLinks renders the links as one markdown line ([Connected](https://...) · ...).
func (a actions) markdownLinks() string {
	var parts []string
	for _, btn := range a.Buttons {
		parts = append(parts, "["+btn.Label+"]("+btn.URL+")")
	}
	if a.Queue != "" {
		parts = append(parts, "["+actionlink.Queue.Label()+"]("+a.Queue+")")
	}
	return strings.Join(parts, " · ")
}

// actionsFor signs the links for a message about touch on lead, addressed to owner.
func (r *Router) actionsFor(ctx context.Context, lead types.NamespacedName, touch, owner string) actions {
	b := r.links.BuilderFor(ctx, lead.Namespace) // the namespace's own key, else the platform's
	if !b.Enabled() {
		return actions{}
	}
	now := r.clock.Now()
	a := actions{Buttons: b.Buttons(lead.Namespace, lead.Name, touch, now)}
	if owner != "" {
		a.Queue = b.QueueURL(lead.Namespace, owner, now)
	}
	return a
}

// taskText tells a rep about a call task: the lead, the step, when it is due, and the
// rendered script. Contact details stay in the Lead (kubectl followup show): a chat tool
// is a third party, so only what the rendered script itself says goes there. With links
// configured, the rep records the outcome with a click; else with kubectl.
func taskText(d dispatch.Delivery, a actions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Call task for %s: lead %s/%s, step %s (touch %d), due %s.", d.Owner, d.Lead.Namespace, d.Lead.Name,
		d.Step, d.Number, d.Due.UTC().Format("2006-01-02 15:04 MST"))
	if d.Message.Subject != "" {
		fmt.Fprintf(&b, "\n%s", d.Message.Subject)
	}
	if d.Message.Body != "" {
		fmt.Fprintf(&b, "\n%s", d.Message.Body)
	}
	if len(a.Buttons) > 0 {
		b.WriteString("\nRecord what happened (each link asks before it records):")
		return b.String()
	}
	fmt.Fprintf(&b, "\nWhen done: kubectl followup record %s -n %s --call --connected|--no-answer --touch %s",
		d.Lead.Name, d.Lead.Namespace, d.Key)
	return b.String()
}

// noticeText is an escalation or hand-off notice; it carries no contact data.
func noticeText(n dispatch.Notice, a actions) string {
	s := fmt.Sprintf("[%s] lead %s/%s (owner %s): %s", n.Reason, n.Lead.Namespace, n.Lead.Name, n.Owner, n.Message)
	if len(a.Buttons) > 0 {
		s += "\nRecord what happened:"
	}
	return s
}

// ChatFormat converts a format name (tests, tools).
func ChatFormat(s string) v1.WebhookFormat { return v1.WebhookFormat(s) }
