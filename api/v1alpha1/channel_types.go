package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ChannelType is how a channel delivers.
// +kubebuilder:validation:Enum=Webhook;SMTP;WhatsApp;Task
type ChannelType string

// Channel types.
const (
	ChannelWebhook  ChannelType = "Webhook"
	ChannelSMTP     ChannelType = "SMTP"
	ChannelWhatsApp ChannelType = "WhatsApp"
	ChannelTask     ChannelType = "Task"
)

// ChannelSpec configures one delivery channel. Credentials live in a Secret, never here.
// +kubebuilder:validation:XValidation:rule="(self.type == 'Webhook') == has(self.webhook)",message="spec.webhook is set exactly when type is Webhook"
// +kubebuilder:validation:XValidation:rule="(self.type == 'SMTP') == has(self.smtp)",message="spec.smtp is set exactly when type is SMTP"
// +kubebuilder:validation:XValidation:rule="(self.type == 'WhatsApp') == has(self.whatsapp)",message="spec.whatsapp is set exactly when type is WhatsApp"
// +kubebuilder:validation:XValidation:rule="self.type == 'Task' || self.type == 'Webhook' || has(self.credentialsRef)",message="SMTP and WhatsApp channels need spec.credentialsRef"
type ChannelSpec struct {
	// type of delivery.
	Type ChannelType `json:"type"`

	// +optional
	Webhook *WebhookChannel `json:"webhook,omitempty"`
	// +optional
	SMTP *SMTPChannel `json:"smtp,omitempty"`
	// +optional
	WhatsApp *WhatsAppChannel `json:"whatsapp,omitempty"`
	// task: a human touch assigned to the lead's owner.
	// +optional
	Task *TaskChannel `json:"task,omitempty"`

	// credentialsRef is the Secret holding this channel's credentials (webhook signing
	// key, SMTP username/password, WhatsApp access token).
	// +optional
	CredentialsRef *SecretKeyRef `json:"credentialsRef,omitempty"`

	// rateLimit bounds sends through this channel.
	// +optional
	// +kubebuilder:default={}
	RateLimit RateLimit `json:"rateLimit,omitempty"`

	// retry is how a send that failed for a passing reason (5xx, timeout, SMTP 4xx) is
	// tried again before the step's next fallback channel is used.
	// +optional
	// +kubebuilder:default={}
	Retry RetryPolicy `json:"retry,omitempty"`
}

// RetryPolicy is the backoff of transient send failures: initialBackoff, doubling up to
// maxBackoff, maxAttempts in all.
// +kubebuilder:validation:XValidation:rule="!has(self.initialBackoff) || !has(self.maxBackoff) || duration(self.initialBackoff) <= duration(self.maxBackoff)",message="retry.initialBackoff must not be longer than retry.maxBackoff"
type RetryPolicy struct {
	// +optional
	// +kubebuilder:default="30s"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) >= duration('100ms')",message="initialBackoff must be a duration of at least 100ms, such as 30s"
	InitialBackoff *metav1.Duration `json:"initialBackoff,omitempty"`
	// +optional
	// +kubebuilder:default="30m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) >= duration('100ms') && duration(self) <= duration('24h')",message="maxBackoff must be a duration between 100ms and 24h, such as 30m"
	MaxBackoff *metav1.Duration `json:"maxBackoff,omitempty"`
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=50
	MaxAttempts int32 `json:"maxAttempts,omitempty"`
}

// WebhookFormat is the body format a webhook receives.
// +kubebuilder:validation:Enum=JSON;Slack;WeCom;DingTalk;Feishu
type WebhookFormat string

// WebhookChannel posts touches to a URL.
type WebhookChannel struct {
	// url to POST to.
	// +kubebuilder:validation:MaxLength=2048
	// A URL without a host, or with a space, parses in Go and fails only at the first
	// send; credentials in the URL would sit in Git. Both are refused here.
	// +kubebuilder:validation:XValidation:rule="self.matches('^https?://(\\\\[[0-9a-fA-F:.]+\\\\]|[^\\\\s/?#@:\\\\[\\\\]]+)(:[0-9]{1,5})?([/?#]\\\\S*)?$')",message="url must be an http(s) URL with a host and no spaces, such as https://hooks.example.com/touch"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^https?://[^/?#]*@')",message="url must not carry credentials (user:password@host); put them in the Secret named by spec.credentialsRef"
	URL string `json:"url"`
	// format of the body: JSON (the touch itself) or a chat tool's incoming webhook.
	// +optional
	// +kubebuilder:default=JSON
	Format WebhookFormat `json:"format,omitempty"`
	// timeout of one request.
	// +optional
	// +kubebuilder:default="10s"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="timeout must be a positive duration such as 10s"
	Timeout *metav1.Duration `json:"timeout,omitempty"`
}

// SMTPSecurity is how the SMTP connection is protected.
// +kubebuilder:validation:Enum=StartTLS;TLS;None
type SMTPSecurity string

// SMTPChannel sends email.
type SMTPChannel struct {
	// host is the server's name, without a scheme or a port (spec.smtp.port).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$') || self.matches('^\\\\[[0-9a-fA-F:.]+\\\\]$')",message="host must be a host name such as smtp.example.com, without a scheme or a port (the port goes in spec.smtp.port)"
	Host string `json:"host"`
	// +optional
	// +kubebuilder:default=587
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	Port int32 `json:"port,omitempty"`
	// +optional
	// +kubebuilder:default=StartTLS
	Security SMTPSecurity `json:"security,omitempty"`
	// from is the sender address.
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:XValidation:rule="self.matches('^([^<>]*<)?[^@<> ]+@[^@<> ]+>?$')",message="from must be an address such as sales@example.com or \"ACME Sales <sales@example.com>\""
	From string `json:"from"`
}

// WhatsAppChannel sends template messages through the WhatsApp Business Cloud API.
type WhatsAppChannel struct {
	// phoneNumberId of the business number.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	PhoneNumberID string `json:"phoneNumberId"`
	// apiBase is the Graph API base URL.
	// +optional
	// +kubebuilder:default="https://graph.facebook.com/v21.0"
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.matches('^https?://(\\\\[[0-9a-fA-F:.]+\\\\]|[^\\\\s/?#@:\\\\[\\\\]]+)(:[0-9]{1,5})?([/?#]\\\\S*)?$')",message="apiBase must be an http(s) URL with a host and no spaces, such as https://graph.facebook.com/v21.0"
	APIBase string `json:"apiBase,omitempty"`
	// language of the approved templates.
	// +optional
	// +kubebuilder:default=en
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z]{2,3}(_[A-Za-z0-9]{2,4})?$')",message="language must be a WhatsApp template language code such as en, de or pt_BR"
	Language string `json:"language,omitempty"`
	// businessAccountId is the WhatsApp Business Account (WABA) the number belongs to.
	// Meta sends template status and quality changes and messaging limit changes per
	// account (the webhook's entry[].id), not per number: with it set, they show on this
	// Channel and hold the steps whose template Meta paused. Unset: they are not seen.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]+$')",message="businessAccountId is the WhatsApp Business Account id: digits only, such as 102290129340398"
	BusinessAccountID string `json:"businessAccountId,omitempty"`
	// displayPhoneNumber is the business number as Meta displays it (digits, with the
	// country code, such as 15550783881; spaces, dashes and a leading + are allowed).
	// Meta names the number of a messaging limit change only so: with it set, the
	// number's messaging limit shows on this Channel.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^[+]?[0-9][-0-9 ()]*$')",message="displayPhoneNumber must be a phone number such as +1 555 078 3881"
	DisplayPhoneNumber string `json:"displayPhoneNumber,omitempty"`
}

// TaskChannel assigns a touch to the lead's owner.
type TaskChannel struct {
	// notify is a Webhook Channel that tells the owner (falls back to the rep's own
	// chat channel in the campaign).
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Notify string `json:"notify,omitempty"`
}

// RateLimit bounds sends.
type RateLimit struct {
	// perMinute sends at most.
	// +optional
	// +kubebuilder:default=60
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100000
	PerMinute int32 `json:"perMinute,omitempty"`
}

// ChannelStatus is the observed state of a channel.
type ChannelStatus struct {
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// +optional
	Sends int64 `json:"sends,omitempty"`
	// +optional
	Failures int64 `json:"failures,omitempty"`
	// lastError is the class of the last failure (never customer data).
	// +optional
	LastError string `json:"lastError,omitempty"`
	// +optional
	LastSendAt *metav1.Time `json:"lastSendAt,omitempty"`
	// countedThrough is the watermark of sends and failures: every touch performed or
	// failed on this channel up to this instant is in the counters, so a restart
	// recounts from the leads' durable touch records after it and nothing is lost.
	// +optional
	CountedThrough *metav1.Time `json:"countedThrough,omitempty"`
	// queued is how many touches wait on this channel (intent written, no result yet,
	// including those a rate limit deferred), as of the last status write.
	// +optional
	Queued int32 `json:"queued,omitempty"`
	// drainsAt estimates when the queue is through at the channel's rate limit; unset
	// when nothing waits.
	// +optional
	DrainsAt *metav1.Time `json:"drainsAt,omitempty"`
	// whatsApp is what Meta's webhooks said about the account's templates and the
	// number's messaging limit (set by the inbound edge; WhatsApp channels only).
	// +optional
	WhatsApp *WhatsAppChannelStatus `json:"whatsApp,omitempty"`
}

// WhatsAppChannelStatus is the state Meta reported for a WhatsApp channel's account
// and number, newest event first by Meta's own timestamps.
type WhatsAppChannelStatus struct {
	// templates are the account's templates Meta sent news of (status or quality),
	// at most 64: when full, the longest unchanged usable one makes room.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +listMapKey=language
	// +kubebuilder:validation:MaxItems=64
	Templates []WhatsAppTemplateState `json:"templates,omitempty"`
	// messagingLimit is the number's messaging limit tier as Meta last reported it.
	// +optional
	MessagingLimit *WhatsAppMessagingLimit `json:"messagingLimit,omitempty"`
}

// WhatsAppTemplateState is one template (name and language) as Meta last reported it.
type WhatsAppTemplateState struct {
	// name of the template in WhatsApp Manager.
	// +kubebuilder:validation:MaxLength=512
	Name string `json:"name"`
	// language code of the template, as the step names it (en_US; Meta's en-US is
	// stored with an underscore).
	// +kubebuilder:validation:MaxLength=16
	Language string `json:"language"`
	// status is the template's last status event from Meta: APPROVED, REINSTATED,
	// PAUSED, DISABLED, PENDING_DELETION, DELETED, REJECTED, IN_APPEAL, PENDING or
	// ARCHIVED. Empty while only its quality is known.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	Status string `json:"status,omitempty"`
	// lastEvent is Meta's last event for the template when it did not change its
	// status (FLAGGED, LOCKED, UNLOCKED, LIMIT_EXCEEDED), else the status event.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	LastEvent string `json:"lastEvent,omitempty"`
	// quality is the template's quality score: GREEN, YELLOW, RED or UNKNOWN.
	// +optional
	// +kubebuilder:validation:MaxLength=16
	Quality string `json:"quality,omitempty"`
	// reason is Meta's reason or pause title (FIRST_PAUSE, SECOND_PAUSE,
	// INCORRECT_CATEGORY...), when it gave one.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	Reason string `json:"reason,omitempty"`
	// updatedAt is Meta's time of the status event stored (the webhook entry's time):
	// an older event delivered late changes nothing.
	// +optional
	UpdatedAt *metav1.Time `json:"updatedAt,omitempty"`
	// qualityUpdatedAt is Meta's time of the quality event stored.
	// +optional
	QualityUpdatedAt *metav1.Time `json:"qualityUpdatedAt,omitempty"`
}

// WhatsAppMessagingLimit is a business number's messaging limit: how many customers
// it may start conversations with in 24 hours.
type WhatsAppMessagingLimit struct {
	// tier is Meta's current_limit: TIER_50, TIER_250, TIER_1K, TIER_2K, TIER_10K,
	// TIER_100K, TIER_UNLIMITED or TIER_NOT_SET.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	Tier string `json:"tier,omitempty"`
	// businessTier is Meta's max_daily_conversations_per_business: the limit of the
	// business portfolio that owns the number, which replaces per-number tiers.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	BusinessTier string `json:"businessTier,omitempty"`
	// event is Meta's last event for the number: ONBOARDING, UPGRADE, DOWNGRADE,
	// FLAGGED, UNFLAGGED, THROUGHPUT_UPGRADE...
	// +optional
	// +kubebuilder:validation:MaxLength=32
	Event string `json:"event,omitempty"`
	// quality is the number's quality rating as the events tell it: RED once Meta
	// FLAGGED the number (its rating fell low), GREEN once UNFLAGGED. Meta's payload
	// carries no rating of its own; empty until such an event.
	// +optional
	// +kubebuilder:validation:MaxLength=16
	Quality string `json:"quality,omitempty"`
	// updatedAt is Meta's time of the event stored.
	// +optional
	UpdatedAt *metav1.Time `json:"updatedAt,omitempty"`
}

// Channel is a way to deliver touches: a webhook, SMTP, WhatsApp, or a task for a human.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=fch,categories=followup
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Sends",type=integer,JSONPath=`.status.sends`
// +kubebuilder:printcolumn:name="Failures",type=integer,JSONPath=`.status.failures`
// +kubebuilder:printcolumn:name="Queued",type=integer,JSONPath=`.status.queued`
// +kubebuilder:printcolumn:name="Drains At",type=date,JSONPath=`.status.drainsAt`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Templates",type=string,JSONPath=`.status.conditions[?(@.type=="TemplatesHealthy")].reason`
// +kubebuilder:printcolumn:name="Tier",type=string,JSONPath=`.status.whatsApp.messagingLimit.tier`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Channel struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ChannelSpec   `json:"spec"`
	Status ChannelStatus `json:"status,omitempty"`
}

// ChannelList is a list of Channel.
// +kubebuilder:object:root=true
type ChannelList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Channel `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Channel{}, &ChannelList{})
}
