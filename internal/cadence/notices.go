package cadence

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// RecipientTeamLead addresses a notice to the team lead (escalation.onBreach.notify).
const RecipientTeamLead = "team-lead"

// MaxNoticeAttempts is how many transient failures a notice gets before it is Failed.
const MaxNoticeAttempts = 8

// notifyOwner records a notice to the lead's owner through the owner's channel.
func (t *transition) notifyOwner(reason v1.NoticeReason, subject, msg string) {
	owner := t.st.Owner
	n := t.notice(reason, subject, owner, t.ownerChannel(owner, ""), msg)
	switch {
	case owner == "":
		n.Recipient, n.Result, n.Message = "owner", v1.NoticeFailed, "the lead has no owner to tell: "+msg
	case n.Channel == "":
		n.Result = v1.NoticeFailed
		n.Message = "no channel reaches " + owner + ": give the rep a chat channel in the campaign (spec.reps[].chat) or set the policy's handToHuman.notify"
	}
	t.addNotice(n)
}

// notifyTeamLead records a notice to the team lead's channel.
func (t *transition) notifyTeamLead(reason v1.NoticeReason, subject, msg string) {
	var ch string
	if e := t.in.Policy.Escalation; e != nil && e.OnBreach != nil {
		ch = e.OnBreach.Notify
	}
	n := t.notice(reason, subject, RecipientTeamLead, ch, msg)
	if ch == "" {
		n.Result, n.Message = v1.NoticeFailed, "no team-lead channel to escalate to: set the policy's escalation.onBreach.notify"
	}
	t.addNotice(n)
}

func (t *transition) notice(reason v1.NoticeReason, subject, recipient, channel, msg string) v1.NoticeRecord {
	return v1.NoticeRecord{Key: noticeKey(string(t.in.Lead.UID), reason, subject), Reason: reason, Recipient: recipient,
		Channel: channel, CreatedAt: metav1.NewTime(t.now), Result: v1.NoticePending, Message: truncate(msg, 512)}
}

// addNotice appends a notice unless one with its key exists: each rung once.
func (t *transition) addNotice(n v1.NoticeRecord) {
	for _, have := range t.st.Notices {
		if have.Key == n.Key {
			return
		}
	}
	t.st.Notices = append(t.st.Notices, n)
}

// dueNotices are the pending notices to send now; later retries wake the lead.
func (t *transition) dueNotices() []v1.NoticeRecord {
	var due []v1.NoticeRecord
	for _, n := range t.st.Notices {
		switch {
		case n.Result != v1.NoticePending || t.inFlight(n.Key):
		case n.NextAttemptAt != nil && t.now.Before(n.NextAttemptAt.Time):
			t.at(n.NextAttemptAt.Time)
		default:
			due = append(due, n)
		}
	}
	return due
}

// boundNotices keeps status.notices within its bound, dropping the oldest settled ones.
func boundNotices(st *v1.LeadStatus) {
	for len(st.Notices) > v1.MaxNoticeRecords {
		drop := 0
		for i, n := range st.Notices {
			if n.Result != v1.NoticePending {
				drop = i
				break
			}
		}
		st.Notices = append(st.Notices[:drop:drop], st.Notices[drop+1:]...)
	}
}

// ApplyNoticeOutcome records what sending a notice came to. It reports whether the
// notice was found.
func ApplyNoticeOutcome(st *v1.LeadStatus, key string, o Outcome, message string, now time.Time) bool {
	for i := range st.Notices {
		n := &st.Notices[i]
		if n.Key != key {
			continue
		}
		if n.Result != v1.NoticePending {
			return true
		}
		switch o {
		case Sent:
			n.Result, n.SentAt, n.NextAttemptAt = v1.NoticeSent, metaTime(now), nil
		case Transient, Deferred:
			n.Attempts++
			if n.Attempts < MaxNoticeAttempts {
				n.NextAttemptAt = metaTime(now.Add(Backoff(n.Attempts)))
				n.Message = truncate("retrying: "+message, 512)
				return true
			}
			fallthrough
		default:
			n.Result, n.NextAttemptAt, n.Message = v1.NoticeFailed, nil, truncate(message, 512)
		}
		return true
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
