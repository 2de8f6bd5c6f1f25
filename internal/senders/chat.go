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

// chatBody renders text in a chat tool's incoming-webhook JSON.
func (r *Router) chatBody(format v1.WebhookFormat, title, text string, creds Credentials) ([]byte, error) {
	switch format {
	case "Slack":
		return json.Marshal(map[string]any{"text": text})
	case "WeCom":
		return json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": text}})
	case "DingTalk":
		return json.Marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": title, "text": text}})
	case "Feishu":
		body := map[string]any{"msg_type": "text", "content": map[string]string{"text": text}}
		if secret := creds.get("signSecret"); secret != "" {
			ts := strconv.FormatInt(r.clock.Now().Unix(), 10)
			body["timestamp"], body["sign"] = ts, FeishuSign(ts, secret)
		}
		return json.Marshal(body)
	}
	return nil, fmt.Errorf("format %q is not a chat format", format)
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
func (r *Router) postChat(ctx context.Context, ch *v1.Channel, creds Credentials, key, title, text string) dispatch.Result {
	u, err := r.chatURL(ch, creds)
	if err != nil {
		return dispatch.Result{Outcome: cadence.Permanent, Message: err.Error()}
	}
	body, err := r.chatBody(ch.Spec.Webhook.Format, title, text, creds)
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

// actionsFor signs the links for a message about touch on lead, addressed to owner.
func (r *Router) actionsFor(lead types.NamespacedName, touch, owner string) actions {
	b := r.links.Builder()
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
		b.WriteString(a.linkLines())
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
		s += "\nRecord what happened:" + a.linkLines()
	}
	return s
}

// ChatFormat converts a format name (tests, tools).
func ChatFormat(s string) v1.WebhookFormat { return v1.WebhookFormat(s) }
