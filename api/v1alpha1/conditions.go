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
)

// Condition reasons (CamelCase, as the API conventions ask).
const (
	ReasonValid            = "Valid"
	ReasonProgressing      = "Progressing"
	ReasonInvalidTemplate  = "InvalidTemplate"
	ReasonUnknownVariable  = "UnknownVariable"
	ReasonChannelNotFound  = "ChannelNotFound"
	ReasonInvalidTimeZone  = "InvalidTimeZone"
	ReasonInvalidHoliday   = "InvalidHoliday"
	ReasonPolicyNotFound   = "PolicyNotFound"
	ReasonPolicyNotReady   = "PolicyNotReady"
	ReasonCampaignNotFound = "CampaignNotFound"
	ReasonUnknownTier      = "UnknownTier"
	ReasonSuspended        = "Suspended"
)
