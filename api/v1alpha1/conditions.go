package v1alpha1

// Condition types. Ready is the summary every kind reports; Reconciling and Stalled are
// present only while true, the way kstatus (Argo CD, Flux) reads health.
const (
	ConditionReady       = "Ready"
	ConditionReconciling = "Reconciling"
	ConditionStalled     = "Stalled"

	// Lead conditions.
	ConditionFirstResponseSLA = "FirstResponseSLA"
	ConditionEngaged          = "Engaged"
	ConditionDormant          = "Dormant"
	ConditionClosed           = "Closed"
	// ConditionAssigned is False while a lead waits for a rep with room.
	ConditionAssigned = "Assigned"
	// ConditionDelivering is False while the lead's touches or notices fail (a channel
	// without credentials, a template that does not render, no channel for a notice).
	ConditionDelivering = "Delivering"
	// ConditionValid is False when the lead's own spec holds something the engine works
	// around (an unknown tier, a submission time in the future, undeclared vars).
	ConditionValid = "Valid"

	// ConditionChannelsReady (policies) says whether every channel the policy names can
	// deliver; False lists those that cannot. Ready goes False only when none can.
	ConditionChannelsReady = "ChannelsReady"
	// ConditionConversionUploaded says whether a won lead reached the ad platform as an
	// offline conversion (present only for won leads of campaigns that upload).
	ConditionConversionUploaded = "ConversionUploaded"

	// ConditionTranslationMissing (leads) is present while the latest touch went out in
	// the template's default language because the template has no translation for the
	// lead's language.
	ConditionTranslationMissing = "TranslationMissing"

	// ConditionSameCompany (leads) is present while a colleague's answer (another lead
	// of the same company replied or booked a meeting) pauses or stopped the cadence.
	ConditionSameCompany = "SameCompany"

	// Campaign conditions.
	ConditionActionNeeded = "ActionNeeded"
)

// Condition reasons (CamelCase, as the API conventions ask).
const (
	// Reasons of ConversionUploaded.
	ReasonUploaded           = "Uploaded"
	ReasonUploadRetrying     = "UploadRetrying"
	ReasonUploadFailed       = "UploadFailed"
	ReasonNoConversionID     = "NoClickIDOrContact"
	ReasonNoConversionValue  = "NoConversionValue"
	ReasonCredentialsMissing = "CredentialsMissing"

	ReasonValid           = "Valid"
	ReasonProgressing     = "Progressing"
	ReasonInvalidTemplate = "InvalidTemplate"
	ReasonUnknownVariable = "UnknownVariable"
	ReasonChannelNotFound = "ChannelNotFound"
	// ReasonChannelNotReady: a channel the policy names exists but reports Ready=False.
	ReasonChannelNotReady    = "ChannelNotReady"
	ReasonChannelsReady      = "ChannelsReady"
	ReasonInvalidTimeZone    = "InvalidTimeZone"
	ReasonInvalidHoliday     = "InvalidHoliday"
	ReasonPolicyNotFound     = "PolicyNotFound"
	ReasonPolicyNotReady     = "PolicyNotReady"
	ReasonCampaignNotFound   = "CampaignNotFound"
	ReasonUnknownTier        = "UnknownTier"
	ReasonSuspended          = "Suspended"
	ReasonInvalidSubmittedAt = "InvalidSubmittedAt"

	// Campaign reasons.
	ReasonDuplicateCampaignID   = "DuplicateCampaignID"
	ReasonChatChannelNotFound   = "ChatChannelNotFound"
	ReasonChatChannelNotWebhook = "ChatChannelNotWebhook"

	// Lead reasons.
	ReasonTouchInFlight        = "TouchInFlight"
	ReasonNoRepAvailable       = "NoRepAvailable"
	ReasonDelivering           = "Delivering"
	ReasonTemplateRenderFailed = "TemplateRenderFailed"
	ReasonChannelFailing       = "ChannelFailing"
	ReasonNoticeUndeliverable  = "NoticeUndeliverable"
	ReasonSLAMet               = "Met"
	ReasonSLABreached          = "Breached"
	ReasonSLAPending           = "Pending"
	ReasonReplied              = "Replied"
	ReasonNoReply              = "NoReply"
	ReasonNoAnswer             = "NoAnswer"
	ReasonFinal                = "Final"
	ReasonActive               = "Active"
	ReasonOpen                 = "Open"
	// ReasonNoTranslation: the touch's template has no translation for the lead.
	ReasonNoTranslation = "NoTranslation"
	// ReasonColleagueAnswered: another lead of the same company replied or booked a
	// meeting (condition SameCompany).
	ReasonColleagueAnswered = "ColleagueAnswered"
)

// Event reasons (each emitted on a transition only).
const (
	EventTouchDue        = "TouchDue"
	EventTouchPerformed  = "TouchPerformed"
	EventTaskAssigned    = "TaskAssigned"
	EventTouchFailed     = "TouchFailed"
	EventTouchRetry      = "TouchRetry"
	EventTaskOverdue     = "TaskOverdue"
	EventTaskSkipped     = "TaskSkipped"
	EventSLAMet          = "SLAMet"
	EventSLABreached     = "SLABreached"
	EventSLAAtRisk       = "SLAAtRisk"
	EventReassigned      = "Reassigned"
	EventOwnerAssigned   = "OwnerAssigned"
	EventNoRepAvailable  = "NoRepAvailable"
	EventDormant         = "Dormant"
	EventReactivated     = "Reactivated"
	EventHandedToHuman   = "HandedToHuman"
	EventCadenceStopped  = "CadenceStopped"
	EventWon             = "Won"
	EventLost            = "Lost"
	EventNoticeSent      = "NoticeSent"
	EventNoticeFailed    = "NoticeFailed"
	EventTemplateFailed  = "TemplateRenderFailed"
	EventDeliveryBlocked = "DeliveryBlocked"
	// EventOutOfOffice: an automatic reply paused the cadence; EventCadenceResumed: the
	// pause ended and the cadence goes on where it was.
	EventOutOfOffice    = "OutOfOffice"
	EventCadenceResumed = "CadenceResumed"
	// EventTranslationMissing: a touch fell back to the default language.
	EventTranslationMissing = "TranslationMissing"
	// EventSameCompanyPaused / EventSameCompanyStopped: a colleague's answer paused or
	// stopped the cadence; the event names the lead that answered.
	EventSameCompanyPaused  = "SameCompanyPaused"
	EventSameCompanyStopped = "SameCompanyStopped"
	// EventAfterSalesTouch: an after-sales step went out (or failed, as a warning);
	// EventAfterSalesHandedOff: a reply, complaint or return handed a won lead to its
	// owner; EventAfterSalesBlocked: its after-sales policy is missing or not ready.
	EventAfterSalesTouch     = "AfterSalesTouch"
	EventAfterSalesHandedOff = "AfterSalesHandedOff"
	EventAfterSalesBlocked   = "AfterSalesBlocked"
)
