package cadence

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// AfterSalesInput is the after-sales policy a won lead follows (its sales policy's
// spec.afterSales), as the caller resolved it.
type AfterSalesInput struct {
	Name     string
	Policy   *v1.FollowUpPolicySpec // nil with Problem set
	Revision string
	// Problem says why the policy cannot be followed (missing, not ready): the
	// after-sales cadence is Blocked with it, the sale itself is not.
	Problem string
}

// AfterSalesStale is how late an after-sales step may still go out: a step whose due
// time passed longer ago than this when it is first planned (a policy named long after
// the sale, an operator down for days) is skipped, so no one gets "your order is
// confirmed" a month after delivery.
const AfterSalesStale = 72 * time.Hour

// AfterSalesBlockedRetry is when a lead whose after-sales policy is missing or not
// ready looks again.
const AfterSalesBlockedRetry = time.Minute

// afterSales runs a won lead's after-sales cadence and returns the touch due now. Its
// steps are triggered by order events (or the win), each sent once; a reply, a
// complaint or an opened return hands the lead to its owner and ends the automated
// steps.
func (t *transition) afterSales() *Touch {
	in, st := t.in.AfterSales, t.st
	if in == nil {
		if as := st.AfterSales; as != nil {
			// The sales policy no longer names an after-sales policy: what was planned
			// ends. Run on every pass, not only the first: an intent that was in flight
			// then and never settled (a crash) is skipped once it is no longer in flight.
			t.skipAfterSales(as, "the policy no longer names an after-sales policy")
			if as.Phase != v1.AfterSalesHandedOff && as.Phase != v1.AfterSalesFinished {
				as.Phase, as.NextTouchAt = v1.AfterSalesFinished, nil
				as.Message = "the policy no longer names an after-sales policy"
			}
		}
		return nil
	}
	as := st.AfterSales
	if as == nil || as.Policy != in.Name {
		as = &v1.AfterSalesStatus{Policy: in.Name, Phase: v1.AfterSalesActive}
		if old := st.AfterSales; old != nil { // the policy was renamed: the order and its story stay
			as.Touches, as.Order, as.Orders, as.NPS, as.NPSAt = old.Touches, old.Order, old.Orders, old.NPS, old.NPSAt
			as.ConfirmedAt, as.ShippedAt, as.DeliveredAt = old.ConfirmedAt, old.ShippedAt, old.DeliveredAt
			as.HandedOffAt, as.HandOffReason = old.HandedOffAt, old.HandOffReason
		}
		st.AfterSales = as
	}
	as.NextTouchAt = nil
	if in.Policy == nil {
		as.Phase, as.Message = v1.AfterSalesBlocked, truncate(in.Problem, 512)
		t.at(t.now.Add(AfterSalesBlockedRetry)) // the policy may be created or fixed
		return nil
	}
	as.Message = ""
	wonAt := t.in.Lead.Spec.Outcome.At.Time
	t.readOrderEvents(as, wonAt)
	closeTasks(as.Touches, t.entries)
	if as.HandedOffAt != nil {
		as.Phase = v1.AfterSalesHandedOff
		t.skipAfterSales(as, "handed to the owner: "+string(as.HandOffReason))
		return nil
	}
	customer, err := CustomerSchedule(in.Policy.Schedule, t.in.Lead.Spec.Contact.TimeZone)
	if err != nil {
		as.Phase, as.Message = v1.AfterSalesBlocked, "after-sales policy "+in.Name+": "+err.Error()
		return nil
	}
	as.Phase = v1.AfterSalesActive
	if touch, waiting := t.afterSalesOpen(as, in.Policy, customer); touch != nil || waiting {
		return touch
	}
	events := map[v1.AfterSalesEvent]*metav1.Time{v1.AfterSalesWon: metaTime(wonAt), v1.AfterSalesConfirmed: as.ConfirmedAt,
		v1.AfterSalesShipped: as.ShippedAt, v1.AfterSalesDelivered: as.DeliveredAt}
	// A step skipped as stale or failed at once lets the next one be planned: a
	// bounded number of passes.
	for pass := 0; pass <= len(in.Policy.Steps); pass++ {
		next, due, left := nextAfterSalesStep(in.Policy.Steps, as, events, customer)
		switch {
		case left == 0:
			as.Phase = v1.AfterSalesFinished
			return nil
		case next == nil:
			return nil // waiting for an order event
		}
		as.NextTouchAt = metaTime(due)
		if due.After(t.now) {
			t.at(due)
			return nil
		}
		as.NextTouchAt = nil
		rec := v1.TouchRecord{Number: 1, Step: next.Name, Template: next.Template,
			Due: metav1.NewTime(due), Result: v1.TouchPending, PerformedBy: v1.PerformedByAutomation,
			Key: AfterSalesKey(string(t.in.Lead.UID), in.Name, next.Name)}
		if n := len(as.Touches); n > 0 {
			rec.Number = as.Touches[n-1].Number + 1
		}
		if t.now.Sub(due) > AfterSalesStale {
			rec.Result = v1.TouchSkipped
			rec.Message = fmt.Sprintf("due %s, more than %s before the after-sales cadence could send it", due.UTC().Format(time.RFC3339), AfterSalesStale)
			as.Touches = append(as.Touches, rec)
			continue
		}
		if t.templateHold(*next, "", nil) {
			// No intent while Meta holds its WhatsApp template; released within
			// AfterSalesStale it goes out, later it is skipped as stale.
			return nil
		}
		chooseVariant(&rec, *next, string(t.in.Lead.UID))
		chooseLanguage(&rec, in.Policy, t.in.Lead)
		as.Touches = append(as.Touches, rec)
		if touch := t.retry(&as.Touches[len(as.Touches)-1], *next); touch != nil {
			touch.Retry, touch.AfterSales = false, true
			return t.awaitSendTime(&as.Touches[len(as.Touches)-1], touch, &as.NextTouchAt, sendHours(*next, customer))
		}
	}
	return nil
}

// nextAfterSalesStep is the earliest-due step not yet recorded whose event came, with
// its due time (moved into the customer's hours unless the step says Anytime), and how
// many steps are left unrecorded.
func nextAfterSalesStep(steps []v1.Step, as *v1.AfterSalesStatus, events map[v1.AfterSalesEvent]*metav1.Time, customer *Schedule) (*v1.Step, time.Time, int) {
	var next *v1.Step
	var nextDue time.Time
	left := 0
	for i := range steps {
		step := &steps[i]
		if afterSalesRecord(as, step.Name) != nil {
			continue
		}
		left++
		ev, delay := v1.AfterSalesWon, time.Duration(0)
		if tr := step.Trigger; tr != nil {
			ev = tr.Event
			if tr.After != nil {
				delay = tr.After.Duration
			}
		}
		at := events[ev]
		if at == nil {
			continue // its event has not come: never sent without it
		}
		due := at.Add(delay)
		if step.SendWindow != v1.SendAnytime {
			due = customer.Next(due)
		}
		if next == nil || due.Before(nextDue) {
			next, nextDue = step, due
		}
	}
	return next, nextDue, left
}

// afterSalesOpen handles an after-sales touch whose intent is recorded and not
// settled: it is in flight, waits for a retry, or is sent again with its key inside
// the after-sales policy's hours for the customer (customer). waiting
// says that nothing else is planned meanwhile: one after-sales touch at a time.
func (t *transition) afterSalesOpen(as *v1.AfterSalesStatus, p *v1.FollowUpPolicySpec, customer *Schedule) (touch *Touch, waiting bool) {
	for i := range as.Touches {
		rec := &as.Touches[i]
		switch rec.Result {
		case v1.TouchPending:
		case v1.TouchTaskAssigned:
			continue // a task stays open until the rep records it; the cadence goes on
		default:
			continue
		}
		as.NextTouchAt = metaTime(rec.Due.Time)
		if t.inFlight(rec.Key) {
			return nil, true
		}
		if at := rec.NextAttemptAt; at != nil && t.now.Before(at.Time) {
			as.NextTouchAt = metaTime(at.Time)
			t.at(at.Time)
			t.queued = rec.Message == SlotMessage
			return nil, true
		}
		step := stepOr(p.Steps, stepIndex(p.Steps, rec.Step, 0), rec.Step)
		if t.templateHold(step, rec.Channel, rec.FailedChannels) {
			return nil, true // held with its key until Meta approves the template again
		}
		if touch := t.retry(rec, step); touch != nil {
			touch.AfterSales = true
			return t.awaitSendTime(rec, touch, &as.NextTouchAt, sendHours(step, customer)), true
		}
	}
	return nil, false
}

// readOrderEvents records on the after-sales status what the lead's interactions say
// since the sale: the order followed and its first confirmation, shipment and delivery,
// the orders confirmed, the latest NPS score, and the first reply, complaint or
// opened return, which hands the lead to its owner (once, with a notice). Events of
// other orders than the one followed count only as orders.
func (t *transition) readOrderEvents(as *v1.AfterSalesStatus, wonAt time.Time) {
	for i := range t.entries {
		e := &t.entries[i]
		at := e.At.Time
		if o := e.Order; o != nil && o.ID != "" {
			if e.Kind == v1.InteractionOrderConfirmed {
				addOrder(as, o.ID)
			}
			if as.Order == nil || (as.ConfirmedAt == nil && e.Kind == v1.InteractionOrderConfirmed && as.Order.ID != o.ID && as.ShippedAt == nil && as.DeliveredAt == nil) {
				as.Order = &v1.OrderRef{ID: o.ID}
			}
			if as.Order.ID == o.ID {
				switch e.Kind {
				case v1.InteractionOrderConfirmed:
					as.ConfirmedAt = earliest(as.ConfirmedAt, at)
				case v1.InteractionOrderShipped:
					as.ShippedAt = earliest(as.ShippedAt, at)
					if o.Carrier != "" || o.Tracking != "" {
						as.Order.Carrier, as.Order.Tracking = o.Carrier, o.Tracking
					}
				case v1.InteractionOrderDelivered:
					as.DeliveredAt = earliest(as.DeliveredAt, at)
				}
			}
		}
		switch e.Kind {
		case v1.InteractionNPSResponse:
			if e.Score != nil && (as.NPSAt == nil || !at.Before(as.NPSAt.Time)) {
				score := *e.Score
				as.NPS, as.NPSAt = &score, metaTime(at)
			}
		case v1.InteractionReply:
			if !at.Before(wonAt) {
				reason := v1.HandOffReplied
				if e.Complaint {
					reason = v1.HandOffComplaint
				}
				t.handOffAfterSales(as, at, reason)
			}
		case v1.InteractionReturnOpened:
			t.handOffAfterSales(as, at, v1.HandOffReturnOpened)
		}
	}
}

// handOffAfterSales hands the lead to its owner once, at the first such event.
func (t *transition) handOffAfterSales(as *v1.AfterSalesStatus, at time.Time, reason v1.AfterSalesHandOff) {
	if as.HandedOffAt != nil {
		return
	}
	as.HandedOffAt, as.HandOffReason = metaTime(at), reason
	what := map[v1.AfterSalesHandOff]string{v1.HandOffReplied: "the customer wrote after the sale",
		v1.HandOffComplaint: "the customer complained after the sale", v1.HandOffReturnOpened: "the customer opened a return"}[reason]
	t.notifyOwner(v1.NoticeHandedToHuman, "aftersales-handoff", what+": answer them now (automated after-sales steps stopped)")
}

// skipAfterSales marks the after-sales touches never confirmed as skipped; one whose
// send is under way keeps its intent.
func (t *transition) skipAfterSales(as *v1.AfterSalesStatus, why string) {
	for i := range as.Touches {
		tr := &as.Touches[i]
		if tr.Result == v1.TouchPending && !t.inFlight(tr.Key) {
			tr.Result, tr.Message, tr.NextAttemptAt = v1.TouchSkipped, why, nil
		}
	}
}

func addOrder(as *v1.AfterSalesStatus, id string) {
	for _, have := range as.Orders {
		if have == id {
			return
		}
	}
	if len(as.Orders) < v1.MaxAfterSalesOrders {
		as.Orders = append(as.Orders, id)
	}
}

func afterSalesRecord(as *v1.AfterSalesStatus, step string) *v1.TouchRecord {
	for i := range as.Touches {
		if as.Touches[i].Step == step {
			return &as.Touches[i]
		}
	}
	return nil
}

// afterSalesStage is the stage of a won lead in its after-sales cadence.
func afterSalesStage(as *v1.AfterSalesStatus) string {
	switch as.Phase {
	case v1.AfterSalesHandedOff:
		return "won, after-sales handed-off (" + string(as.HandOffReason) + ")"
	case v1.AfterSalesFinished:
		return "won, after-sales finished"
	case v1.AfterSalesBlocked:
		return "won, after-sales blocked"
	}
	sent := 0
	for _, tr := range as.Touches {
		if performed(tr) {
			sent++
		}
	}
	return fmt.Sprintf("won, after-sales (%d sent)", sent)
}

// AfterSalesKey is the idempotency key of an after-sales touch: one per lead, policy
// and step, never equal to a sales touch's key (those hash a round and a number).
func AfterSalesKey(leadUID, policy, step string) string {
	return hash(fmt.Sprintf("%s/aftersales/%s/%s", leadUID, policy, step))
}
