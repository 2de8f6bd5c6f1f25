package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MaxAfterSalesTouches bounds status.afterSales.touches (an after-sales policy has at
// most 20 steps, each sent once).
const MaxAfterSalesTouches = 20

// MaxAfterSalesOrders bounds status.afterSales.orders.
const MaxAfterSalesOrders = 20

// AfterSalesRef names the after-sales policy of a sales policy.
type AfterSalesRef struct {
	// policyRef is the FollowUpPolicy (in this namespace) a won lead follows after the
	// sale; its steps have triggers.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	PolicyRef string `json:"policyRef"`
}

// AfterSalesEvent is what an after-sales step waits for.
// +kubebuilder:validation:Enum=Won;Confirmed;Shipped;Delivered
type AfterSalesEvent string

// After-sales events. A return opened is no trigger: it hands the lead to its owner.
const (
	AfterSalesWon       AfterSalesEvent = "Won"
	AfterSalesConfirmed AfterSalesEvent = "Confirmed"
	AfterSalesShipped   AfterSalesEvent = "Shipped"
	AfterSalesDelivered AfterSalesEvent = "Delivered"
)

// StepTrigger is the event an after-sales step follows, and how long after it.
type StepTrigger struct {
	// event: Won (spec.outcome.at), or the first Confirmed, Shipped or Delivered event
	// of the lead's order (the order webhook, docs/inbound.md).
	Event AfterSalesEvent `json:"event"`

	// after is the delay after the event; the touch then waits for the customer's
	// business hours unless the step's sendWindow is Anytime. Unset: at once.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) >= duration('0s')",message="trigger.after must be a duration such as 168h"
	After *metav1.Duration `json:"after,omitempty"`
}

// AfterSalesPhase is where a lead's after-sales cadence stands.
// +kubebuilder:validation:Enum=Active;HandedOff;Finished;Blocked
type AfterSalesPhase string

// After-sales phases.
const (
	// AfterSalesActive: steps are waiting for their events or their time.
	AfterSalesActive AfterSalesPhase = "Active"
	// AfterSalesHandedOff: a reply, complaint or return handed the lead to its owner;
	// no automated after-sales step is sent any more.
	AfterSalesHandedOff AfterSalesPhase = "HandedOff"
	// AfterSalesFinished: every step was sent (or settled).
	AfterSalesFinished AfterSalesPhase = "Finished"
	// AfterSalesBlocked: the after-sales policy is missing or not ready (message says).
	AfterSalesBlocked AfterSalesPhase = "Blocked"
)

// AfterSalesHandOff is why the after-sales cadence handed the lead to its owner.
// +kubebuilder:validation:Enum=Replied;Complaint;ReturnOpened
type AfterSalesHandOff string

// Hand-off reasons.
const (
	HandOffReplied      AfterSalesHandOff = "Replied"
	HandOffComplaint    AfterSalesHandOff = "Complaint"
	HandOffReturnOpened AfterSalesHandOff = "ReturnOpened"
)

// AfterSalesStatus is a won lead's after-sales cadence.
type AfterSalesStatus struct {
	// policy is the after-sales FollowUpPolicy followed.
	// +kubebuilder:validation:MaxLength=253
	Policy string `json:"policy"`

	// phase: Active, HandedOff, Finished or Blocked.
	Phase AfterSalesPhase `json:"phase"`

	// message says why the cadence is blocked or how it ended; never customer data.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	Message string `json:"message,omitempty"`

	// order is the order the cadence follows: the first confirmed one (else the first
	// one an event named), with the carrier and tracking of its shipment.
	// +optional
	Order *OrderRef `json:"order,omitempty"`

	// confirmedAt, shippedAt and deliveredAt are the first such events of the order,
	// kept here so they outlive the compaction of status.interactions.
	// +optional
	ConfirmedAt *metav1.Time `json:"confirmedAt,omitempty"`
	// +optional
	ShippedAt *metav1.Time `json:"shippedAt,omitempty"`
	// +optional
	DeliveredAt *metav1.Time `json:"deliveredAt,omitempty"`

	// orders are the distinct order ids confirmed on the lead; a second one is a
	// repeat purchase.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MaxLength=64
	Orders []string `json:"orders,omitempty"`

	// nps is the customer's latest net-promoter score (0-10), npsAt when given.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10
	NPS *int32 `json:"nps,omitempty"`
	// +optional
	NPSAt *metav1.Time `json:"npsAt,omitempty"`

	// handedOffAt and handOffReason: when and why a reply, a complaint or an opened
	// return handed the lead to its owner.
	// +optional
	HandedOffAt *metav1.Time `json:"handedOffAt,omitempty"`
	// +optional
	HandOffReason AfterSalesHandOff `json:"handOffReason,omitempty"`

	// nextTouchAt is when the next after-sales step is due, when its event came.
	// +optional
	NextTouchAt *metav1.Time `json:"nextTouchAt,omitempty"`

	// touches are the after-sales touches, each step once, with keys of their own.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	Touches []TouchRecord `json:"touches,omitempty"`
}

// AfterSalesMeasures are a campaign's after-sales figures over the won leads of its
// window that followed an after-sales policy.
type AfterSalesMeasures struct {
	// leads are the won leads with an after-sales cadence.
	Leads int32 `json:"leads"`
	// nps is promoters (9-10) minus detractors (0-6), as a share of npsResponses,
	// times 100 (-100 to 100); npsResponses counts the leads that answered.
	// +optional
	NPS *int32 `json:"nps,omitempty"`
	// +optional
	NPSResponses int32 `json:"npsResponses,omitempty"`
	// repeatPurchaseRate is the share of leads with a confirmed order that confirmed
	// a second order id, as a decimal; repeatPurchases counts them.
	// +optional
	RepeatPurchaseRate string `json:"repeatPurchaseRate,omitempty"`
	// +optional
	RepeatPurchases int32 `json:"repeatPurchases,omitempty"`
	// medianTimeToAnswer is the median time from a customer's message after the sale
	// to our next answer (a rep's call or message, or an after-sales touch); answered
	// counts the messages that got one.
	// +optional
	MedianTimeToAnswer string `json:"medianTimeToAnswer,omitempty"`
	// +optional
	Answered int32 `json:"answered,omitempty"`
	// handedOff counts the leads a reply, complaint or return handed to their owner.
	// +optional
	HandedOff int32 `json:"handedOff,omitempty"`
}
