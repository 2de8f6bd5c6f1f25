package v1alpha1_test

// The invalid objects an ops engineer writes, each with what the cluster must say about
// it: refused at admission with a message (rejected), or stored and reported on the
// object's Ready condition with a reason (reason). Each case is a merge patch (YAML) on
// a valid base object of its kind (baseObjects); `setup` objects are created first in
// the case's namespace, beside a channel "email" and a policy "p" that are valid.
//
// Lead-side checks that need the lead controller (an unknown tier, lead vars no template
// declares, submittedAt in the future) belong to the lead controller's own tests.

type invalidCase struct {
	name  string
	kind  string
	patch string
	// rejected is a fragment of the API server's refusal.
	rejected string
	// reason is the Ready=False/Stalled=True reason, and message a fragment of its message.
	reason, message string
	setup           []string
	// alsoOn names another object ("Kind/name") that must report the same reason.
	alsoOn string
}

var invalidCases = []invalidCase{
	// A rollout's percent.
	{name: "rollout over 100 percent", kind: "FollowUpPolicy", patch: `spec: {rollout: {percent: 120}}`,
		rejected: "rollout.percent is the share of leads in percent"},
	{name: "rollout without a percent", kind: "FollowUpPolicy", patch: `spec: {rollout: {inFlight: true}}`,
		rejected: "spec.rollout.percent: Required value"},
	{name: "rollout of an after-sales policy", kind: "FollowUpPolicy",
		patch:    `spec: {rollout: {percent: 10}, steps: [{name: confirm, channel: email, template: intro, trigger: {event: Confirmed}}]}`,
		rejected: "spec.rollout is for sales policies"},
	// FollowUpPolicy, refused at admission.
	{name: "policy without steps", kind: "FollowUpPolicy", patch: `spec: {steps: null}`,
		rejected: "spec.steps: Required value"},
	{name: "duplicate step names", kind: "FollowUpPolicy",
		patch:    `spec: {steps: [{name: introduce, channel: email, template: intro}, {name: introduce, performedBy: Owner}]}`,
		rejected: "step names must be unique"},
	{name: "automated step without channel", kind: "FollowUpPolicy", patch: `spec: {steps: [{name: introduce, template: intro}]}`,
		rejected: "an automated step needs a channel and a template"},
	{name: "step names an undefined template", kind: "FollowUpPolicy",
		patch: `spec: {steps: [{name: introduce, channel: email, template: intro-v2}]}`, rejected: "every step's template must be defined under spec.templates"},
	{name: "reactivation step names an undefined template", kind: "FollowUpPolicy",
		patch:    `spec: {afterLastStep: {reactivation: [{name: win-back, channel: email, template: win-back}]}}`,
		rejected: "every reactivation step's template must be defined under spec.templates"},
	{name: "step name with spaces", kind: "FollowUpPolicy", patch: `spec: {steps: [{name: Send Catalog, channel: email, template: intro}]}`,
		rejected: "step name must be a lowercase name"},
	{name: "zero first-response deadline", kind: "FollowUpPolicy", patch: `spec: {firstResponse: [{tier: high, within: 0s}]}`,
		rejected: "within must be a positive duration"},
	{name: "first-response deadline in days", kind: "FollowUpPolicy", patch: `spec: {firstResponse: [{tier: standard, within: 1d}]}`,
		rejected: "within must be a positive duration such as 1h or 24h"},
	{name: "duplicate tiers", kind: "FollowUpPolicy", patch: `spec: {firstResponse: [{tier: high, within: 1h}, {tier: high, within: 2h}]}`,
		rejected: "Duplicate value"},
	{name: "capitalised tier", kind: "FollowUpPolicy", patch: `spec: {firstResponse: [{tier: High, within: 1h}]}`,
		rejected: "tier must be a lowercase name such as high or standard"},
	{name: "business hours not HH:MM", kind: "FollowUpPolicy", patch: `spec: {schedule: {businessHours: {from: 9am}}}`,
		rejected: "from must be a time of day in HH:MM form"},
	{name: "business hours end before start", kind: "FollowUpPolicy", patch: `spec: {schedule: {businessHours: {from: "18:00", to: "09:00"}}}`,
		rejected: "businessHours.from must be earlier than businessHours.to"},
	{name: "business hours from equals to", kind: "FollowUpPolicy", patch: `spec: {schedule: {businessHours: {from: "09:00", to: "09:00"}}}`,
		rejected: "businessHours.from must be earlier than businessHours.to"},
	{name: "no business days", kind: "FollowUpPolicy", patch: `spec: {schedule: {businessHours: {days: []}}}`,
		rejected: "should have at least 1 items"},
	{name: "weekday spelled out", kind: "FollowUpPolicy", patch: `spec: {schedule: {businessHours: {days: [Monday]}}}`,
		rejected: `Unsupported value: "Monday"`},
	{name: "holiday not a date", kind: "FollowUpPolicy", patch: `spec: {schedule: {holidays: ["24.12.2026"]}}`,
		rejected: "holidays must be dates in YYYY-MM-DD form"},
	{name: "time zone Local", kind: "FollowUpPolicy", patch: `spec: {schedule: {timeZone: Local}}`,
		rejected: "timeZone Local is the operator host's zone"},
	{name: "time zone as an offset", kind: "FollowUpPolicy", patch: `spec: {schedule: {timeZone: "+01:00"}}`,
		rejected: "timeZone must be an IANA zone name such as Europe/Berlin"},
	{name: "time zone with a space", kind: "FollowUpPolicy", patch: `spec: {schedule: {timeZone: Europe Berlin}}`,
		rejected: "timeZone must be an IANA zone name such as Europe/Berlin"},
	{name: "weekly cap out of range", kind: "FollowUpPolicy", patch: `spec: {weeklyCaps: {new: 99}}`,
		rejected: "spec.weeklyCaps.new: Invalid value"},
	{name: "every weekly cap 0", kind: "FollowUpPolicy", patch: `spec: {weeklyCaps: {new: 0, active: 0, silent: 0}}`,
		rejected: "weeklyCaps.new must be at least 1: with 0 a lead is never touched in its first week"},
	{name: "warnBefore longer than a deadline", kind: "FollowUpPolicy", patch: `spec: {escalation: {warnBefore: 2h}}`,
		rejected: "escalation.warnBefore (2h) must be shorter than every firstResponse deadline"},
	{name: "warnBefore equal to a deadline", kind: "FollowUpPolicy",
		patch:    `spec: {firstResponse: [{tier: high, within: 30m}, {tier: standard, within: 24h}], escalation: {warnBefore: 30m}}`,
		rejected: "escalation.warnBefore (30m) must be shorter than every firstResponse deadline"},
	{name: "reassignAfter zero", kind: "FollowUpPolicy", patch: `spec: {escalation: {reassignAfter: 0s}}`,
		rejected: "reassignAfter must be a positive duration"},
	{name: "empty hand-to-human keyword", kind: "FollowUpPolicy", patch: `spec: {handToHuman: {keywords: [price, ""]}}`,
		rejected: "handToHuman.keywords must each hold a word"},
	{name: "punctuation-only hand-to-human keyword", kind: "FollowUpPolicy", patch: `spec: {handToHuman: {keywords: [price, "?!"]}}`,
		rejected: "handToHuman.keywords must each hold a word"},
	{name: "hand-off reply quality 4", kind: "FollowUpPolicy", patch: `spec: {handToHuman: {replyQualityAtLeast: 4}}`,
		rejected: "should be less than or equal to 3"},
	{name: "unknown stop event", kind: "FollowUpPolicy", patch: `spec: {stopOn: [Replies]}`,
		rejected: `Unsupported value: "Replies"`},
	{name: "fallback repeats the channel", kind: "FollowUpPolicy",
		patch:    `spec: {steps: [{name: introduce, channel: email, fallback: [email], template: intro}]}`,
		rejected: "a step's fallback must not repeat its channel"},
	{name: "fallback listed twice", kind: "FollowUpPolicy",
		patch:    `spec: {steps: [{name: introduce, channel: email, fallback: [whatsapp, whatsapp], template: intro}]}`,
		rejected: "a step's fallback channels must be distinct"},
	{name: "negative delay", kind: "FollowUpPolicy",
		patch: `spec: {steps: [{name: introduce, channel: email, template: intro}, {name: again, after: -1h, channel: email, template: intro}]}`, rejected: "after must be a duration such as 36h"},
	{name: "delay in words", kind: "FollowUpPolicy",
		patch: `spec: {steps: [{name: introduce, channel: email, template: intro}, {name: again, after: 2 days, channel: email, template: intro}]}`, rejected: "after must be a duration such as 36h"},
	{name: "task deadline on an automated step", kind: "FollowUpPolicy",
		patch:    `spec: {steps: [{name: introduce, channel: email, template: intro, taskDeadline: 4h}]}`,
		rejected: "taskDeadline and onTaskOverdue apply to a task"},
	{name: "performedBy a rep's name", kind: "FollowUpPolicy", patch: `spec: {steps: [{name: call, performedBy: Anna}]}`,
		rejected: `Unsupported value: "Anna"`},
	{name: "dormant for zero", kind: "FollowUpPolicy", patch: `spec: {afterLastStep: {dormantFor: 0s}}`,
		rejected: "dormantFor must be a positive duration"},
	{name: "too many reactivations", kind: "FollowUpPolicy", patch: `spec: {afterLastStep: {reactivations: 5}}`,
		rejected: "should be less than or equal to 3"},
	{name: "template with an empty body", kind: "FollowUpPolicy", patch: `spec: {templates: {intro: {subject: Hi, body: ""}}}`,
		rejected: "should be at least 1 chars long"},

	// FollowUpPolicy, stored and reported.
	{name: "time zone that does not exist", kind: "FollowUpPolicy", patch: `spec: {schedule: {timeZone: Europe/Berln}}`,
		reason: "InvalidTimeZone", message: `schedule.timeZone "Europe/Berln" is not an IANA time zone`},
	{name: "time zone as UTC plus hours", kind: "FollowUpPolicy", patch: `spec: {schedule: {timeZone: UTC+2}}`,
		reason: "InvalidTimeZone", message: `"UTC+2" is not an IANA time zone`},
	{name: "holiday that is not in the calendar", kind: "FollowUpPolicy", patch: `spec: {schedule: {holidays: ["2026-02-30"]}}`,
		reason: "InvalidHoliday", message: `"2026-02-30" is not a calendar date`},
	{name: "template reads an undeclared variable", kind: "FollowUpPolicy", patch: `spec: {templates: {intro: {body: "Hello {{ .Vars.offer }}"}}}`,
		reason: "InvalidTemplate", message: "template intro (step introduce)"},
	{name: "template that does not parse", kind: "FollowUpPolicy", patch: `spec: {templates: {intro: {body: "Hello {{ .FirstName "}}}`,
		reason: "InvalidTemplate", message: "template intro (step introduce)"},
	{name: "step names a missing channel", kind: "FollowUpPolicy", patch: `spec: {steps: [{name: introduce, channel: emial, template: intro}]}`,
		reason: "ChannelNotFound", message: `step introduce: channel "emial" not found`},
	{name: "escalation notifies a missing channel", kind: "FollowUpPolicy", patch: `spec: {escalation: {onBreach: {notify: team-lead}}}`,
		reason: "ChannelNotFound", message: `escalation.onBreach.notify: channel "team-lead" not found`},
	{name: "hand-over notifies a missing channel", kind: "FollowUpPolicy", patch: `spec: {handToHuman: {notify: team-chat}}`,
		reason: "ChannelNotFound", message: `handToHuman.notify: channel "team-chat" not found`},
	{name: "every channel the policy uses is stalled", kind: "FollowUpPolicy",
		setup: []string{`{apiVersion: followup.io/v1alpha1, kind: Channel, metadata: {name: broken},
			spec: {type: Webhook, webhook: {url: "https://hooks.example.com/x"}, credentialsRef: {name: missing-secret}}}`},
		patch:  `spec: {steps: [{name: introduce, channel: broken, template: intro}]}`,
		reason: "ChannelNotReady", message: `step introduce: channel "broken" is not ready: SecretNotFound`},

	// Lead, refused at admission (lead-side CEL; conditions are the lead controller's).
	{name: "lead with no way to reach", kind: "Lead", patch: `spec: {contact: {email: null}}`,
		rejected: "a lead needs at least one way to reach the contact"},
	{name: "lead phone not E.164", kind: "Lead", patch: `spec: {contact: {phone: "030 1234567"}}`,
		rejected: "phone must be in E.164 form"},
	{name: "lead whatsapp with 00 prefix", kind: "Lead", patch: `spec: {contact: {whatsapp: "0048501234567"}}`,
		rejected: "whatsapp must be a number in E.164 form"},
	{name: "lead email malformed", kind: "Lead", patch: `spec: {contact: {email: hanna at example}}`,
		rejected: "email must be an address"},
	{name: "lead linkedin without a host", kind: "Lead", patch: `spec: {contact: {linkedin: "https://"}}`,
		rejected: "linkedin must be a profile URL starting with https://"},
	{name: "lead country lowercase", kind: "Lead", patch: `spec: {contact: {country: pl}}`,
		rejected: "country must be a two-letter ISO 3166 code"},
	{name: "lead time zone Local", kind: "Lead", patch: `spec: {contact: {timeZone: Local}}`,
		rejected: "timeZone Local is the operator host's zone, not the contact's"},
	{name: "lead time zone as an offset", kind: "Lead", patch: `spec: {contact: {timeZone: "+02:00"}}`,
		rejected: "timeZone must be an IANA zone name such as Europe/Warsaw"},
	{name: "lead submitted in 1970", kind: "Lead", patch: `spec: {source: {submittedAt: "1970-01-01T00:00:00Z"}}`,
		rejected: "submittedAt must be a real submission time"},
	{name: "lead region with capitals and a space", kind: "Lead", patch: `spec: {source: {region: EU West}}`,
		rejected: "region must be a lowercase name such as eu or na"},
	{name: "lead capitalised tier", kind: "Lead", patch: `spec: {tier: High}`,
		rejected: "tier must be a lowercase name"},
	{name: "lead without policy or campaign", kind: "Lead", patch: `spec: {policy: null}`,
		rejected: "a lead needs spec.policy or spec.source.campaign"},
	{name: "lead value with a thousands separator", kind: "Lead", patch: `spec: {value: {amount: "38,000", currency: EUR}}`,
		rejected: "amount must be a non-negative decimal"},
	{name: "lead currency lowercase", kind: "Lead", patch: `spec: {value: {amount: "38000", currency: eur}}`,
		rejected: "currency must be a three-letter ISO 4217 code"},
	{name: "lead negative outcome value", kind: "Lead",
		patch:    `spec: {outcome: {result: Won, at: "2026-11-20T10:00:00Z", value: {amount: "-5", currency: USD}}}`,
		rejected: "amount must be a non-negative decimal"},
	{name: "lead lost with a value", kind: "Lead",
		patch:    `spec: {outcome: {result: Lost, at: "2026-11-20T10:00:00Z", value: {amount: "5", currency: USD}}}`,
		rejected: "only a won lead has a value"},
	{name: "quality on a non-reply", kind: "Lead", patch: `spec: {interactions: [{at: "2026-11-20T10:00:00Z", kind: Read, quality: 2}]}`,
		rejected: "quality is only set on a Reply"},
	{name: "reply quality out of range", kind: "Lead", patch: `spec: {interactions: [{at: "2026-11-20T10:00:00Z", kind: Reply, quality: 4}]}`,
		rejected: "should be less than or equal to 3"},
	{name: "interaction kind Email", kind: "Lead", patch: `spec: {interactions: [{at: "2026-11-20T10:00:00Z", kind: Email}]}`,
		rejected: `Unsupported value: "Email"`},

	// Campaign, refused at admission.
	{name: "campaign without policy", kind: "Campaign", patch: `spec: {policy: null}`, rejected: "spec.policy"},
	{name: "GoogleAds campaign without a campaign id", kind: "Campaign", patch: `spec: {source: {campaignId: null}}`,
		rejected: "a GoogleAds campaign needs spec.source.campaignId"},
	{name: "GoogleAds campaign id written with dashes", kind: "Campaign", patch: `spec: {source: {campaignId: "210-000-0777"}}`,
		rejected: "a GoogleAds campaign needs spec.source.campaignId"},
	{name: "GoogleAds ad group by name only", kind: "Campaign", patch: `spec: {source: {adGroups: [fiber-lasers]}}`,
		rejected: "GoogleAds adGroups are ad group ids"},
	{name: "platform with a space", kind: "Campaign", patch: `spec: {source: {platform: Google Ads}}`,
		rejected: `Unsupported value: "Google Ads"`},
	{name: "campaign region in capitals", kind: "Campaign", patch: `spec: {region: EU}`,
		rejected: "region must be a lowercase name such as eu or na"},
	{name: "rep name capitalised", kind: "Campaign", patch: `spec: {reps: [{name: Anna}]}`,
		rejected: "rep name must be a lowercase name"},
	{name: "rep listed twice", kind: "Campaign", patch: `spec: {reps: [{name: anna}, {name: anna}]}`,
		rejected: "Duplicate value"},
	{name: "rep with negative capacity", kind: "Campaign", patch: `spec: {reps: [{name: anna, capacity: -1}]}`,
		rejected: "should be greater than or equal to 0"},
	{name: "spend currency lowercase", kind: "Campaign", patch: `spec: {spend: {amount: "4200", currency: eur}}`,
		rejected: "currency must be a three-letter ISO 4217 code"},
	{name: "window in days", kind: "Campaign", patch: `spec: {window: 7d}`,
		rejected: "window must be a positive duration such as 168h"},
	{name: "close-rate target above 1", kind: "Campaign", patch: `spec: {targets: {closeRateAfterCadence: "1.5"}}`,
		rejected: "closeRateAfterCadence must be a fraction between 0 and 1"},
	{name: "close-rate target as a percentage", kind: "Campaign", patch: `spec: {targets: {closeRateAfterThreeTouches: "10%"}}`,
		rejected: "closeRateAfterThreeTouches must be a fraction between 0 and 1"},
	{name: "negative ROAS target", kind: "Campaign", patch: `spec: {targets: {roas: "-1"}}`,
		rejected: "roas must be a non-negative number"},

	// Campaign, stored and reported.
	{name: "campaign names a missing policy", kind: "Campaign", patch: `spec: {policy: industrial}`,
		reason: "PolicyNotFound", message: `policy "industrial" does not exist`},
	{name: "two campaigns claim one Google Ads campaign", kind: "Campaign",
		setup: []string{`{apiVersion: followup.io/v1alpha1, kind: Campaign, metadata: {name: aaa},
			spec: {source: {platform: GoogleAds, campaignId: "21000000777"}, policy: p}}`},
		reason: "DuplicateCampaignID", message: "is also claimed by campaign aaa; inbound leads for it go to the first by name (campaign aaa gets them, this one none)",
		alsoOn: "Campaign/aaa"},
	{name: "rep chat channel that does not exist", kind: "Campaign", patch: `spec: {reps: [{name: anna, chat: anna-chat}]}`,
		reason: "ChatChannelNotFound", message: `rep anna: chat channel "anna-chat" not found`},
	{name: "rep chat channel that is not a webhook", kind: "Campaign",
		setup:  []string{`{apiVersion: followup.io/v1alpha1, kind: Channel, metadata: {name: tasks}, spec: {type: Task}}`},
		patch:  `spec: {reps: [{name: anna, chat: tasks}]}`,
		reason: "ChatChannelNotWebhook", message: `rep anna: chat channel "tasks" is a Task channel`},

	// Channel, refused at admission.
	{name: "webhook channel without webhook block", kind: "Channel", patch: `spec: {webhook: null}`,
		rejected: "spec.webhook is set exactly when type is Webhook"},
	{name: "smtp channel without credentials", kind: "Channel",
		patch:    `spec: {type: SMTP, webhook: null, smtp: {host: smtp.example.com, from: sales@example.com}}`,
		rejected: "SMTP and WhatsApp channels need spec.credentialsRef"},
	{name: "webhook URL without a host", kind: "Channel", patch: `spec: {webhook: {url: "http://"}}`,
		rejected: "url must be an http(s) URL with a host and no spaces"},
	{name: "webhook URL with a space", kind: "Channel", patch: `spec: {webhook: {url: "https://hooks.example.com/touch me"}}`,
		rejected: "url must be an http(s) URL with a host and no spaces"},
	{name: "webhook URL without a scheme", kind: "Channel", patch: `spec: {webhook: {url: hooks.example.com/touch}}`,
		rejected: "url must be an http(s) URL with a host and no spaces"},
	{name: "webhook URL with credentials", kind: "Channel", patch: `spec: {webhook: {url: "https://bot:s3cret@hooks.example.com/touch"}}`,
		rejected: "url must not carry credentials"},
	{name: "webhook timeout without a unit", kind: "Channel", patch: `spec: {webhook: {timeout: "10"}}`,
		rejected: "timeout must be a positive duration such as 10s"},
	{name: "webhook format Teams", kind: "Channel", patch: `spec: {webhook: {format: Teams}}`,
		rejected: `Unsupported value: "Teams"`},
	{name: "smtp host with a scheme", kind: "Channel",
		patch:    `spec: {type: SMTP, webhook: null, smtp: {host: "smtp://smtp.example.com", from: sales@example.com}, credentialsRef: {name: smtp}}`,
		rejected: "host must be a host name such as smtp.example.com, without a scheme or a port"},
	{name: "smtp host with a port", kind: "Channel",
		patch:    `spec: {type: SMTP, webhook: null, smtp: {host: "smtp.example.com:587", from: sales@example.com}, credentialsRef: {name: smtp}}`,
		rejected: "host must be a host name such as smtp.example.com, without a scheme or a port"},
	{name: "smtp port 0", kind: "Channel",
		patch:    `spec: {type: SMTP, webhook: null, smtp: {host: smtp.example.com, port: 0, from: sales@example.com}, credentialsRef: {name: smtp}}`,
		rejected: "should be greater than or equal to 1"},
	{name: "smtp from without an address", kind: "Channel",
		patch:    `spec: {type: SMTP, webhook: null, smtp: {host: smtp.example.com, from: ACME Sales}, credentialsRef: {name: smtp}}`,
		rejected: "from must be an address such as sales@example.com"},
	{name: "whatsapp language as a word", kind: "Channel",
		patch:    `spec: {type: WhatsApp, webhook: null, whatsapp: {phoneNumberId: "1098765", language: English}, credentialsRef: {name: wa}}`,
		rejected: "language must be a WhatsApp template language code"},
	{name: "whatsapp API base without a scheme", kind: "Channel",
		patch:    `spec: {type: WhatsApp, webhook: null, whatsapp: {phoneNumberId: "1098765", apiBase: graph.facebook.com}, credentialsRef: {name: wa}}`,
		rejected: "apiBase must be an http(s) URL with a host"},
	{name: "rate limit zero", kind: "Channel", patch: `spec: {rateLimit: {perMinute: 0}}`,
		rejected: "should be greater than or equal to 1"},
	{name: "channel type Email", kind: "Channel", patch: `spec: {type: Email}`,
		rejected: `Unsupported value: "Email"`},

	// Channel, stored and reported.
	{name: "credentials Secret missing", kind: "Channel", patch: `spec: {credentialsRef: {name: hook-secret}}`,
		reason: "SecretNotFound", message: `Secret "hook-secret" (spec.credentialsRef) not found`},
	{name: "credentials Secret without the key", kind: "Channel",
		setup:  []string{`{apiVersion: v1, kind: Secret, metadata: {name: hook-secret}, stringData: {other: x}}`},
		patch:  `spec: {credentialsRef: {name: hook-secret, key: signing-key}}`,
		reason: "SecretKeyMissing", message: `Secret "hook-secret" has no key "signing-key"`},
	{name: "task channel notifies a missing channel", kind: "Channel", patch: `spec: {type: Task, webhook: null, task: {notify: team-chat}}`,
		reason: "NotifyChannelNotFound", message: `spec.task.notify: channel "team-chat" not found`},
	{name: "task channel notifies through SMTP", kind: "Channel",
		setup: []string{`{apiVersion: followup.io/v1alpha1, kind: Channel, metadata: {name: mail},
			spec: {type: SMTP, smtp: {host: smtp.example.com, from: sales@example.com}, credentialsRef: {name: smtp}}}`},
		patch:  `spec: {type: Task, webhook: null, task: {notify: mail}}`,
		reason: "NotifyChannelNotWebhook", message: `spec.task.notify: channel "mail" is SMTP`},

	// Interaction, refused at admission.
	{name: "interaction without an id", kind: "Interaction", patch: `spec: {id: null}`,
		rejected: "spec.id is required"},
	{name: "interaction for no lead", kind: "Interaction", patch: `spec: {lead: ""}`,
		rejected: "should be at least 1 chars long"},
}

// baseObjects are valid objects of each kind; every case changes one thing.
var baseObjects = map[string]string{
	"FollowUpPolicy": `apiVersion: followup.io/v1alpha1
kind: FollowUpPolicy
spec:
  schedule: {timeZone: Europe/Berlin}
  steps:
    - {name: introduce, channel: email, template: intro}
    - {name: call, after: 48h, performedBy: Owner}
  escalation: {warnBefore: 15m}
  templates: {intro: {subject: Hi, body: "Hello {{ .FirstName }}"}}
`,
	"Lead": `apiVersion: followup.io/v1alpha1
kind: Lead
spec:
  contact: {name: Hanna Kowalczyk, email: hanna@example.pl, timeZone: Europe/Warsaw}
  policy: p
`,
	"Campaign": `apiVersion: followup.io/v1alpha1
kind: Campaign
spec: {source: {platform: GoogleAds, campaignId: "21000000777"}, policy: p}
`,
	"Channel": `apiVersion: followup.io/v1alpha1
kind: Channel
spec: {type: Webhook, webhook: {url: "https://hooks.example.com/touch"}}
`,
	"Interaction": `apiVersion: followup.io/v1alpha1
kind: Interaction
spec: {lead: l, id: crm-1, kind: Reply, at: "2026-11-20T10:00:00Z"}
`,
}
