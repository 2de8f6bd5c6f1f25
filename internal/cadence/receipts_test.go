package cadence

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestReceiptsAreReceipts: receipts come in with whatever direction the sender chose (a
// CRM posts bounces as "Outbound"); they are counted, a bounce stops the cadence, and
// none of them is a touch or moves first contact.
func TestReceiptsAreReceipts(t *testing.T) {
	submitted := "2026-11-21T10:00:00Z" // Saturday: the first touch waits for Monday
	for _, dir := range []v1.Direction{v1.Outbound, v1.Inbound, ""} {
		l := lead("Europe/Berlin", "high", submitted)
		l.Status.Interactions = []v1.InteractionEntry{
			{ID: "d1", At: metav1.NewTime(at("2026-11-21T10:05:00Z")), Kind: v1.InteractionDelivered, Direction: dir},
			{ID: "r1", At: metav1.NewTime(at("2025-11-21T10:05:00Z")), Kind: v1.InteractionRead, Direction: dir}, // a year back
			{ID: "f1", At: metav1.NewTime(at("2026-11-21T10:06:00Z")), Kind: v1.InteractionDeliveryFailed, Direction: dir},
		}
		res := decide(t, input(l, industrial(), at("2026-11-21T12:00:00Z")))
		fr := res.Status.FirstResponse
		if fr.ContactedAt != nil || fr.State != v1.SLAPending {
			t.Errorf("direction %q: receipts moved first contact: %+v", dir, fr)
		}
		if en := res.Status.Engagement; en.Delivered != 1 || en.Read != 1 || en.Replies != 0 {
			t.Errorf("direction %q: engagement %+v, want 1 delivered, 1 read", dir, en)
		}
		if res.Status.Phase != v1.PhaseInCadence {
			t.Errorf("direction %q: phase %s", dir, res.Status.Phase)
		}

		// A bounce posted by a CRM stops the cadence like `kubectl followup record --bounce`.
		l.Status.Interactions = append(l.Status.Interactions,
			v1.InteractionEntry{ID: "b1", At: metav1.NewTime(at("2026-11-21T12:30:00Z")), Kind: v1.InteractionBounced, Direction: dir})
		res = decide(t, input(l, industrial(), at("2026-11-23T08:00:00Z")))
		if res.Status.Phase != v1.PhaseStopped || res.Status.Stage != "stopped: bounced" || res.Touch != nil {
			t.Errorf("direction %q: after a bounce: phase %s stage %q touch %v", dir, res.Status.Phase, res.Status.Stage, res.Touch)
		}
		if res.Status.FirstResponse.ContactedAt != nil {
			t.Errorf("direction %q: a bounce is not contact", dir)
		}
	}
}

// TestMessageSentByARepIsContact: a message a rep sent from their CRM counts as first
// contact and closes an open task.
func TestMessageSentByARepIsContact(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-21T10:00:00Z")
	l.Status.Interactions = []v1.InteractionEntry{{ID: "m1", At: metav1.NewTime(at("2026-11-21T10:30:00Z")), Kind: v1.InteractionMessageSent}}
	res := decide(t, input(l, industrial(), at("2026-11-21T12:00:00Z")))
	if fr := res.Status.FirstResponse; fr.State != v1.SLAMet || fr.Summary != "Met (30m)" {
		t.Errorf("SLA %s %q", fr.State, fr.Summary)
	}
}

// TestSkippedTouchThatWentOutIsRecordedAsSent: a reply arrives while touch 2 is on the
// wire. The cadence stops, but the touch is not marked skipped while in flight, and its
// outcome is recorded as sent when it comes back.
func TestSkippedTouchThatWentOutIsRecordedAsSent(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	now := at("2026-11-16T09:00:00Z")
	in := input(l, industrial(), now)
	res := decide(t, in)
	key := res.Touch.Record.Key
	in.InFlight = func(k string) bool { return k == key }
	l.Status.Interactions = []v1.InteractionEntry{*ReplyAt(now.Add(time.Second), 1)}
	in.Now = now.Add(2 * time.Second)
	res = decide(t, in)
	if got := l.Status.Touches[0].Result; got != v1.TouchPending || res.Status.Phase != v1.PhaseStopped {
		t.Fatalf("in flight: result %s phase %s", got, res.Status.Phase)
	}
	if c := cond(res.Status, v1.ConditionReconciling); c != "True/TouchInFlight" {
		t.Errorf("Reconciling = %s while the touch is on the wire", c)
	}
	in.InFlight = nil
	ApplyTouchOutcome(&l.Status, TouchOutcome{Key: key, Outcome: Sent, MessageID: "wamid.X"}, in.Now)
	res = decide(t, in)
	if tr := l.Status.Touches[0]; tr.Result != v1.TouchSent || tr.MessageID != "wamid.X" {
		t.Errorf("touch = %+v, want sent with its message id", tr)
	}
	if c := cond(res.Status, v1.ConditionReconciling); c != "<none>" {
		t.Errorf("Reconciling = %s after the outcome", c)
	}

	// A touch skipped while not in flight stays skipped when a late failure arrives.
	l.Status.Touches[0].Result = v1.TouchSkipped
	ApplyTouchOutcome(&l.Status, TouchOutcome{Key: key, Outcome: Transient, Message: "HTTP 503"}, in.Now)
	if got := l.Status.Touches[0].Result; got != v1.TouchSkipped {
		t.Errorf("a failed send of a skipped touch made it %s", got)
	}
}
