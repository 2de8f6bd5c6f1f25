package cadence

import (
	"strings"
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// ladderLead is a lead whose first touch keeps failing, so nobody makes contact, under
// a policy with the whole escalation ladder and a calendar clock (deadline 10:00).
func ladderLead(t *testing.T, chats map[string]string) (Input, Result) {
	t.Helper()
	p := industrial()
	p.FirstResponse[0].Clock = v1.ClockCalendar
	p.Escalation = &v1.Escalation{WarnBefore: dur("15m"), OnBreach: &v1.BreachAction{Notify: "lead-chat"}, ReassignAfter: dur("30m")}
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	l.Spec.Owner = ""
	in := input(l, p, at("2026-11-16T09:00:00Z"))
	in.Reps = Reps{Campaign: "cnc", Count: 2, Chat: chats, Pick: pickFrom("anna", "jonas")}
	res := decide(t, in)
	res = send(t, in, res, Transient, "HTTP 503")
	return in, res
}

// TestEscalationLadder: warning to the owner 15m before the deadline, the team lead at
// the breach, reassignment 30m after it; each rung once, each a notice in status.
func TestEscalationLadder(t *testing.T) {
	in, res := ladderLead(t, map[string]string{"anna": "anna-chat", "jonas": "lead-chat"})
	st := func() *v1.LeadStatus { return &in.Lead.Status }
	if !res.NextAt.Equal(at("2026-11-16T09:00:30Z")) {
		t.Fatalf("wake %s, want the retry", res.NextAt)
	}
	want := []struct {
		at        string
		reason    v1.NoticeReason
		recipient string
		channel   string
		owner     string
	}{
		{"2026-11-16T09:45:00Z", v1.NoticeSLAAtRisk, "anna", "anna-chat", "anna"},
		{"2026-11-16T10:00:00Z", v1.NoticeSLABreached, RecipientTeamLead, "lead-chat", "anna"},
		{"2026-11-16T10:30:00Z", v1.NoticeReassigned, "jonas", "lead-chat", "jonas"},
	}
	for i, w := range want {
		// The retries in between change nothing on the ladder.
		for !res.NextAt.IsZero() && res.NextAt.Before(at(w.at)) {
			in.Now = res.NextAt
			if res = decide(t, in); res.Touch != nil {
				res = send(t, in, res, Transient, "HTTP 503")
			}
		}
		in.Now = at(w.at)
		res = decide(t, in)
		if len(res.Notices) != 1 {
			t.Fatalf("rung %d at %s: %d notices due: %+v", i+1, w.at, len(res.Notices), st().Notices)
		}
		n := res.Notices[0]
		if n.Reason != w.reason || n.Recipient != w.recipient || n.Channel != w.channel || res.Status.Owner != w.owner {
			t.Errorf("rung %d: %s to %s via %s, owner %s", i+1, n.Reason, n.Recipient, n.Channel, res.Status.Owner)
		}
		if res.Touch != nil {
			res = send(t, in, res, Transient, "HTTP 503")
		} else {
			res = send(t, in, res, Sent, "")
		}
	}
	fr := st().FirstResponse
	if !fr.Warned || !fr.Escalated || !fr.Reassigned || len(st().Notices) != 3 {
		t.Errorf("rungs %+v, notices %d", fr, len(st().Notices))
	}
	for _, n := range st().Notices {
		if n.Result != v1.NoticeSent || n.SentAt == nil {
			t.Errorf("notice %s not recorded as sent: %+v", n.Reason, n)
		}
	}
}

// TestNoticeWithNoChannelSaysSo: a hand-off whose owner has no chat channel anywhere is
// recorded as a failed notice with the reason, and the lead's Delivering condition says
// so; it is never reported as told.
func TestNoticeWithNoChannelSaysSo(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	in := input(l, industrial(), at("2026-11-16T09:00:00Z"))
	res := send(t, in, decide(t, in), Sent, "")
	l.Status.Interactions = append(l.Status.Interactions, *ReplyAt(at("2026-11-16T09:30:00Z"), 3))
	in.Now = at("2026-11-16T09:31:00Z")
	res = decide(t, in)
	if res.Status.Phase != v1.PhaseHandedOff || len(res.Status.Notices) != 1 {
		t.Fatalf("phase %s notices %+v", res.Status.Phase, res.Status.Notices)
	}
	n := res.Status.Notices[0]
	if n.Result != v1.NoticeFailed || !strings.Contains(n.Message, "no channel reaches anna") || len(res.Notices) != 0 {
		t.Errorf("notice %+v, due %d", n, len(res.Notices))
	}
	if c := cond(res.Status, v1.ConditionDelivering); c != "False/NoticeUndeliverable" {
		t.Errorf("Delivering = %s", c)
	}

	// With the policy's hand-over channel it goes there, once.
	p := industrial()
	p.HandToHuman.Notify = "lead-chat"
	l.Spec.Interactions, l.Status = l.Status.Interactions, v1.LeadStatus{}
	in = input(l, p, at("2026-11-16T09:31:00Z"))
	res = decide(t, in)
	if len(res.Notices) != 1 || res.Notices[0].Channel != "lead-chat" || res.Notices[0].Reason != v1.NoticeHandedToHuman {
		t.Fatalf("due notices %+v", res.Notices)
	}
}

// TestNoticeRetriesThenFails: a notice to a failing channel backs off and, after
// MaxNoticeAttempts, is failed; the list stays within its bound.
func TestNoticeRetriesThenFails(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	p := industrial()
	p.HandToHuman.Notify = "lead-chat"
	l.Status.Interactions = append(l.Status.Interactions, *ReplyAt(at("2026-11-16T08:59:00Z"), 3))
	in := input(l, p, at("2026-11-16T09:00:00Z"))
	res := decide(t, in)
	key := res.Notices[0].Key
	for i := 1; i <= MaxNoticeAttempts; i++ {
		if len(res.Notices) != 1 {
			t.Fatalf("attempt %d: not due (wake %s)", i, res.NextAt)
		}
		ApplyNoticeOutcome(&l.Status, key, Transient, "HTTP 502", in.Now)
		res = decide(t, in)
		if i < MaxNoticeAttempts {
			if len(res.Notices) != 0 {
				t.Fatalf("attempt %d: resent at once", i)
			}
			in.Now = res.NextAt
			res = decide(t, in)
		}
	}
	if n := l.Status.Notices[0]; n.Result != v1.NoticeFailed || n.Attempts != MaxNoticeAttempts {
		t.Errorf("after %d attempts: %+v", MaxNoticeAttempts, n)
	}

	for i := 0; i < 30; i++ {
		l.Status.Notices = append(l.Status.Notices, v1.NoticeRecord{Key: strings.Repeat("k", i+1), Result: v1.NoticeSent})
	}
	boundNotices(&l.Status)
	if len(l.Status.Notices) != v1.MaxNoticeRecords {
		t.Errorf("%d notices kept, want %d", len(l.Status.Notices), v1.MaxNoticeRecords)
	}
	_ = time.Second
}
