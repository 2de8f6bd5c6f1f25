package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Bounds of a lead's lists, so a lead stays small in etcd however long it lives.
const (
	// MaxInteractions bounds spec.interactions (entries written by hand or by GitOps).
	// 120, not more: with every list at its bound a lead stays under 64 KiB in etcd
	// (make bench, size phase). Longer histories come as Interaction objects, which are
	// folded and compacted without a bound.
	MaxInteractions = 120
	// MaxTouchRecords bounds status.touches.
	MaxTouchRecords = 40
	// MaxRecentInteractions bounds status.interactions; older entries are compacted
	// into status.earlier (counted, never refused).
	MaxRecentInteractions = 60
	// MaxNoticeRecords bounds status.notices.
	MaxNoticeRecords = 20
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

	// interactions recorded by hand or imported with the lead (append-only). Tools and
	// webhooks record Interaction objects instead, which the controller folds into
	// status.interactions; both count the same.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=120
	// +kubebuilder:validation:XValidation:rule="size(self) >= size(oldSelf) && oldSelf.all(i, i in self)",message="interactions are append-only: recorded entries cannot be changed or removed"
	Interactions []InteractionEntry `json:"interactions,omitempty"`

	// outcome closes the lead as won or lost.
	// +optional
	Outcome *Outcome `json:"outcome,omitempty"`
}

// Contact is the person behind a lead and the ways to reach them.
// +kubebuilder:validation:XValidation:rule="has(self.email) || has(self.phone) || has(self.whatsapp) || has(self.linkedin) || has(self.phoneAsGiven)",message="a lead needs at least one way to reach the contact: email, phone, whatsapp, linkedin or phoneAsGiven"
type Contact struct {
	// name of the contact person.
	// +optional
	// +kubebuilder:validation:MaxLength=200
	Name string `json:"name,omitempty"`

	// company the contact works for.
	// +optional
	// +kubebuilder:validation:MaxLength=200
	Company string `json:"company,omitempty"`

	// companyId is the company's id in the CRM (an account id). Leads with the same id
	// are one company for the policy's sameCompany rule, whatever their email domains.
	// +optional
	// +kubebuilder:validation:MaxLength=100
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9]([-A-Za-z0-9_.:]*[A-Za-z0-9])?$')",message="companyId must be letters, digits and - _ . : such as acct-00172"
	CompanyID string `json:"companyId,omitempty"`

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

	// phoneAsGiven is a phone number as the contact typed it, kept when it could not be
	// read as E.164 (a national number without a known country): a rep can still dial it,
	// no message is sent to it. A paid lead is never dropped for a badly typed number.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	PhoneAsGiven string `json:"phoneAsGiven,omitempty"`

	// linkedin profile URL.
	// +optional
	// +kubebuilder:validation:MaxLength=300
	// +kubebuilder:validation:XValidation:rule="self.matches('^https://[^\\\\s/?#@:]+([/?#]\\\\S*)?$')",message="linkedin must be a profile URL starting with https://, with a host and no spaces"
	LinkedIn string `json:"linkedin,omitempty"`

	// country as an ISO 3166-1 alpha-2 code.
	// +optional
	// +kubebuilder:validation:MaxLength=2
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Z]{2}$')",message="country must be a two-letter ISO 3166 code such as PL"
	Country string `json:"country,omitempty"`

	// language the contact reads, as a code such as de or pt-BR; it picks the
	// templates' translation. Unset: derived from country (DE, AT, CH: de; FR: fr; ES,
	// MX, AR...: es; BR, PT: pt; CN, TW: zh; ...), else the policy's language.
	// +optional
	// +kubebuilder:validation:MaxLength=5
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z]{2}(-[A-Z]{2})?$')",message="language must be a code such as de or pt-BR"
	Language string `json:"language,omitempty"`

	// timeZone is the contact's IANA time zone (Europe/Warsaw); business hours apply
	// there. Unset: the policy's time zone.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self != 'Local'",message="timeZone Local is the operator host's zone, not the contact's; name an IANA zone such as Europe/Warsaw"
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z][-A-Za-z0-9_+]*(/[-A-Za-z0-9_+]+)*$')",message="timeZone must be an IANA zone name such as Europe/Warsaw, not an offset such as +01:00 or a name with spaces"
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
	// region is the market region (eu, na, sea...); regional installs shard leads by it.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="region must be a lowercase name such as eu or na"
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
	// submittedAt starts the first-response clock. Unset: the lead's creation time. A
	// time after the lead's creation is not believed (the creation time is used and the
	// lead's Valid condition says so).
	// +optional
	// +kubebuilder:validation:XValidation:rule="self >= timestamp('2000-01-01T00:00:00Z')",message="submittedAt must be a real submission time (after 2000-01-01); 1970 means the source's clock was unset"
	SubmittedAt *metav1.Time `json:"submittedAt,omitempty"`
	// clickIds are the ad click's ids, kept for the offline-conversion upload when the lead
	// is won (Google Ads keys conversions by gclid, gbraid or wbraid).
	// +optional
	ClickIDs *ClickIDs `json:"clickIds,omitempty"`
	// creativeId is the ad (creative) the lead came from.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	CreativeID string `json:"creativeId,omitempty"`
	// answers are the lead form's answers beyond the contact fields (qualifying and custom
	// questions), as asked.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	Answers []FormAnswer `json:"answers,omitempty"`
}

// ClickIDs are an ad click's ids at the ad platform.
type ClickIDs struct {
	// gclid is Google's click id.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	GCLID string `json:"gclid,omitempty"`
	// gbraid is Google's click id for app-to-web measurement on iOS.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	GBRAID string `json:"gbraid,omitempty"`
	// wbraid is Google's click id for web-to-app measurement on iOS.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	WBRAID string `json:"wbraid,omitempty"`
}

// FormAnswer is one answer on a lead form.
type FormAnswer struct {
	// question as the form asked it, or the form's id for the question.
	// +kubebuilder:validation:MaxLength=200
	Question string `json:"question"`
	// answer as given.
	// +kubebuilder:validation:MaxLength=500
	Answer string `json:"answer"`
}

// InteractionKind is what happened. Customer actions (Reply, MeetingBooked,
// Unsubscribed) and our own contact (CallConnected, CallNoAnswer, MessageSent) are
// different from receipts about a message we sent (Delivered, Read, DeliveryFailed,
// Bounced): receipts are counted and may stop the cadence, but never count as contact.
// AutoReply is an automatic answer (out-of-office, vacation responder): never a reply,
// never contact; it pauses the cadence until returnDate (or the policy's pause).
// +kubebuilder:validation:Enum=Reply;AutoReply;CallConnected;CallNoAnswer;MessageSent;Delivered;Read;DeliveryFailed;Bounced;Unsubscribed;MeetingBooked;Note;Snoozed;OrderConfirmed;OrderShipped;OrderDelivered;ReturnOpened;NPSResponse
type InteractionKind string

// Interaction kinds.
const (
	InteractionReply InteractionKind = "Reply"
	// InteractionAutoReply is an automatic reply (out-of-office): it pauses the cadence.
	InteractionAutoReply     InteractionKind = "AutoReply"
	InteractionCallConnected InteractionKind = "CallConnected"
	InteractionCallNoAnswer  InteractionKind = "CallNoAnswer"
	// InteractionMessageSent is a message a rep (or another tool) sent to the customer
	// outside the operator: it counts as contact.
	InteractionMessageSent    InteractionKind = "MessageSent"
	InteractionDelivered      InteractionKind = "Delivered"
	InteractionRead           InteractionKind = "Read"
	InteractionDeliveryFailed InteractionKind = "DeliveryFailed"
	InteractionBounced        InteractionKind = "Bounced"
	InteractionUnsubscribed   InteractionKind = "Unsubscribed"
	InteractionMeetingBooked  InteractionKind = "MeetingBooked"
	InteractionNote           InteractionKind = "Note"
	// InteractionSnoozed is a rep putting an open task (touchKey) off for an hour from
	// at: its deadline, and so its reminders and escalation, move back. Not contact.
	InteractionSnoozed InteractionKind = "Snoozed"
	// Order events from a shop or ERP (after-sales): recorded on the lead with the order
	// reference; never contact, never a reply.
	InteractionOrderConfirmed InteractionKind = "OrderConfirmed"
	InteractionOrderShipped   InteractionKind = "OrderShipped"
	InteractionOrderDelivered InteractionKind = "OrderDelivered"
	InteractionReturnOpened   InteractionKind = "ReturnOpened"
	// InteractionNPSResponse is the customer's answer to a net-promoter question
	// (score 0-10): counted in the campaign's after-sales measures; never a reply.
	InteractionNPSResponse InteractionKind = "NPSResponse"
)

// OrderRef is the order an after-sales event is about.
type OrderRef struct {
	// id of the order in the shop or ERP.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	ID string `json:"id"`
	// carrier of a shipment (DHL, UPS...).
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Carrier string `json:"carrier,omitempty"`
	// tracking number of a shipment.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Tracking string `json:"tracking,omitempty"`
}

// Medium is the way an interaction travelled.
// +kubebuilder:validation:Enum=Email;Phone;WhatsApp;LinkedIn;Chat;Meeting;Web;Other
type Medium string

// MediumWhatsApp is a WhatsApp message (its customer service window counts from the
// contact's last one).
const MediumWhatsApp Medium = "WhatsApp"

// Direction says who started an interaction.
// +kubebuilder:validation:Enum=Inbound;Outbound
type Direction string

// Directions.
const (
	Inbound  Direction = "Inbound"
	Outbound Direction = "Outbound"
)

// InteractionEntry is one recorded event with the customer. It holds no message text.
// +kubebuilder:validation:XValidation:rule="!has(self.quality) || self.kind == 'Reply'",message="quality is only set on a Reply"
// +kubebuilder:validation:XValidation:rule="!has(self.returnDate) || self.kind == 'AutoReply'",message="returnDate is only set on an AutoReply"
// +kubebuilder:validation:XValidation:rule="has(self.score) == (self.kind == 'NPSResponse')",message="score (0-10) is set on an NPSResponse, and only there"
// +kubebuilder:validation:XValidation:rule="!has(self.complaint) || self.kind == 'Reply'",message="complaint is only set on a Reply"
type InteractionEntry struct {
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
	// returnDate is the day the contact is back, as an automatic reply gave it
	// (2006-01-02, in the contact's time zone). Unset: the policy's outOfOffice.pause.
	// +optional
	// +kubebuilder:validation:MaxLength=10
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]{4}-[0-9]{2}-[0-9]{2}$')",message="returnDate is a day such as 2026-12-01"
	ReturnDate string `json:"returnDate,omitempty"`
	// handToHuman marks a reply that asked for a human (a buying keyword was seen by
	// whoever recorded it); the message text itself is never stored.
	// +optional
	HandToHuman bool `json:"handToHuman,omitempty"`
	// touchKey ties a receipt or a call to the touch it is about.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	TouchKey string `json:"touchKey,omitempty"`
	// messageId is the provider's id of the message a receipt is about (a WhatsApp
	// wamid, an email Message-ID); receipts are matched to touches by it.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	MessageID string `json:"messageId,omitempty"`
	// id is the source's id for the event, used to record it once.
	// +optional
	// +kubebuilder:validation:MaxLength=200
	ID string `json:"id,omitempty"`
	// by is who or what recorded it (a rep, the whatsapp webhook...).
	// +optional
	// +kubebuilder:validation:MaxLength=63
	By string `json:"by,omitempty"`
	// order is the order an after-sales event (OrderShipped...) is about.
	// +optional
	Order *OrderRef `json:"order,omitempty"`
	// score of an NPSResponse: how likely the customer is to recommend us, 0 to 10.
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10
	Score *int32 `json:"score,omitempty"`
	// complaint marks a reply that complains (internal/classify); after a sale it
	// hands the lead to its owner as a complaint. The text itself is never stored.
	// +optional
	Complaint bool `json:"complaint,omitempty"`
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
	// variant of the step the lead got (A/B test), when the step has variants.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Variant string `json:"variant,omitempty"`
	// language of the template's translation sent; empty: the template's default.
	// +optional
	// +kubebuilder:validation:MaxLength=5
	Language string `json:"language,omitempty"`
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
	// +kubebuilder:validation:MaxItems=6
	FailedChannels []string `json:"failedChannels,omitempty"`
	// messageId is the provider's id of the sent message (a WhatsApp wamid), so
	// receipts that carry only that id find their touch.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	MessageID string `json:"messageId,omitempty"`
	// whatsAppId is the recipient's WhatsApp id (wa_id) when the Cloud API answered with
	// one other than the number sent to (Brazil, Mexico and Argentina keep mobile
	// numbers in an older form): the customer's replies come from it.
	// +optional
	// +kubebuilder:validation:MaxLength=20
	WhatsAppID string `json:"whatsAppId,omitempty"`
	// taskDeadline is when an open task is overdue (human touches only).
	// +optional
	TaskDeadline *metav1.Time `json:"taskDeadline,omitempty"`
	// overdueActions counts the step's onTaskOverdue actions already taken.
	// +optional
	OverdueActions int32 `json:"overdueActions,omitempty"`
	// message explains the result (an error class, never customer data).
	// +optional
	// +kubebuilder:validation:MaxLength=512
	Message string `json:"message,omitempty"`
}

// ConversionUploadStatus is the offline-conversion upload of a won lead. Attempts and
// the next attempt live here so the backoff survives restarts.
type ConversionUploadStatus struct {
	// attempts made so far.
	// +optional
	Attempts int32 `json:"attempts,omitempty"`
	// nextAttemptAt is when a failed upload is tried again.
	// +optional
	NextAttemptAt *metav1.Time `json:"nextAttemptAt,omitempty"`
	// uploadedAt is when the platform accepted the conversion.
	// +optional
	UploadedAt *metav1.Time `json:"uploadedAt,omitempty"`
	// requestId is the platform's id of the accepted request.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	RequestID string `json:"requestId,omitempty"`
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
	// clock the deadline was counted on: BusinessHours or Calendar.
	// +optional
	Clock SLAClock `json:"clock,omitempty"`
	// warned is set once the warning before the deadline was issued (rung 1).
	// +optional
	Warned bool `json:"warned,omitempty"`
	// escalated is set once the breach was escalated to the team lead (rung 2).
	// +optional
	Escalated bool `json:"escalated,omitempty"`
	// reassigned is set once the lead was reassigned for the breach (rung 3).
	// +optional
	Reassigned bool `json:"reassigned,omitempty"`
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

	// phase is where the lead stands; tools read this, never stage.
	// +optional
	Phase LeadPhase `json:"phase,omitempty"`
	// round is 0 for the cadence and n during the n-th reactivation.
	// +optional
	Round int32 `json:"round,omitempty"`
	// step is the 1-based position of the current (or next) step in the round's
	// steps; 0 when the lead is in no step.
	// +optional
	Step int32 `json:"step,omitempty"`
	// steps is the number of steps in the round.
	// +optional
	Steps int32 `json:"steps,omitempty"`

	// stage for people, derived from phase, round and step: "2/3 send-catalog",
	// "dormant", "handed-off", "won". Nothing reads it back.
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

	// outOfOffice is set while an automatic reply pauses the lead (phase OutOfOffice),
	// and kept after it, so the pause that was honoured stays visible.
	// +optional
	OutOfOffice *OutOfOfficeStatus `json:"outOfOffice,omitempty"`

	// sameCompany is the colleague's answer (another lead of the same company replied
	// or booked a meeting) that pauses or stopped this lead under the policy's
	// sameCompany rule; unset when none holds it.
	// +optional
	SameCompany *SameCompanyStatus `json:"sameCompany,omitempty"`

	// handedOffAt is when a reply handed the lead to its owner (automated touches stop).
	// +optional
	HandedOffAt *metav1.Time `json:"handedOffAt,omitempty"`

	// conversionUpload is where the upload of a won lead to the ad platform stands (the
	// ConversionUploaded condition says the result).
	// +optional
	ConversionUpload *ConversionUploadStatus `json:"conversionUpload,omitempty"`

	// interactions are the most recent entries of the lead's record, folded in from
	// Interaction objects (which are then removed), oldest first.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=60
	Interactions []InteractionEntry `json:"interactions,omitempty"`
	// earlier sums up entries compacted out of status.interactions.
	// +optional
	Earlier *EarlierInteractions `json:"earlier,omitempty"`

	// notices are the messages to people (owner, team lead) about this lead: durable
	// work like touches, sent with a key, retried with backoff.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	Notices []NoticeRecord `json:"notices,omitempty"`

	// returningContact links the lead to the same contact's earlier lead (same email or
	// phone, active within the policy's returningContact.within); its history is one
	// timeline with this lead's (kubectl followup history).
	// +optional
	ReturningContact *ReturningContactStatus `json:"returningContact,omitempty"`

	// rollout is the lead's arm while its policy rolls out a new revision.
	// +optional
	Rollout *LeadRollout `json:"rollout,omitempty"`

	// afterSales is the after-sales cadence of a won lead whose policy names one
	// (spec.afterSales of the policy): its order, its touches, and whether a reply,
	// complaint or return handed it to the owner.
	// +optional
	AfterSales *AfterSalesStatus `json:"afterSales,omitempty"`
}

// OutOfOfficeStatus is the pause an automatic reply put on a lead.
type OutOfOfficeStatus struct {
	// since is when the automatic reply arrived.
	Since metav1.Time `json:"since"`
	// until is when the cadence resumes: the return day's first business hour (or
	// the policy's pause after since), bounded by outOfOffice.maxPause.
	Until metav1.Time `json:"until"`
	// returnDate is the return day the message gave; empty when the policy's pause
	// was used.
	// +optional
	// +kubebuilder:validation:MaxLength=10
	ReturnDate string `json:"returnDate,omitempty"`
}

// SameCompanyStatus is a colleague's answer holding a lead's cadence.
type SameCompanyStatus struct {
	// lead is the name of the lead (in this namespace) that answered.
	// +kubebuilder:validation:MaxLength=253
	Lead string `json:"lead"`
	// meeting is true when the colleague booked a meeting rather than replied.
	// +optional
	Meeting bool `json:"meeting,omitempty"`
	// answeredAt is when the colleague answered.
	AnsweredAt metav1.Time `json:"answeredAt"`
	// action is what the answer did: Pause or Stop.
	Action SameCompanyAction `json:"action"`
	// until is when a pause ends and the cadence resumes (action Pause).
	// +optional
	Until *metav1.Time `json:"until,omitempty"`
}

// LeadPhase is where a lead stands.
// +kubebuilder:validation:Enum=Blocked;InCadence;AwaitingTask;Dormant;Finished;HandedOff;Stopped;Won;Lost;Suspended;OutOfOffice;Paused
type LeadPhase string

// Lead phases.
const (
	// PhaseBlocked: the lead cannot progress until someone fixes its configuration.
	PhaseBlocked LeadPhase = "Blocked"
	// PhaseInCadence: touches are due on schedule.
	PhaseInCadence LeadPhase = "InCadence"
	// PhaseAwaitingTask: a task for the owner is open.
	PhaseAwaitingTask LeadPhase = "AwaitingTask"
	// PhaseDormant: the round ended with no answer; a reactivation is scheduled.
	PhaseDormant LeadPhase = "Dormant"
	// PhaseFinished: dormant with no reactivation left.
	PhaseFinished LeadPhase = "Finished"
	// PhaseHandedOff: the customer asked for a human; automated touches stopped.
	PhaseHandedOff LeadPhase = "HandedOff"
	// PhaseStopped: a stop event (reply, meeting, unsubscribe, bounce) ended the cadence.
	PhaseStopped LeadPhase = "Stopped"
	PhaseWon     LeadPhase = "Won"
	PhaseLost    LeadPhase = "Lost"
	// PhaseSuspended: spec.suspend holds the cadence.
	PhaseSuspended LeadPhase = "Suspended"
	// PhaseOutOfOffice: an automatic reply paused the cadence until the contact returns.
	PhaseOutOfOffice LeadPhase = "OutOfOffice"
	// PhasePaused: a colleague at the same company answered; the cadence waits.
	PhasePaused LeadPhase = "Paused"
)

// Closed says whether the lead was won or lost.
func (p LeadPhase) Closed() bool { return p == PhaseWon || p == PhaseLost }

// Open says whether the lead still takes a rep's time: not closed, not finally dormant.
func (p LeadPhase) Open() bool { return !p.Closed() && p != PhaseFinished }

// EarlierInteractions counts what was compacted out of status.interactions, enough for
// the engine and the measures to read the lead as if nothing had been dropped.
type EarlierInteractions struct {
	// through is the time of the newest compacted entry.
	Through metav1.Time `json:"through"`
	// entries compacted.
	Entries int32 `json:"entries"`
	// +optional
	Replies int32 `json:"replies,omitempty"`
	// +optional
	Turns int32 `json:"turns,omitempty"`
	// +optional
	BestQuality int32 `json:"bestQuality,omitempty"`
	// +optional
	Delivered int32 `json:"delivered,omitempty"`
	// +optional
	Read int32 `json:"read,omitempty"`
	// firstContactAt is the first contact we made (a touch, call or message) among the
	// compacted entries and the touch records dropped by the bound.
	// +optional
	FirstContactAt *metav1.Time `json:"firstContactAt,omitempty"`
	// firstReplyAt is the first reply among them.
	// +optional
	FirstReplyAt *metav1.Time `json:"firstReplyAt,omitempty"`
	// stop is the first stop event among them, and when.
	// +optional
	Stop StopEvent `json:"stop,omitempty"`
	// +optional
	StopAt *metav1.Time `json:"stopAt,omitempty"`
	// handToHumanAt is the first hand-over among them.
	// +optional
	HandToHumanAt *metav1.Time `json:"handToHumanAt,omitempty"`
	// lastReplyAt is the latest reply among them.
	// +optional
	LastReplyAt *metav1.Time `json:"lastReplyAt,omitempty"`
	// ids are the ids of the most recent compacted entries, so a late retry of one is
	// still recognised as a duplicate.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=60
	IDs []string `json:"ids,omitempty"`
}

// NoticeReason is what a notice is about.
// +kubebuilder:validation:Enum=SLAAtRisk;SLABreached;Reassigned;HandedToHuman;TaskOverdue;TaskEscalated;TaskReassigned
type NoticeReason string

// Notice reasons.
const (
	NoticeSLAAtRisk      NoticeReason = "SLAAtRisk"
	NoticeSLABreached    NoticeReason = "SLABreached"
	NoticeReassigned     NoticeReason = "Reassigned"
	NoticeHandedToHuman  NoticeReason = "HandedToHuman"
	NoticeTaskOverdue    NoticeReason = "TaskOverdue"
	NoticeTaskEscalated  NoticeReason = "TaskEscalated"
	NoticeTaskReassigned NoticeReason = "TaskReassigned"
)

// NoticeResult is where a notice stands.
// +kubebuilder:validation:Enum=Pending;Sent;Failed
type NoticeResult string

// Notice results.
const (
	NoticePending NoticeResult = "Pending"
	NoticeSent    NoticeResult = "Sent"
	// NoticeFailed: undeliverable (no channel for the recipient) or failed after retries.
	NoticeFailed NoticeResult = "Failed"
)

// NoticeRecord is one notice to a person about this lead.
type NoticeRecord struct {
	// key identifies the notice (and is sent as its idempotency key).
	// +kubebuilder:validation:MaxLength=64
	Key string `json:"key"`
	// reason the notice is sent.
	Reason NoticeReason `json:"reason"`
	// recipient is a rep's name, or "team-lead".
	// +kubebuilder:validation:MaxLength=63
	Recipient string `json:"recipient"`
	// channel it goes through; empty when none could be found.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Channel string `json:"channel,omitempty"`
	// createdAt is when the notice was due.
	CreatedAt metav1.Time `json:"createdAt"`
	// sentAt is when it was delivered.
	// +optional
	SentAt *metav1.Time `json:"sentAt,omitempty"`
	Result NoticeResult `json:"result"`
	// +optional
	Attempts int32 `json:"attempts,omitempty"`
	// +optional
	NextAttemptAt *metav1.Time `json:"nextAttemptAt,omitempty"`
	// message says what the notice says, or why it failed (never customer data).
	// +optional
	// +kubebuilder:validation:MaxLength=512
	Message string `json:"message,omitempty"`
}

// Lead is one prospect followed up under a FollowUpPolicy.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=ld,categories=followup
// +kubebuilder:selectablefield:JSONPath=`.spec.source.campaign`
// +kubebuilder:printcolumn:name="Company",type=string,JSONPath=`.spec.contact.company`
// +kubebuilder:printcolumn:name="Stage",type=string,JSONPath=`.status.stage`
// +kubebuilder:printcolumn:name="Next Touch",type=string,JSONPath=`.status.nextTouchAt`
// +kubebuilder:printcolumn:name="First Response",type=string,JSONPath=`.status.firstResponse.summary`
// +kubebuilder:printcolumn:name="Owner",type=string,JSONPath=`.status.owner`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`,priority=1
// +kubebuilder:printcolumn:name="Away Until",type=string,JSONPath=`.status.outOfOffice.until`,priority=1
// +kubebuilder:printcolumn:name="Colleague Answered",type=string,JSONPath=`.status.sameCompany.lead`,priority=1
// +kubebuilder:printcolumn:name="Arm",type=string,JSONPath=`.status.rollout.arm`,priority=1
// +kubebuilder:printcolumn:name="Contact",type=string,JSONPath=`.spec.contact.name`,priority=1
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
