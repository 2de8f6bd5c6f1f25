package senders_test

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/senders"
)

// TestFailuresNeverCarrySecretsOrContactData sends through every channel type against
// receivers that fail, and checks that neither Result.Message nor the observer's error
// class holds a Secret value, a URL token, the contact's data or the message text.
func TestFailuresNeverCarrySecretsOrContactData(t *testing.T) {
	failing := newServer(t, func(request) (int, string) {
		return 400, `{"error":{"message":"bad hanna@example.pl","code":100},"errcode":1}`
	})
	var cs channels
	cs.add(webhook("crm", failing.URL+"/x?token=URLTOKEN", "JSON"), map[string]string{"signingKey": "SIGNKEY"})
	cs.add(webhook("ding", failing.URL+"/robot/send", "DingTalk"), map[string]string{"accessToken": "DINGTOKEN", "signSecret": "DINGSECRET"})
	cs.add(webhook("slack", "http://127.0.0.1:1/hooks", "Slack"), map[string]string{"url": failing.URL + "/services/SLACKTOKEN"})
	cs.add(&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "wa"}, Spec: v1.ChannelSpec{Type: v1.ChannelWhatsApp,
		WhatsApp: &v1.WhatsAppChannel{PhoneNumberID: "1099", APIBase: failing.URL}, RateLimit: v1.RateLimit{PerMinute: 6000}}},
		map[string]string{"accessToken": "WATOKEN"})
	cs.add(smtpChannel(1, "None"), map[string]string{"username": "SMTPUSER", "password": "SMTPPASS"})
	obs := &observations{}
	r := senders.NewRouter(&cs, obs)

	var messages []string
	for _, name := range []string{"crm", "ding", "slack", "wa", "email", "missing"} {
		res := r.Dispatch(context.Background(), delivery(name))
		if res.Outcome == cadence.Sent {
			t.Errorf("%s: sent through a failing receiver", name)
		}
		messages = append(messages, res.Message)
	}
	messages = append(messages, obs.list()...)
	t.Logf("messages: %q", messages)
	forbidden := []string{"URLTOKEN", "SIGNKEY", "DINGTOKEN", "DINGSECRET", "SLACKTOKEN", "WATOKEN", "SMTPUSER", "SMTPPASS",
		"hanna", "Hanna", "Kowalczyk", "48501234567", "catalog.", "127.0.0.1"}
	for _, m := range messages {
		for _, f := range forbidden {
			if strings.Contains(m, f) {
				t.Errorf("%q carries %q", m, f)
			}
		}
	}
}

// TestTaskChannelAssignsEvenWithoutTheTaskFlag: a touch routed to a Task channel is a
// task for the owner, told through the channel's notify chat.
func TestTaskChannelAssignsEvenWithoutTheTaskFlag(t *testing.T) {
	chat := newServer(t, func(request) (int, string) { return 200, `{"errcode":0,"errmsg":"ok"}` })
	var cs channels
	cs.add(webhook("wecom", chat.URL+"/cgi-bin/webhook/send", "WeCom"), map[string]string{"key": "WECOMKEY"})
	cs.add(&v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: "rep-tasks"}, Spec: v1.ChannelSpec{Type: v1.ChannelTask,
		Task: &v1.TaskChannel{Notify: "wecom"}}}, nil)
	res := senders.NewRouter(&cs, nil).Dispatch(context.Background(), delivery("rep-tasks"))
	if res.Outcome != cadence.TaskAssigned || res.Message != "task for anna" {
		t.Fatalf("%+v", res)
	}
	reqs := chat.requests()
	if len(reqs) != 1 || reqs[0].Query != "key=WECOMKEY" || !strings.Contains(string(reqs[0].Body), `"msgtype":"markdown"`) {
		t.Fatalf("chat requests %+v", reqs)
	}
	if strings.Contains(string(reqs[0].Body), "hanna@example.pl") {
		t.Error("the task message carries the contact's email")
	}
}
