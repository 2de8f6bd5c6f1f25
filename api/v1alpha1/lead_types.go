package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MaxInteractions bounds spec.interactions; MaxTouchRecords bounds status.touches.
const (
	MaxInteractions = 200
	MaxTouchRecords = 40
)

// LeadSpec is one prospect and what is known of it.
// +kubebuilder:validation:XValidation:rule="has(self.policy) || has(self.source.campaign)",message="a lead needs spec.policy or spec.source.campaign (whose policy it then follows)"
type LeadSpec struct {
	// contact is who to reach and where.
	Contact Contact `json:"contact"`

	// source is where the lead came from.
	// +optional
	// +kubebuilder:default={}
	Source LeadSource `json:"source,omitempty"`

	// tier picks the first-response deadline from the policy (high, standard...).
	// +optional
	// +kubebuilder:default=standard
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="tier must be a lowercase name such as high or standard"
	Tier string `json:"tier,omitempty"`

	// product the lead asked about; templates read it as {{ .Product }}.
	// +optional
	// +kubebuilder:validation:MaxLength=200
	Product string `json:"product,omitempty"`

	// value is the estimated deal value.
	// +optional
	Value *Money `json:"value,omitempty"`

	// owner is the rep responsible for the lead. Unset: the controller assigns one of
	// the campaign's reps and records it in status.owner.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Owner string `json:"owner,omitempty"`

	// policy is the FollowUpPolicy (in this namespace) the lead follows. Unset: the
	// campaign's policy.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Policy string `json:"policy,omitempty"`

	// suspend pauses the cadence: nothing is sent while true.
	// +optional
	Suspend bool `json:"suspend,omitempty"`

	// vars override template variables declared by the policy's templates.
	// +optional
	// +kubebuilder:validation:MaxProperties=20
	Vars map[string]string `json:"vars,omitempty"`

	// interactions is the append-only record of what happened with the customer:
	// replies, calls, receipts, bounces. Entries are never changed or removed.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=200
	// +kubebuilder:validation:XValidation:rule="size(self) >= size(oldSelf) && oldSelf.all(i, i in self)",message="interactions are append-only: recorded entries cannot be changed or removed"
	Interactions []Interaction `json:"interactions,omitempty"`

	// outcome closes the lead as won or lost.
	// +optional
	Outcome *Outcome `json:"outcome,omitempty"`
}

// Contact is the person behind a lead and the ways to reach them.
// +kubebuilder:validation:XValidation:rule="has(self.email) || has(self.phone) || has(self.whatsapp) || has(self.linkedin)",message="a lead needs at least one way to reach the contact: email, phone, whatsapp or linkedin"
type Contact struct {
	// name of the contact person.
	// +optional
	// +kubebuilder:validation:MaxLength=200
	Name string `json:"name,omitempty"`

	// company the contact works for.
	// +optional
	// +kubebuilder:validation:MaxLength=200
	Company string `json:"company,omitempty"`

	// email address.
	// +optional
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:XValidation:rule="self.matches('^[^@\\\\s]+@[^@\\\\s]+[.][^@\\\\s]+$')",message="email must be an address such as name@example.com"
	Email string `json:"email,omitempty"`

	// phone number in E.164 form (+4930123456).
	// +optional
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:XValidation:rule="self.matches('^[+][1-9][0-9]{6,14}$')",message="phone must be in E.164 form, such as +4930123456"
	Phone string `json:"phone,omitempty"`

	// whatsapp number in E.164 form.
	// +optional
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:XValidation:rule="self.matches('^[+][1-9][0-9]{6,14}$')",message="whatsapp must be a number in E.164 form, such as +48501234567"
	WhatsApp string `json:"whatsapp,omitempty"`

	// linkedin profile URL.
	// +optional
	// +kubebuilder:validation:MaxLength=300
	// +kubebuilder:validation:XValidation:rule="self.startsWith('https://')",message="linkedin must be a profile URL starting with https://"
	LinkedIn string `json:"linkedin,omitempty"`

	// country as an ISO 3166-1 alpha-2 code.
	// +optional
	// +kubebuilder:validation:MaxLength=2
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Z]{2}$')",message="country must be a two-letter ISO 3166 code such as PL"
	Country string `json:"country,omitempty"`

	// timeZone is the contact's IANA time zone (Europe/Warsaw); business hours apply
	// there. Unset: the policy's time zone.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	TimeZone string `json:"timeZone,omitempty"`
}

// LeadSource says where a lead came from.
type LeadSource struct {
	// campaign is the Campaign (in this namespace) the lead belongs to.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Campaign string `json:"campaign,omitempty"`
	// +optional
	// +kubebuilder:validation:MaxLength=100
	AdGroup string `json:"adGroup,omitempty"`
	// +optional
	// +kubebuilder:validation:MaxLength=200
	Keyword string `json:"keyword,omitempty"`
	// region is the market region (eu, na, sea...).
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Region string `json:"region,omitempty"`
	// form is the web or ad form the lead was submitted through.
	// +optional
	// +kubebuilder:validation:MaxLength=200
	Form string `json:"form,omitempty"`
	// externalID is the lead's id at its source (a Google Ads lead id), used to make
	// intake idempotent.
	// +optional
	// +kubebuilder:validation:MaxLength=200
	ExternalID string `json:"externalID,omitempty"`
	// submittedAt starts the first-response clock. Unset: the lead's creation time.
	// +optional
	SubmittedAt *metav1.Time `json:"submittedAt,omitempty"`
}

// InteractionKind is what happened.
// +kubebuilder:validation:Enum=Reply;CallConnected;CallNoAnswer;Delivered;Read;DeliveryFailed;Bounced;Unsubscribed;MeetingBooked;Note
type InteractionKind string

// Interaction kinds.
const (
	InteractionReply          InteractionKind = "Reply"
	InteractionCallConnected  InteractionKind = "CallConnected"
	InteractionCallNoAnswer   InteractionKind = "CallNoAnswer"
	InteractionDelivered      InteractionKind = "Delivered"
	InteractionRead           InteractionKind = "Read"
	InteractionDeliveryFailed InteractionKind = "DeliveryFailed"
	InteractionBounced        InteractionKind = "Bounced"
	InteractionUnsubscribed   InteractionKind = "Unsubscribed"
	InteractionMeetingBooked  InteractionKind = "MeetingBooked"
	InteractionNote           InteractionKind = "Note"
)

// Medium is the way an interaction travelled.
// +kubebuilder:validation:Enum=Email;Phone;WhatsApp;LinkedIn;Chat;Meeting;Web;Other
type Medium string

// Direction says who started an interaction.
// +kubebuilder:validation:Enum=Inbound;Outbound
type Direction string

// Directions.
const (
	Inbound  Direction = "Inbound"
	Outbound Direction = "Outbound"
)

// Interaction is one recorded event with the customer. It holds no message text.
// +kubebuilder:validation:XValidation:rule="!has(self.quality) || self.kind == 'Reply'",message="quality is only set on a Reply"
type Interaction struct {
	// at is when it happened.
	At metav1.Time `json:"at"`
	// kind of interaction.
	Kind InteractionKind `json:"kind"`
	// medium it travelled through.
	// +optional
	Medium Medium `json:"medium,omitempty"`
	// direction: Inbound (from the customer) or Outbound.
	// +optional
	Direction Direction `json:"direction,omitempty"`
	// quality of a reply: 1 polite, 2 information exchange, 3 action.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3
	Quality *int32 `json:"quality,omitempty"`
	// handToHuman marks a reply that asked for a human (a buying keyword was seen by
	// whoever recorded it); the message text itself is never stored.
	// +optional
	HandToHuman bool `json:"handToHuman,omitempty"`
	// touchKey ties a receipt to the touch it is about.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	TouchKey string `json:"touchKey,omitempty"`
	// id is the source's id for the event, used to record it once.
	// +optional
	// +kubebuilder:validation:MaxLength=200
	ID string `json:"id,omitempty"`
	// by is who or what recorded it (a rep, the whatsapp webhook...).
	// +optional
	// +kubebuilder:validation:MaxLength=63
	By string `json:"by,omitempty"`
}

// OutcomeResult is how a lead closed.
// +kubebuilder:validation:Enum=Won;Lost
type OutcomeResult string

// Outcome results.
const (
	OutcomeWon  OutcomeResult = "Won"
	OutcomeLost OutcomeResult = "Lost"
)

// Outcome closes a lead.
// +kubebuilder:validation:XValidation:rule="self.result == 'Won' || !has(self.value)",message="only a won lead has a value"
type Outcome struct {
	// result is Won or Lost.
	Result OutcomeResult `json:"result"`
	// value of the order, for a won lead.
	// +optional
	Value *Money `json:"value,omitempty"`
	// reason a lead was lost (price, timing, competitor...).
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Reason string `json:"reason,omitempty"`
	// at is when it closed.
	At metav1.Time `json:"at"`
}

// TouchResult is where a touch stands.
// +kubebuilder:validation:Enum=Pending;Sent;Failed;TaskAssigned;Done;Skipped
type TouchResult string

// Touch results.
const (
	// TouchPending is the recorded intent: about to be sent with its key.
	TouchPending TouchResult = "Pending"
	// TouchSent is an automated send that succeeded.
	TouchSent TouchResult = "Sent"
	// TouchFailed is a send that failed permanently on every channel.
	TouchFailed TouchResult = "Failed"
	// TouchTaskAssigned is a human touch waiting for the rep's recorded outcome.
	TouchTaskAssigned TouchResult = "TaskAssigned"
	// TouchDone is a human touch whose outcome the rep recorded.
	TouchDone TouchResult = "Done"
	// TouchSkipped is a touch not made because the cadence stopped first.
	TouchSkipped TouchResult = "Skipped"
)

// TouchRecord is one touch of a lead's cadence.
type TouchRecord struct {
	// number counts touches from 1.
	Number int32 `json:"number"`
	// step is the policy step name.
	Step string `json:"step"`
	// channel it went (or goes) through.
	// +optional
	Channel string `json:"channel,omitempty"`
	// template used.
	// +optional
	Template string `json:"template,omitempty"`
	// due is when the touch was due.
	Due metav1.Time `json:"due"`
	// performedAt is when it was sent or done.
	// +optional
	PerformedAt *metav1.Time `json:"performedAt,omitempty"`
	// result of the touch.
	Result TouchResult `json:"result"`
	// attempts made so far.
	// +optional
	Attempts int32 `json:"attempts,omitempty"`
	// nextAttemptAt is when a failed send is retried (backoff kept across restarts).
	// +optional
	NextAttemptAt *metav1.Time `json:"nextAttemptAt,omitempty"`
	// key is the idempotency key sent with the touch.
	Key string `json:"key"`
	// round is 0 for the cadence and n for the n-th reactivation.
	// +optional
	Round int32 `json:"round,omitempty"`
	// performedBy is Owner when the touch is a task for the rep.
	// +optional
	PerformedBy PerformedBy `json:"performedBy,omitempty"`
	// failedChannels were tried for this touch and failed permanently (or cannot reach
	// the contact); the next fallback is used.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=5
	FailedChannels []string `json:"failedChannels,omitempty"`
	// message explains the result (an error class, never customer data).
	// +optional
	Message string `json:"message,omitempty"`
}

// SLAState is the first-response SLA state.
// +kubebuilder:validation:Enum=Pending;Met;Breached
type SLAState string

// SLA states.
const (
	SLAPending  SLAState = "Pending"
	SLAMet      SLAState = "Met"
	SLABreached SLAState = "Breached"
)

// FirstResponseStatus is the first-response SLA of a lead.
type FirstResponseStatus struct {
	// deadline for the first response.
	// +optional
	Deadline *metav1.Time `json:"deadline,omitempty"`
	// contactedAt is the time of first contact (first performed touch or first reply).
	// +optional
	ContactedAt *metav1.Time `json:"contactedAt,omitempty"`
	// state: Pending, Met or Breached.
	// +optional
	State SLAState `json:"state,omitempty"`
	// summary for people: "Met (14m)", "Breached (+5m)".
	// +optional
	Summary string `json:"summary,omitempty"`
	// warned is set once the deadline warning was given.
	// +optional
	Warned bool `json:"warned,omitempty"`
	// escalated is set once the breach escalation ran.
	// +optional
	Escalated bool `json:"escalated,omitempty"`
}

// Engagement sums up what the customer did.
type Engagement struct {
	// +optional
	Replies int32 `json:"replies,omitempty"`
	// turns is the number of customer-to-us exchanges (a reply after our message).
	// +optional
	Turns int32 `json:"turns,omitempty"`
	// bestQuality is the highest reply quality seen (1-3).
	// +optional
	BestQuality int32 `json:"bestQuality,omitempty"`
	// customerInitiated is true when the customer wrote before our first touch.
	// +optional
	CustomerInitiated bool `json:"customerInitiated,omitempty"`
	// +optional
	Delivered int32 `json:"delivered,omitempty"`
	// +optional
	Read int32 `json:"read,omitempty"`
	// +optional
	LastReplyAt *metav1.Time `json:"lastReplyAt,omitempty"`
}

// LeadStatus is the observed state of a lead's follow-up.
type LeadStatus struct {
	// observedGeneration is the generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready, Reconciling, Stalled, FirstResponseSLA, Engaged, Dormant, Closed.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// stage for people: "2/3 send-catalog", "dormant", "handed-off", "won".
	// +optional
	Stage string `json:"stage,omitempty"`

	// policy and stepsRevision the cadence currently follows.
	// +optional
	Policy string `json:"policy,omitempty"`
	// +optional
	StepsRevision string `json:"stepsRevision,omitempty"`

	// owner is the rep assigned to the lead (spec.owner when set).
	// +optional
	Owner string `json:"owner,omitempty"`

	// touches is the bounded record of each touch, oldest first.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=40
	Touches []TouchRecord `json:"touches,omitempty"`

	// nextTouchAt is when the next touch is due.
	// +optional
	NextTouchAt *metav1.Time `json:"nextTouchAt,omitempty"`

	// firstResponse is the first-response SLA.
	// +optional
	FirstResponse FirstResponseStatus `json:"firstResponse,omitempty"`

	// engagement figures from the recorded interactions.
	// +optional
	Engagement Engagement `json:"engagement,omitempty"`

	// dormantSince is when the lead went dormant; reactivations counts attempts made.
	// +optional
	DormantSince *metav1.Time `json:"dormantSince,omitempty"`
	// +optional
	Reactivations int32 `json:"reactivations,omitempty"`

	// handedOffAt is when a reply handed the lead to its owner (automated touches stop).
	// +optional
	HandedOffAt *metav1.Time `json:"handedOffAt,omitempty"`
}

// Lead is one prospect followed up under a FollowUpPolicy.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=ld,categories=followup
// +kubebuilder:printcolumn:name="Stage",type=string,JSONPath=`.status.stage`
// +kubebuilder:printcolumn:name="Next Touch",type=string,JSONPath=`.status.nextTouchAt`
// +kubebuilder:printcolumn:name="First Response",type=string,JSONPath=`.status.firstResponse.summary`
// +kubebuilder:printcolumn:name="Owner",type=string,JSONPath=`.status.owner`
// +kubebuilder:printcolumn:name="Tier",type=string,JSONPath=`.spec.tier`,priority=1
// +kubebuilder:printcolumn:name="Campaign",type=string,JSONPath=`.spec.source.campaign`,priority=1
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Lead struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   LeadSpec   `json:"spec"`
	Status LeadStatus `json:"status,omitempty"`
}

// LeadList is a list of Lead.
// +kubebuilder:object:root=true
type LeadList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Lead `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Lead{}, &LeadList{})
}
