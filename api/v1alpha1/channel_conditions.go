package v1alpha1

// Reasons a Channel reports.
const (
	ReasonSecretNotFound        = "SecretNotFound"
	ReasonSecretKeyMissing      = "SecretKeyMissing"
	ReasonNotifyChannelNotFound = "NotifyChannelNotFound"
	ReasonNotifyNotWebhook      = "NotifyChannelNotWebhook"
)
