package cadence

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// afterSalesPolicy is the seeds' after-sales loop, in Berlin business hours.
func afterSalesPolicy() *v1.FollowUpPolicySpec {
	trig := func(ev v1.AfterSalesEvent, after string) *v1.StepTrigger {
		tr := &v1.StepTrigger{Event: ev}
		if after != "" {
			tr.After = dur(after)
		}
		return tr
	}
	step := func(name string, tr *v1.StepTrigger) v1.Step {
		return v1.Step{Name: name, Channel: "email", Template: name, PerformedBy: v1.PerformedByAutomation, Trigger: tr}
	}
	return &v1.FollowUpPolicySpec{
		Schedule: v1.Schedule{TimeZone: "Europe/Berlin",
			BusinessHours: v1.BusinessHours{Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri"}, From: "09:00", To: "18:00"}},
		Steps: []v1.Step{
			step("order-confirmation", trig(v1.AfterSalesWon, "")),
			step("shipped", trig(v1.AfterSalesShipped, "")),
			step("delivered", trig(v1.AfterSalesDelivered, "")),
			step("feedback-request", trig(v1.AfterSalesDelivered, "168h")),
			step("nps-request", trig(v1.AfterSalesDelivered, "336h")),
			step("repeat-purchase", trig(v1.AfterSalesDelivered, "2160h")),
		},
	}
}

// wonLead is a lead won at wonAt (Berlin), its sales cadence long over.
func wonLead(wonAt time.Time) *v1.Lead {
	l := lead("Europe/Berlin", "standard", "2026-10-01T08:00:00Z")
	l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon, At: metav1.NewTime(wonAt)}
	return l
}

func afterSalesInput(l *v1.Lead, now time.Time) Input {
	in := input(l, industrial(), now)
	in.AfterSales = &AfterSalesInput{Name: "after-sales", Policy: afterSalesPolicy(), Revision: "a"}
	in.Reps = Reps{Campaign: "c", Count: 1, Chat: map[string]string{"anna": "anna-chat"}}
	return in
}

// orderEvent records an order event on the lead as the edge would (folded in).
func orderEvent(l *v1.Lead, kind v1.InteractionKind, when time.Time, order string) {
	e := v1.InteractionEntry{At: metav1.NewTime(when), Kind: kind, ID: "order:" + string(kind) + order + when.String(),
		By: "order-webhook", Order: &v1.OrderRef{ID: order}}
	if kind == v1.InteractionOrderShipped {
		e.Order.Carrier, e.Order.Tracking = "DHL", "00340434161094042557"
	}
	l.Status.Interactions = append(l.Status.Interactions, e)
}

// sentTouch is an after-sales touch that went out, and when.
type sentTouch struct {
	step, key string
	at        time.Time
}

// driveAfterSales runs the lead from `from` to `until`, waking at each NextAt and
// sending every due touch successfully; events are recorded when the clock reaches them.
func driveAfterSales(t *testing.T, l *v1.Lead, from, until time.Time, events map[time.Time]func()) []sentTouch {
	t.Helper()
	var sent []sentTouch
	now := from
	for i := 0; i < 200 && !now.After(until); i++ {
		for when, record := range events {
			if !when.After(now) {
				record()
				delete(events, when)
			}
		}
		in := afterSalesInput(l, now)
		res := decide(t, in)
		if res.Touch != nil {
			if !res.Touch.AfterSales {
				t.Fatalf("a won lead got a sales touch: %+v", res.Touch.Record)
			}
			sent = append(sent, sentTouch{res.Touch.Record.Step, res.Touch.Record.Key, now})
			send(t, in, res, Sent, "")
			continue // the next due step at the same instant
		}
		next := res.NextAt
		for when := range events {
			if when.After(now) && (next.IsZero() || when.Before(next)) {
				next = when
			}
		}
		if next.IsZero() {
			break
		}
		now = next
	}
	return sent
}

func steps(sent []sentTouch) []string {
	var out []string
	for _, s := range sent {
		out = append(out, s.step)
	}
	return out
}

func TestWonLeadGetsTheOrderConfirmation(t *testing.T) {
	won := at("2026-11-24T10:00:00Z") // Tuesday 11:00 in Berlin
	l := wonLead(won)
	l.Status.Touches = []v1.TouchRecord{{Number: 1, Step: "introduce", Key: Key("uid-1", "r", 0, 1), Result: v1.TouchSent,
		Due: metav1.NewTime(at("2026-10-01T08:00:00Z")), PerformedAt: ptr.To(metav1.NewTime(at("2026-10-01T08:00:00Z")))}}
	in := afterSalesInput(l, won)
	res := decide(t, in)
	if res.Touch == nil || res.Touch.Record.Step != "order-confirmation" || !res.Touch.AfterSales {
		t.Fatalf("want the order confirmation at the win, got %+v", res.Touch)
	}
	key := res.Touch.Record.Key
	if key != AfterSalesKey("uid-1", "after-sales", "order-confirmation") || key == l.Status.Touches[0].Key {
		t.Fatalf("after-sales key %s must be its own, not a sales key", key)
	}
	as := l.Status.AfterSales
	if l.Status.Phase != v1.PhaseWon || as == nil || as.Phase != v1.AfterSalesActive || as.Touches[0].Result != v1.TouchPending {
		t.Fatalf("want phase Won with the intent in status.afterSales, got %s %+v", l.Status.Phase, as)
	}
	res = send(t, in, res, Sent, "")
	if res.Touch != nil {
		t.Fatalf("nothing else is due without an order event, got %s", res.Touch.Record.Step)
	}
	if as := l.Status.AfterSales; as.Touches[0].Result != v1.TouchSent || as.NextTouchAt != nil || !res.NextAt.IsZero() {
		t.Fatalf("want the confirmation sent and nothing scheduled, got %+v next %v", as, res.NextAt)
	}
	if got := l.Status.Stage; got != "won, after-sales (1 sent)" {
		t.Fatalf("stage %q", got)
	}
}

func TestFeedbackAWeekAfterDeliveryInBusinessHours(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	// Delivered on Friday 2026-11-20 at 17:00 in Berlin (16:00Z): the feedback request
	// is due 168h later, Friday 27 at 17:00, inside the customer's hours.
	delivered := at("2026-11-20T16:00:00Z")
	events := map[time.Time]func(){
		at("2026-11-02T10:00:00Z"): func() { orderEvent(l, v1.InteractionOrderConfirmed, at("2026-11-02T10:00:00Z"), "SO-1") },
		at("2026-11-18T07:00:00Z"): func() { orderEvent(l, v1.InteractionOrderShipped, at("2026-11-18T07:00:00Z"), "SO-1") },
		delivered:                  func() { orderEvent(l, v1.InteractionOrderDelivered, delivered, "SO-1") },
	}
	sent := driveAfterSales(t, l, won, at("2026-12-10T00:00:00Z"), events)
	byStep := map[string]time.Time{}
	for _, s := range sent {
		byStep[s.step] = s.at
	}
	if got, want := byStep["feedback-request"], at("2026-11-27T16:00:00Z"); !got.Equal(want) {
		t.Fatalf("feedback request at %v, want %v (Friday 17:00 Berlin); sent %v", got, want, steps(sent))
	}
	// The shipment notice went out when shipped, at 08:00 Berlin -> 09:00, the start of the day.
	if got, want := byStep["shipped"], at("2026-11-18T08:00:00Z"); !got.Equal(want) {
		t.Fatalf("shipped notice at %v, want %v", got, want)
	}
	// The NPS request 336h after Friday 17:00 is Friday 2026-12-04 17:00.
	if got, want := byStep["nps-request"], at("2026-12-04T16:00:00Z"); !got.Equal(want) {
		t.Fatalf("nps request at %v, want %v", got, want)
	}
	if o := l.Status.AfterSales.Order; o == nil || o.ID != "SO-1" || o.Carrier != "DHL" || o.Tracking != "00340434161094042557" {
		t.Fatalf("order %+v", o)
	}
}

func TestAStepWaitsForBusinessHours(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	// Delivered on Saturday 2026-11-21 11:00 Berlin: 168h later is a Saturday again, so
	// the feedback request waits for Monday 09:00.
	delivered := at("2026-11-21T10:00:00Z")
	events := map[time.Time]func(){delivered: func() { orderEvent(l, v1.InteractionOrderDelivered, delivered, "SO-1") }}
	sent := driveAfterSales(t, l, won, at("2026-12-01T00:00:00Z"), events)
	for _, s := range sent {
		if s.step == "feedback-request" {
			if want := at("2026-11-30T08:00:00Z"); !s.at.Equal(want) {
				t.Fatalf("feedback at %v, want Monday 09:00 Berlin %v", s.at, want)
			}
			return
		}
	}
	t.Fatalf("no feedback request: %v", steps(sent))
}

func TestNoDeliveryNoFeedback(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	events := map[time.Time]func(){
		at("2026-11-03T09:00:00Z"): func() { orderEvent(l, v1.InteractionOrderShipped, at("2026-11-03T09:00:00Z"), "SO-1") },
	}
	sent := driveAfterSales(t, l, won, at("2027-06-01T00:00:00Z"), events)
	if got := steps(sent); len(got) != 2 || got[0] != "order-confirmation" || got[1] != "shipped" {
		t.Fatalf("want only the confirmation and the shipment notice without a delivery, got %v", got)
	}
	if as := l.Status.AfterSales; as.Phase != v1.AfterSalesActive || as.NextTouchAt != nil {
		t.Fatalf("want Active waiting for the delivery, got %+v", as)
	}
}

func TestComplaintHandsOffAndStopsTheSteps(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	complaint := at("2026-11-04T12:00:00Z")
	events := map[time.Time]func(){
		at("2026-11-03T09:00:00Z"): func() { orderEvent(l, v1.InteractionOrderShipped, at("2026-11-03T09:00:00Z"), "SO-1") },
		complaint: func() {
			l.Status.Interactions = append(l.Status.Interactions, v1.InteractionEntry{At: metav1.NewTime(complaint),
				Kind: v1.InteractionReply, Direction: v1.Inbound, Complaint: true, ID: "mail-1"})
		},
		at("2026-11-05T09:00:00Z"): func() { orderEvent(l, v1.InteractionOrderDelivered, at("2026-11-05T09:00:00Z"), "SO-1") },
	}
	sent := driveAfterSales(t, l, won, at("2027-06-01T00:00:00Z"), events)
	if got := steps(sent); len(got) != 2 {
		t.Fatalf("no automated step after the complaint, got %v", got)
	}
	as := l.Status.AfterSales
	if as.Phase != v1.AfterSalesHandedOff || as.HandOffReason != v1.HandOffComplaint || !as.HandedOffAt.Time.Equal(complaint) {
		t.Fatalf("want handed off for a complaint, got %+v", as)
	}
	var notices int
	for _, n := range l.Status.Notices {
		if n.Reason == v1.NoticeHandedToHuman && n.Recipient == "anna" {
			notices++
		}
	}
	if notices != 1 || l.Status.Stage != "won, after-sales handed-off (Complaint)" {
		t.Fatalf("want one hand-off notice to the owner, got %d, stage %q", notices, l.Status.Stage)
	}
}

func TestReturnOpenedHandsOffAndSkipsAPendingTouch(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	in := afterSalesInput(l, won)
	res := decide(t, in)
	if res.Touch == nil {
		t.Fatal("want the confirmation due")
	}
	// Crash before the send: the return opens before the touch was ever sent.
	orderEvent(l, v1.InteractionReturnOpened, won.Add(time.Minute), "SO-1")
	res = decide(t, afterSalesInput(l, won.Add(2*time.Minute)))
	as := l.Status.AfterSales
	if res.Touch != nil || as.Phase != v1.AfterSalesHandedOff || as.HandOffReason != v1.HandOffReturnOpened || as.Touches[0].Result != v1.TouchSkipped {
		t.Fatalf("want the pending confirmation skipped and the lead handed off, got touch %v, %+v", res.Touch, as)
	}
}

func TestCrashBeforeTheOutcomeResendsWithTheSameKey(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	first := decide(t, afterSalesInput(l, won))
	if first.Touch == nil {
		t.Fatal("want the confirmation due")
	}
	// The intent is written, the send happened, the operator died before the outcome.
	in := afterSalesInput(l, won.Add(time.Minute))
	in.InFlight = func(key string) bool { return key == first.Touch.Record.Key }
	if res := decide(t, in); res.Touch != nil {
		t.Fatalf("a touch in flight is not sent again: %+v", res.Touch)
	}
	again := decide(t, afterSalesInput(l, won.Add(2*time.Minute))) // restarted: nothing in flight
	if again.Touch == nil || !again.Touch.Retry || again.Touch.Record.Key != first.Touch.Record.Key {
		t.Fatalf("want a resend with key %s, got %+v", first.Touch.Record.Key, again.Touch)
	}
	if n := len(l.Status.AfterSales.Touches); n != 1 {
		t.Fatalf("one intent, got %d", n)
	}
}

func TestStaleStepsAreSkippedNotSentLate(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	res := decide(t, afterSalesInput(l, won.Add(10*24*time.Hour))) // the policy named ten days after the sale
	if res.Touch != nil {
		t.Fatalf("a confirmation ten days late is not sent: %+v", res.Touch.Record)
	}
	if tr := l.Status.AfterSales.Touches; len(tr) != 1 || tr[0].Result != v1.TouchSkipped {
		t.Fatalf("want the confirmation recorded as skipped, got %+v", tr)
	}
}

func TestRepeatOrdersAndNPSAreRecorded(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	orderEvent(l, v1.InteractionOrderConfirmed, won, "SO-1")
	orderEvent(l, v1.InteractionOrderConfirmed, won.Add(time.Hour), "SO-1") // the same order again
	orderEvent(l, v1.InteractionOrderConfirmed, won.Add(40*24*time.Hour), "SO-2")
	l.Status.Interactions = append(l.Status.Interactions,
		v1.InteractionEntry{At: metav1.NewTime(won.Add(20 * 24 * time.Hour)), Kind: v1.InteractionNPSResponse, Score: ptr.To[int32](6)},
		v1.InteractionEntry{At: metav1.NewTime(won.Add(30 * 24 * time.Hour)), Kind: v1.InteractionNPSResponse, Score: ptr.To[int32](9)})
	decide(t, afterSalesInput(l, won.Add(41*24*time.Hour)))
	as := l.Status.AfterSales
	if len(as.Orders) != 2 || as.Order.ID != "SO-1" || as.NPS == nil || *as.NPS != 9 {
		t.Fatalf("want orders SO-1, SO-2 following SO-1 and the latest score 9, got %+v", as)
	}
	if as.Phase == v1.AfterSalesHandedOff {
		t.Fatal("an NPS score is not a reply")
	}
}

func TestMissingAfterSalesPolicyBlocksOnlyTheAfterSales(t *testing.T) {
	l := wonLead(at("2026-11-02T09:00:00Z"))
	in := input(l, industrial(), at("2026-11-02T09:00:00Z"))
	in.AfterSales = &AfterSalesInput{Name: "after-sales", Problem: `policy "after-sales" not found`}
	decide(t, in)
	if l.Status.Phase != v1.PhaseWon || l.Status.AfterSales.Phase != v1.AfterSalesBlocked || l.Status.Stage != "won, after-sales blocked" {
		t.Fatalf("got %s %+v", l.Status.Phase, l.Status.AfterSales)
	}
}

func TestAfterSalesTransitionsAreAnnounced(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	in := afterSalesInput(l, won)
	res := decide(t, in)
	before := l.Status.DeepCopy()
	send(t, in, res, Sent, "")
	e := Announce(before, &l.Status)
	if e == nil || e.Reason != v1.EventAfterSalesTouch || e.Message != "after-sales step order-confirmation sent via email" {
		t.Fatalf("send: %+v", e)
	}
	before = l.Status.DeepCopy()
	l.Status.Interactions = append(l.Status.Interactions, v1.InteractionEntry{At: metav1.NewTime(won.Add(time.Hour)),
		Kind: v1.InteractionReply, Complaint: true})
	decide(t, afterSalesInput(l, won.Add(time.Hour)))
	e = Announce(before, &l.Status)
	if e == nil || e.Reason != v1.EventAfterSalesHandedOff || e.Message != "after the sale: Complaint; the owner anna takes over, automated after-sales steps stopped" {
		t.Fatalf("hand-off: %+v", e)
	}
}

func TestUnnamingTheAfterSalesPolicyEndsIt(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	decide(t, afterSalesInput(l, won)) // the confirmation's intent is recorded
	in := input(l, industrial(), won.Add(time.Minute))
	in.Reps = Reps{Chat: map[string]string{"anna": "anna-chat"}}
	if res := decide(t, in); res.Touch != nil {
		t.Fatalf("a touch without an after-sales policy: %+v", res.Touch.Record)
	}
	as := l.Status.AfterSales
	if as.Phase != v1.AfterSalesFinished || as.Touches[0].Result != v1.TouchSkipped || l.Status.Stage != "won, after-sales finished" {
		t.Fatalf("got %+v, stage %q", as, l.Status.Stage)
	}
}

// TestAfterSalesWhatsAppStepWaitsForItsTemplate: an after-sales step on WhatsApp whose
// template Meta paused makes no intent; the lead says which template holds it, and
// the step goes out once the template is approved again.
func TestAfterSalesWhatsAppStepWaitsForItsTemplate(t *testing.T) {
	won := at("2026-11-24T10:00:00Z") // Tuesday 11:00 in Berlin
	l := wonLead(won)
	in := afterSalesInput(l, won)
	in.AfterSales.Policy.Steps[0].Channel = "whatsapp"
	in.AfterSales.Policy.Steps[0].WhatsAppTemplate = &v1.WhatsAppTemplate{Name: "confirm_v1", Language: "de"}
	in.Channels = whatsAppWith(v1.WhatsAppTemplateState{Name: "confirm_v1", Language: "de", Status: "PAUSED"})
	if res := decide(t, in); res.Touch != nil {
		t.Fatalf("a held after-sales step made a touch: %+v", res.Touch.Record)
	}
	if as := l.Status.AfterSales; as == nil || len(as.Touches) != 0 {
		t.Fatalf("no intent while held: %+v", as)
	}
	if c := delivering(l.Status); c == nil || c.Reason != v1.ReasonTemplateHeld || !strings.Contains(c.Message, "order-confirmation") {
		t.Errorf("Delivering %+v: want the hold named", c)
	}
	in.Now = won.Add(2 * time.Hour)
	in.Channels = whatsAppWith(v1.WhatsAppTemplateState{Name: "confirm_v1", Language: "de", Status: "APPROVED"})
	res := decide(t, in)
	if res.Touch == nil || res.Touch.Record.Step != "order-confirmation" || res.Touch.Record.Channel != "whatsapp" {
		t.Fatalf("released: want the confirmation on WhatsApp, got %+v", res.Touch)
	}
}

// TestUnnamedWhileInFlightSkipsTheIntentAfterACrash: the after-sales policy is un-named
// while the confirmation is on the wire and the operator then dies before the outcome:
// once nothing is in flight, the intent is skipped, never left pending.
func TestUnnamedWhileInFlightSkipsTheIntentAfterACrash(t *testing.T) {
	won := at("2026-11-02T09:00:00Z")
	l := wonLead(won)
	first := decide(t, afterSalesInput(l, won))
	if first.Touch == nil {
		t.Fatal("want the confirmation due")
	}
	in := input(l, industrial(), won.Add(time.Minute))
	in.Reps = Reps{Chat: map[string]string{"anna": "anna-chat"}}
	in.InFlight = func(key string) bool { return key == first.Touch.Record.Key }
	decide(t, in)
	if r := l.Status.AfterSales.Touches[0].Result; r != v1.TouchPending {
		t.Fatalf("in flight: the intent stays as it is, got %s", r)
	}
	in.InFlight, in.Now = nil, won.Add(2*time.Minute) // restarted: nothing in flight
	decide(t, in)
	if r := l.Status.AfterSales.Touches[0].Result; r != v1.TouchSkipped {
		t.Fatalf("after the crash the intent must be skipped, got %s", r)
	}
}
