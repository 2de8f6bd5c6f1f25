package v1alpha1

// Reasons a Channel reports.
const (
	ReasonSecretNotFound        = "SecretNotFound"
	ReasonSecretKeyMissing      = "SecretKeyMissing"
	ReasonNotifyChannelNotFound = "NotifyChannelNotFound"
	ReasonNotifyNotWebhook      = "NotifyChannelNotWebhook"
)

// WhatsApp template and messaging limit conditions (docs/channels.md).
const (
	// ConditionTemplatesHealthy is False on a WhatsApp Channel (and on a policy whose
	// steps use it) while Meta has paused, disabled, rejected or scheduled for deletion
	// a template, or rated its quality RED: the steps that send it are held.
	ConditionTemplatesHealthy = "TemplatesHealthy"
	// ConditionWithinMessagingLimit is False when the channel's rate limit lets more
	// messages out in 24 hours than the number's messaging limit tier allows.
	ConditionWithinMessagingLimit = "WithinMessagingLimit"

	ReasonTemplatesHealthy   = "TemplatesHealthy"
	ReasonTemplatePaused     = "TemplatePaused"
	ReasonTemplateDisabled   = "TemplateDisabled"
	ReasonTemplateRejected   = "TemplateRejected"
	ReasonTemplateDeleted    = "TemplateDeleted"
	ReasonTemplatePending    = "TemplatePending"
	ReasonTemplateLowQuality = "TemplateQualityRed"
	ReasonNoTemplateNews     = "NoTemplateNews"

	ReasonWithinTier         = "WithinTier"
	ReasonRateLimitAboveTier = "RateLimitAboveTier"
	ReasonTierUnknown        = "TierUnknown"

	// ReasonTemplateHeld: a lead's touch waits because the WhatsApp template of its
	// step is held (Delivering False); EventTemplateHeld announces it once.
	ReasonTemplateHeld  = "TemplateHeld"
	EventTemplateHeld   = "TemplateHeld"
	EventTemplateUsable = "TemplateUsable"
)
