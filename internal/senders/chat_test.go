package senders_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/types"
	testingclock "k8s.io/utils/clock/testing"

	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/dispatch"
	"github.com/followup-io/followup-operator/internal/senders"
)

func noticeFor(ch string) dispatch.Notice {
	return dispatch.Notice{Lead: types.NamespacedName{Namespace: "sales", Name: "acme"}, Channel: ch, Owner: "anna",
		Reason: "SLABreached", Message: "no contact by the deadline"}
}

// TestChatFormats: each chat tool gets its documented body; DingTalk and Feishu
// signatures verify with the documented algorithm; WeCom and DingTalk get their keys.
func TestChatFormats(t *testing.T) {
	srv := newServer(t, nil)
	clk := testingclock.NewFakeClock(due)
	var cs channels
	cs.add(webhook("slack", srv.URL+"/slack", "Slack"), map[string]string{"url": srv.URL + "/slack-from-secret"})
	cs.add(webhook("wecom", srv.URL+"/cgi-bin/webhook/send", "WeCom"), map[string]string{"url-key": "WECOMKEY"})
	cs.chs["wecom"].Spec.CredentialsRef = nil
	cs.add(webhook("dingtalk", srv.URL+"/robot/send", "DingTalk"), map[string]string{"accessToken": "DTTOKEN", "signSecret": "SECdt"})
	cs.add(webhook("feishu", srv.URL+"/open-apis/bot/v2/hook/abc", "Feishu"), map[string]string{"signSecret": "SECfs"})
	r := senders.NewRouter(&cs, nil, senders.WithClock(clk))
	for _, name := range []string{"slack", "wecom", "dingtalk", "feishu"} {
		if res := r.Notify(context.Background(), noticeFor(name)); res.Outcome != cadence.Sent {
			t.Fatalf("%s: %+v", name, res)
		}
	}
	reqs := srv.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests", len(reqs))
	}
	decode := func(b []byte) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if reqs[0].Path != "/slack-from-secret" || !strings.Contains(decode(reqs[0].Body)["text"].(string), "SLABreached") {
		t.Errorf("slack: %s %s", reqs[0].Path, reqs[0].Body)
	}
	if m := decode(reqs[1].Body); m["msgtype"] != "markdown" || reqs[1].Path != "/cgi-bin/webhook/send" {
		t.Errorf("wecom: %s %s", reqs[1].Path, reqs[1].Body)
	}
	dq, _ := url.ParseQuery(reqs[2].Query)
	if dq.Get("access_token") != "DTTOKEN" || dq.Get("timestamp") != "1794819600000" ||
		// base64(HMAC-SHA256(secret, "timestamp\nsecret")) as DingTalk documents it, computed
		// outside the code under test.
		dq.Get("sign") != "Ybbjda/Pf4Fjs6mZenYw3MqRLTrwUFoseWHYFjSqX5s=" {
		t.Errorf("dingtalk query %s", reqs[2].Query)
	}
	if m := decode(reqs[2].Body); m["msgtype"] != "markdown" || m["markdown"].(map[string]any)["title"] != "SLABreached" {
		t.Errorf("dingtalk body %s", reqs[2].Body)
	}
	fm := decode(reqs[3].Body)
	if fm["msg_type"] != "text" || fm["timestamp"] != "1794819600" || fm["sign"] != "aalDkanfynCz6Wkh63V9gY4+kj8Ojl6ZmbkaPpzlLCc=" { // Feishu's documented HMAC, computed outside the code
		t.Errorf("feishu body %s", reqs[3].Body)
	}
	// The documented algorithms, computed here independently of the helpers under test.
	mac := hmac.New(sha256.New, []byte("SECdt"))
	mac.Write([]byte("1794819600000\nSECdt"))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); dq.Get("sign") != want {
		t.Errorf("dingtalk sign %s, want %s", dq.Get("sign"), want)
	}
	mac = hmac.New(sha256.New, []byte("1794819600\nSECfs"))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); fm["sign"] != want {
		t.Errorf("feishu sign %v, want %s", fm["sign"], want)
	}
}

// TestChatErrorCodesIn200Answers: WeCom, DingTalk and Feishu report errors in a 200.
func TestChatErrorCodesIn200Answers(t *testing.T) {
	cases := []struct {
		format, body string
		outcome      cadence.Outcome
	}{
		{"WeCom", `{"errcode":0,"errmsg":"ok"}`, cadence.Sent},
		{"WeCom", `{"errcode":45009,"errmsg":"api freq out of limit"}`, cadence.Transient},
		{"WeCom", `{"errcode":93000,"errmsg":"invalid webhook url"}`, cadence.Permanent},
		{"DingTalk", `{"errcode":130101,"errmsg":"send too fast"}`, cadence.Transient},
		{"DingTalk", `{"errcode":310000,"errmsg":"sign not match"}`, cadence.Permanent},
		{"Feishu", `{"code":0,"msg":"success"}`, cadence.Sent},
		{"Feishu", `{"code":19021,"msg":"sign match fail"}`, cadence.Permanent},
		{"Feishu", `{"code":11232,"msg":"frequency limited"}`, cadence.Transient},
		{"Slack", `ok`, cadence.Sent},
	}
	for _, c := range cases {
		srv := newServer(t, func(request) (int, string) { return 200, c.body })
		var cs channels
		cs.add(webhook("chat", srv.URL, senders.ChatFormat(c.format)), nil)
		notified := senders.NewRouter(&cs, nil).Notify(context.Background(), noticeFor("chat"))
		res := senders.ChatAnswer(senders.ChatFormat(c.format), []byte(c.body))
		if res.Outcome != c.outcome || notified.Outcome != c.outcome {
			t.Errorf("%s %s: %+v, notify %+v; want %s", c.format, c.body, res, notified, c.outcome)
		}
	}
}

func FuzzChatAnswer(f *testing.F) {
	for _, s := range []string{`{"errcode":0}`, `{"code":1}`, `ok`, `{"errcode":"x"}`, `[]`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, format := range []string{"WeCom", "DingTalk", "Feishu", "Slack"} {
			res := senders.ChatAnswer(senders.ChatFormat(format), []byte(body))
			if res.Outcome != cadence.Sent && res.Outcome != cadence.Transient && res.Outcome != cadence.Permanent {
				t.Fatalf("outcome %q", res.Outcome)
			}
		}
	})
}
