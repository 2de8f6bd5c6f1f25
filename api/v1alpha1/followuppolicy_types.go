package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FollowUpPolicySpec declares how fast leads are first contacted, how often and through
// which channels they are touched, when they go dormant and what stops the cadence.
// +kubebuilder:validation:XValidation:rule="self.steps.all(s, !has(s.template) || (has(self.templates) && s.template in self.templates))",message="every step's template must be defined under spec.templates"
// +kubebuilder:validation:XValidation:rule="self.steps.all(s, !has(s.variants) || s.variants.all(v, has(self.templates) && v.template in self.templates))",message="every step variant's template must be defined under spec.templates"
// +kubebuilder:validation:XValidation:rule="!has(self.afterLastStep) || !has(self.afterLastStep.reactivation) || self.afterLastStep.reactivation.all(s, !has(s.template) || (has(self.templates) && s.template in self.templates))",message="every reactivation step's template must be defined under spec.templates"
// A warning issued before the lead even arrived is never on time: warnBefore must fit
// inside every tier's deadline.
// +kubebuilder:validation:XValidation:rule="!has(self.escalation) || !has(self.escalation.warnBefore) || !has(self.firstResponse) || self.firstResponse.all(f, duration(self.escalation.warnBefore) < duration(f.within))",messageExpression="'escalation.warnBefore (' + self.escalation.warnBefore + ') must be shorter than every firstResponse deadline (within): a warning due before the lead arrives is never on time'"
// +kubebuilder:validation:XValidation:rule="!has(self.returningContact) || !has(self.returningContact.template) || (has(self.templates) && self.returningContact.template in self.templates)",message="returningContact.template must be defined under spec.templates"
// +kubebuilder:validation:XValidation:rule="self.steps.all(s, has(s.trigger)) || self.steps.all(s, !has(s.trigger))",message="an after-sales policy gives every step a trigger; a sales policy gives none"
// +kubebuilder:validation:XValidation:rule="!has(self.rollout) || self.steps.all(s, !has(s.trigger))",message="an after-sales policy (steps with triggers) is edited whole: spec.rollout is for sales policies"
// +kubebuilder:validation:XValidation:rule="!has(self.afterSales) || self.steps.all(s, !has(s.trigger))",message="afterSales is named by a sales policy; an after-sales policy (steps with triggers) cannot name another"
// +kubebuilder:validation:XValidation:rule="!has(self.afterLastStep) || !has(self.afterLastStep.reactivation) || self.afterLastStep.reactivation.all(s, !has(s.trigger))",message="reactivation steps have no trigger: triggers belong to an after-sales policy's steps"
type FollowUpPolicySpec struct {
	// firstResponse is the first-response SLA per lead tier: the first touch must be
	// performed (or the customer must have replied) within this long of submission.
	// +optional
	// +listType=map
	// +listMapKey=tier
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:default={{tier: "high", within: "1h"}, {tier: "standard", within: "24h"}}
	FirstResponse []FirstResponseTarget `json:"firstResponse,omitempty"`

	// schedule is when touches may happen: business hours and days in the lead's own
	// time zone (timeZone here when the lead has none), skipping holidays.
	// +optional
	// +kubebuilder:default={}
	Schedule Schedule `json:"schedule,omitempty"`

	// steps is the ordered touch cadence for a lead that does not answer.
	// +listType=atomic
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:XValidation:rule="self.all(s, self.exists_one(t, t.name == s.name))",message="step names must be unique"
	Steps []Step `json:"steps"`

	// afterLastStep says what happens when the last step got no answer.
	// +optional
	// +kubebuilder:default={}
	AfterLastStep AfterLastStep `json:"afterLastStep,omitempty"`

	// stopOn lists the events that stop the cadence for a lead.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=6
	// +kubebuilder:default={Replied, MeetingBooked, Unsubscribed, Bounced, Won, Lost}
	StopOn []StopEvent `json:"stopOn,omitempty"`

	// handToHuman routes a lead to its owner, and stops automated touches, when the
	// customer's reply shows buying intent.
	// +optional
	// +kubebuilder:default={}
	HandToHuman HandToHuman `json:"handToHuman,omitempty"`

	// escalation is what happens around a missed first-response deadline.
	// +optional
	Escalation *Escalation `json:"escalation,omitempty"`

	// weeklyCaps bounds the touches a lead gets in any 7 days, per lifecycle stage.
	// +optional
	// +kubebuilder:default={}
	WeeklyCaps WeeklyCaps `json:"weeklyCaps,omitempty"`

	// outOfOffice is how long an automatic reply pauses a lead.
	// +optional
	// +kubebuilder:default={}
	OutOfOffice OutOfOfficePolicy `json:"outOfOffice,omitempty"`

	// sameCompany is what a reply or booked meeting on one lead does to the other open
	// leads of the same company in the namespace (same spec.contact.companyId, or the
	// same email domain, never a free-mail one). Unset: nothing (action None).
	// +optional
	// +kubebuilder:default={}
	SameCompany SameCompanyPolicy `json:"sameCompany,omitempty"`

	// templates are the shared messages, by name. Subject and body are Go text/template
	// strings over the documented variables (see docs/templates.md).
	// +optional
	// +kubebuilder:validation:MaxProperties=50
	Templates map[string]MessageTemplate `json:"templates,omitempty"`

	// language the templates' own subject and body are written in (their default); a
	// lead in this language needs no translation. Unset: en.
	// +optional
	// +kubebuilder:validation:MaxLength=5
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z]{2}(-[A-Z]{2})?$')",message="language must be a code such as en, de or pt-BR"
	Language string `json:"language,omitempty"`

	// retention is when the policy's closed and finally dormant leads move from the
	// cluster to the archive (see docs/archive.md). Unset: the defaults.
	// +optional
	Retention *Retention `json:"retention,omitempty"`

	// returningContact is when a new lead counts as a customer coming back, and the
	// template that greets them.
	// +optional
	ReturningContact *ReturningContactPolicy `json:"returningContact,omitempty"`

	// rollout sends this spec (the candidate revision) to a percentage of leads while
	// the others keep the previous revision; unset or percent 100: every lead follows
	// this spec, as after any edit.
	// +optional
	Rollout *Rollout `json:"rollout,omitempty"`

	// afterSales names the after-sales policy a lead of this policy follows once it is
	// won: an ordinary FollowUpPolicy whose steps have triggers (order events).
	// +optional
	AfterSales *AfterSalesRef `json:"afterSales,omitempty"`
}

// FirstResponseTarget is the first-response deadline for one lead tier.
type FirstResponseTarget struct {
	// tier is a lead tier such as high or standard.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="tier must be a lowercase name such as high or standard"
	Tier string `json:"tier"`

	// within is the deadline after submission, such as 1h or 24h.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="within must be a positive duration such as 1h or 24h"
	Within metav1.Duration `json:"within"`

	// clock counts the deadline: BusinessHours counts only the team's working hours
	// (schedule.teamHours in schedule.timeZone, minus holidays), so a lead submitted on
	// Friday at 22:00 with 1h is due Monday at 10:00; Calendar counts every hour, for
	// a team that promises a reply around the clock.
	// +optional
	// +kubebuilder:default=BusinessHours
	Clock SLAClock `json:"clock,omitempty"`
}

// SLAClock is how a first-response deadline is counted.
// +kubebuilder:validation:Enum=BusinessHours;Calendar
type SLAClock string

// SLA clocks.
const (
	ClockBusinessHours SLAClock = "BusinessHours"
	ClockCalendar      SLAClock = "Calendar"
)

// Schedule is when touches may happen (the customer's hours) and when the team works
// (the hours the business-hours SLA clock counts).
type Schedule struct {
	// timeZone is the team's IANA time zone, and the customer's for a lead without
	// one of its own.
	// +optional
	// +kubebuilder:default="UTC"
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self != 'Local'",message="timeZone Local is the operator host's zone; name an IANA zone such as Europe/Berlin"
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z][-A-Za-z0-9_+]*(/[-A-Za-z0-9_+]+)*$')",message="timeZone must be an IANA zone name such as Europe/Berlin, not an offset such as +01:00 or a name with spaces"
	TimeZone string `json:"timeZone,omitempty"`

	// businessHours are the hours and days, in the customer's time zone, on which
	// touches land.
	// +optional
	// +kubebuilder:default={}
	BusinessHours BusinessHours `json:"businessHours,omitempty"`

	// teamHours are the hours and days, in timeZone, the team works: the business-hours
	// SLA clock counts only these. Unset: businessHours.
	// +optional
	TeamHours *BusinessHours `json:"teamHours,omitempty"`

	// holidays are dates (YYYY-MM-DD) with no touches and no SLA clock: in the
	// customer's time zone for touches, in timeZone for the team.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MaxLength=10
	// +kubebuilder:validation:XValidation:rule="self.all(d, d.matches('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'))",message="holidays must be dates in YYYY-MM-DD form"
	Holidays []string `json:"holidays,omitempty"`
}

// BusinessHours is a daily window on the listed weekdays.
// +kubebuilder:validation:XValidation:rule="!has(self.from) || !has(self.to) || self.from < self.to",message="businessHours.from must be earlier than businessHours.to"
type BusinessHours struct {
	// days on which touches are due.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=7
	// +kubebuilder:default={Mon, Tue, Wed, Thu, Fri}
	Days []Weekday `json:"days,omitempty"`

	// from is the start of the window, HH:MM in 24-hour time.
	// +optional
	// +kubebuilder:default="09:00"
	// +kubebuilder:validation:MaxLength=5
	// +kubebuilder:validation:XValidation:rule="self.matches('^([01][0-9]|2[0-3]):[0-5][0-9]$')",message="from must be a time of day in HH:MM form, such as 09:00"
	From string `json:"from,omitempty"`

	// to is the end of the window, HH:MM in 24-hour time (exclusive).
	// +optional
	// +kubebuilder:default="18:00"
	// +kubebuilder:validation:MaxLength=5
	// +kubebuilder:validation:XValidation:rule="self.matches('^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$')",message="to must be a time of day in HH:MM form, such as 18:00"
	To string `json:"to,omitempty"`
}

// Weekday is a three-letter English day name.
// +kubebuilder:validation:Enum=Mon;Tue;Wed;Thu;Fri;Sat;Sun
type Weekday string

// PerformedBy says who performs a touch.
// +kubebuilder:validation:Enum=Automation;Owner
type PerformedBy string

const (
	// PerformedByAutomation sends the touch through its channel.
	PerformedByAutomation PerformedBy = "Automation"
	// PerformedByOwner makes the touch a task for the lead's owner (a call, say), done
	// when the rep records the outcome.
	PerformedByOwner PerformedBy = "Owner"
)

// Step is one touch of the cadence.
// +kubebuilder:validation:XValidation:rule="self.performedBy == 'Owner' || (has(self.channel) && has(self.template))",message="an automated step needs a channel and a template; set performedBy: Owner for a touch a rep performs"
// +kubebuilder:validation:XValidation:rule="self.performedBy == 'Owner' || (!has(self.taskDeadline) && !has(self.onTaskOverdue))",message="taskDeadline and onTaskOverdue apply to a task (performedBy: Owner)"
// +kubebuilder:validation:XValidation:rule="!has(self.fallback) || !has(self.channel) || !(self.channel in self.fallback)",message="a step's fallback must not repeat its channel: a fallback is tried when the channel failed"
// +kubebuilder:validation:XValidation:rule="!has(self.fallback) || self.fallback.all(f, self.fallback.exists_one(g, g == f))",message="a step's fallback channels must be distinct"
type Step struct {
	// name identifies the step; a lead's progress is kept by step name when the policy
	// is edited.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="step name must be a lowercase name such as introduce or send-catalog"
	Name string `json:"name"`

	// purpose says in words what the touch is for (establish contact, provide value...).
	// +optional
	// +kubebuilder:validation:MaxLength=200
	Purpose string `json:"purpose,omitempty"`

	// after is the delay after the previous touch (for the first step, after the lead
	// was submitted). Unset: immediately for the first step, 36h for the others.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) >= duration('0s')",message="after must be a duration such as 36h or 48h"
	After *metav1.Duration `json:"after,omitempty"`

	// channel is the Channel (in this namespace) the touch is sent through; for a
	// touch performed by the owner, the channel that notifies the owner of the task.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Channel string `json:"channel,omitempty"`

	// fallback channels are tried in order when the channel fails permanently or the
	// contact cannot be reached on it.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=4
	// +kubebuilder:validation:items:MaxLength=253
	Fallback []string `json:"fallback,omitempty"`

	// template is the name of an entry in spec.templates.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Template string `json:"template,omitempty"`

	// variants are A/B versions of the step: each lead gets one, chosen from its UID in
	// proportion to the weights (so restarts never change it), sent with its template
	// and recorded on the touch. Unset: everyone gets template.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=5
	// +kubebuilder:validation:XValidation:rule="self.all(v, self.exists_one(w, w.name == v.name))",message="variant names must be unique"
	Variants []StepVariant `json:"variants,omitempty"`

	// whatsAppTemplate is the template approved in WhatsApp Business Manager that the
	// step sends on a WhatsApp channel outside the 24-hour customer service window
	// (more than 24h after the contact's last WhatsApp message, or before any). Inside
	// the window the step's own template goes as free-form text. Unset: the approved
	// template is taken to be named like the step's template, in the channel's
	// language, with the rendered body as its one parameter. Free-form text is never
	// sent outside the window.
	// +optional
	WhatsAppTemplate *WhatsAppTemplate `json:"whatsAppTemplate,omitempty"`

	// performedBy is Automation (sent through the channel) or Owner (a task for the rep).
	// +optional
	// +kubebuilder:default=Automation
	PerformedBy PerformedBy `json:"performedBy,omitempty"`

	// sendWindow is BusinessHours (the touch lands inside the customer's business
	// hours) or Anytime (sent when due, day or night: an instant acknowledgement to
	// someone who just wrote to us).
	// +optional
	// +kubebuilder:default=BusinessHours
	SendWindow SendWindow `json:"sendWindow,omitempty"`

	// taskDeadline is how long the owner has to perform a task (performedBy: Owner)
	// before onTaskOverdue applies, counted in the team's hours. Default 24h.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="taskDeadline must be a positive duration such as 4h or 24h"
	TaskDeadline *metav1.Duration `json:"taskDeadline,omitempty"`

	// onTaskOverdue is what happens, in order, each time a task passes its deadline
	// (one action per taskDeadline): Remind the owner, Escalate to the team lead
	// (escalation.onBreach.notify), Reassign to another rep, or Skip the task and go on.
	// Default [Remind, Escalate].
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=4
	OnTaskOverdue []TaskOverdueAction `json:"onTaskOverdue,omitempty"`

	// trigger makes the step an after-sales step: it is due after the lead's order
	// event (or the win), not after the previous touch, and is never sent when the
	// event never comes. Only in an after-sales policy, where every step has one.
	// +optional
	Trigger *StepTrigger `json:"trigger,omitempty"`
}

// WhatsAppTemplate is an approved WhatsApp message template and how to fill it.
type WhatsAppTemplate struct {
	// name of the template as approved in WhatsApp Business Manager.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9_]+$')",message="a WhatsApp template name is lowercase letters, digits and underscores, such as catalog_follow_up"
	Name string `json:"name"`

	// language code of the approved translation, such as en_US, de or pt_BR. Unset:
	// the channel's language.
	// +optional
	// +kubebuilder:validation:MaxLength=8
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z]{2,3}(_[A-Z]{2})?$')",message="language must be a WhatsApp language code such as en_US, de or pt_BR"
	Language string `json:"language,omitempty"`

	// parameters fill the template body's {{1}}, {{2}}, ... in order; each is a Go
	// text/template over the documented variables, such as "{{ .FirstName }}" or
	// "{{ .Vars.sender }}".
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MaxLength=1000
	Parameters []string `json:"parameters,omitempty"`
}

// StepVariant is one version of a step in an A/B test.
type StepVariant struct {
	// name of the variant (a, b, short-subject...), shown in reports.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="a variant name is lowercase letters, digits and dashes"
	Name string `json:"name"`
	// template the variant sends (defined under spec.templates).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Template string `json:"template"`
	// weight is the variant's share relative to the others.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	Weight int32 `json:"weight,omitempty"`
}

// SendWindow is when a touch may be sent.
// +kubebuilder:validation:Enum=BusinessHours;Anytime
type SendWindow string

// Send windows.
const (
	SendInBusinessHours SendWindow = "BusinessHours"
	SendAnytime         SendWindow = "Anytime"
)

// TaskOverdueAction is one rung of what happens to an overdue task.
// +kubebuilder:validation:Enum=Remind;Escalate;Reassign;Skip
type TaskOverdueAction string

// Overdue actions.
const (
	OverdueRemind   TaskOverdueAction = "Remind"
	OverdueEscalate TaskOverdueAction = "Escalate"
	OverdueReassign TaskOverdueAction = "Reassign"
	OverdueSkip     TaskOverdueAction = "Skip"
)

// AfterLastStep says when a silent lead turns dormant and how it is reactivated.
type AfterLastStep struct {
	// dormantFor is how long a lead stays dormant before a reactivation attempt.
	// +optional
	// +kubebuilder:default="720h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="dormantFor must be a positive duration such as 720h"
	DormantFor *metav1.Duration `json:"dormantFor,omitempty"`

	// reactivations is how many times a dormant lead is reactivated.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=3
	Reactivations *int32 `json:"reactivations,omitempty"`

	// reactivation is the steps of a reactivation attempt. Without them a reactivation
	// repeats the last step of the cadence.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=5
	// +kubebuilder:validation:XValidation:rule="self.all(s, self.exists_one(t, t.name == s.name))",message="reactivation step names must be unique"
	Reactivation []Step `json:"reactivation,omitempty"`
}

// OutOfOfficePolicy says how long an automatic reply (out-of-office) pauses a lead. An
// automatic reply is not a reply: it neither stops the cadence nor meets the
// first-response SLA.
// +kubebuilder:validation:XValidation:rule="!has(self.pause) || !has(self.maxPause) || duration(self.pause) <= duration(self.maxPause)",message="outOfOffice.pause must not exceed outOfOffice.maxPause"
type OutOfOfficePolicy struct {
	// pause is how long the lead waits when the message gives no return date.
	// +optional
	// +kubebuilder:default="168h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="pause must be a positive duration such as 168h"
	Pause *metav1.Duration `json:"pause,omitempty"`

	// maxPause bounds a return date read from a message (a sabbatical, a date in a
	// signature): the lead waits at most this long after the automatic reply.
	// +optional
	// +kubebuilder:default="1440h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="maxPause must be a positive duration such as 1440h"
	MaxPause *metav1.Duration `json:"maxPause,omitempty"`
}

// SameCompanyPolicy is what a colleague's answer does to a lead's cadence.
type SameCompanyPolicy struct {
	// action: Pause holds the lead's cadence for pauseFor after the colleague's answer,
	// then it resumes where it was; Stop ends it; None (the default) leaves it alone.
	// +optional
	// +kubebuilder:default=None
	Action SameCompanyAction `json:"action,omitempty"`

	// pauseFor is how long a colleague's answer holds the cadence (action Pause).
	// +optional
	// +kubebuilder:default="336h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="pauseFor must be a positive duration such as 336h"
	PauseFor *metav1.Duration `json:"pauseFor,omitempty"`
}

// SameCompanyAction is what a colleague's answer does.
// +kubebuilder:validation:Enum=Pause;Stop;None
type SameCompanyAction string

// Same-company actions.
const (
	SameCompanyPause SameCompanyAction = "Pause"
	SameCompanyStop  SameCompanyAction = "Stop"
	SameCompanyNone  SameCompanyAction = "None"
)

// StopEvent is an event that stops a lead's cadence.
// +kubebuilder:validation:Enum=Replied;MeetingBooked;Unsubscribed;Bounced;Won;Lost
type StopEvent string

// The events that can stop a cadence.
const (
	StopReplied       StopEvent = "Replied"
	StopMeetingBooked StopEvent = "MeetingBooked"
	StopUnsubscribed  StopEvent = "Unsubscribed"
	StopBounced       StopEvent = "Bounced"
	StopWon           StopEvent = "Won"
	StopLost          StopEvent = "Lost"
)

// HandToHuman routes high-intent leads to their owner.
type HandToHuman struct {
	// replyQualityAtLeast hands the lead over when a reply reaches this quality level
	// (1 polite, 2 information, 3 action).
	// +optional
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3
	ReplyQualityAtLeast int32 `json:"replyQualityAtLeast,omitempty"`

	// notify is a Channel told about a hand-over when the owner has no chat channel of
	// their own in the campaign.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Notify string `json:"notify,omitempty"`

	// keywords in an inbound message that hand the lead over (case-insensitive, whole words).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.all(k, k.matches('[\\\\p{L}\\\\p{N}]'))",message="handToHuman.keywords must each hold a word (letters or digits): an empty or punctuation-only keyword matches no reply"
	// +kubebuilder:default={price, quote, discount, sample, PI, proforma}
	Keywords []string `json:"keywords,omitempty"`
}

// Escalation is a ladder around the first-response deadline, each rung once: a notice
// to the owner warnBefore the deadline, the team lead (onBreach.notify) at the breach,
// and reassignment at the breach (onBreach.reassign) or reassignAfter it.
type Escalation struct {
	// warnBefore sends the owner a notice this long before the deadline.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="warnBefore must be a positive duration such as 15m"
	WarnBefore *metav1.Duration `json:"warnBefore,omitempty"`

	// onBreach is what happens when the deadline passes.
	// +optional
	OnBreach *BreachAction `json:"onBreach,omitempty"`

	// reassignAfter hands a lead still without contact to another rep this long after
	// the deadline (unset with onBreach.reassign: at the deadline).
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="reassignAfter must be a positive duration such as 30m"
	ReassignAfter *metav1.Duration `json:"reassignAfter,omitempty"`
}

// BreachAction is the response to a missed first-response deadline.
type BreachAction struct {
	// notify is a Channel (in this namespace) told about the breach, such as a team
	// lead's chat webhook.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Notify string `json:"notify,omitempty"`

	// reassign hands the lead to the next available rep of its campaign.
	// +optional
	Reassign bool `json:"reassign,omitempty"`
}

// WeeklyCaps bounds touches in any 7 days by lifecycle stage: new (0-7 days since
// submission), active (8-30 days) and silent (more than 30 days).
// +kubebuilder:validation:XValidation:rule="!has(self.new) || self.new > 0",message="weeklyCaps.new must be at least 1: with 0 a lead is never touched in its first week, so no first response is ever made"
type WeeklyCaps struct {
	// +optional
	// +kubebuilder:default=6
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=50
	New int32 `json:"new,omitempty"`
	// +optional
	// +kubebuilder:default=4
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=50
	Active int32 `json:"active,omitempty"`
	// +optional
	// +kubebuilder:default=2
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=50
	Silent int32 `json:"silent,omitempty"`
}

// MessageTemplate is a shared message. Subject and body are Go text/template strings;
// the variables they may use are documented in docs/templates.md, plus .Vars.<name>
// for each name declared in variables.
type MessageTemplate struct {
	// subject line (email) or title (chat); optional for channels without one.
	// +optional
	// +kubebuilder:validation:MaxLength=500
	Subject string `json:"subject,omitempty"`

	// body of the message.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=20000
	Body string `json:"body"`

	// variables are named template variables with their default values; a lead
	// overrides them in spec.vars. Templates read them as {{ .Vars.name }}.
	// +optional
	// +kubebuilder:validation:MaxProperties=20
	Variables map[string]string `json:"variables,omitempty"`

	// translations of the template by language code (de, pt-BR): a lead whose language
	// (spec.contact.language, else its country's) has a translation gets it; pt-BR
	// falls back to pt. A lead with no translation gets subject and body above (in the
	// policy's language) and its TranslationMissing condition says so. Translations
	// share the variables above.
	// +optional
	// +kubebuilder:validation:MaxProperties=40
	// +kubebuilder:validation:XValidation:rule="self.all(k, k.matches('^[a-z]{2}(-[A-Z]{2})?$'))",message="translations are keyed by a language code such as de or pt-BR"
	Translations map[string]Translation `json:"translations,omitempty"`
}

// Translation is a template in another language.
type Translation struct {
	// subject line in that language; empty: no subject.
	// +optional
	// +kubebuilder:validation:MaxLength=500
	Subject string `json:"subject,omitempty"`

	// body in that language.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=20000
	Body string `json:"body"`
}

// FollowUpPolicyStatus is the observed state of a FollowUpPolicy.
type FollowUpPolicyStatus struct {
	// observedGeneration is the generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready, and Stalled while the policy cannot be used.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// stepsRevision is a hash of the step list; a lead records which revision its
	// touches were planned under.
	// +optional
	StepsRevision string `json:"stepsRevision,omitempty"`

	// steps is the number of steps in the cadence.
	// +optional
	Steps int32 `json:"steps,omitempty"`

	// currentRevision is the stable revision (a hash of the spec without rollout);
	// its spec is kept in the ControllerRevision <policy>-<revision>.
	// +optional
	CurrentRevision string `json:"currentRevision,omitempty"`
	// updateRevision is the candidate revision, the spec as it is now; equal to
	// currentRevision when no rollout is under way.
	// +optional
	UpdateRevision string `json:"updateRevision,omitempty"`
	// rollout shows both arms' measures while a rollout is under way.
	// +optional
	Rollout *PolicyRolloutStatus `json:"rollout,omitempty"`
}

// FollowUpPolicy declares a follow-up SLA: first-response deadlines, the touch cadence,
// business hours, dormancy, stop events and escalation.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=fpol,categories=followup
// +kubebuilder:printcolumn:name="Steps",type=integer,JSONPath=`.status.steps`
// +kubebuilder:printcolumn:name="Time Zone",type=string,JSONPath=`.spec.schedule.timeZone`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Rollout",type=string,JSONPath=`.status.rollout.summary`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FollowUpPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   FollowUpPolicySpec   `json:"spec"`
	Status FollowUpPolicyStatus `json:"status,omitempty"`
}

// FollowUpPolicyList is a list of FollowUpPolicy.
// +kubebuilder:object:root=true
type FollowUpPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FollowUpPolicy `json:"items"`
}

func init() {
	SchemeBuilder.Register(&FollowUpPolicy{}, &FollowUpPolicyList{})
}
