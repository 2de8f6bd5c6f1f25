package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// AdPlatform is where a campaign runs.
// +kubebuilder:validation:Enum=GoogleAds;MetaAds;LinkedInAds;MicrosoftAds;Web;Other
type AdPlatform string

// AssignmentStrategy is how new leads are given to reps.
// +kubebuilder:validation:Enum=RoundRobin;LeastLoaded
type AssignmentStrategy string

// Assignment strategies.
const (
	AssignRoundRobin  AssignmentStrategy = "RoundRobin"
	AssignLeastLoaded AssignmentStrategy = "LeastLoaded"
)

// CampaignSpec says where leads come from, who takes them and what the campaign costs.
type CampaignSpec struct {
	// source is the ad campaign.
	Source CampaignSource `json:"source"`

	// region is the market region (eu, na, sea...); leads from Google Ads carry it as the
	// followup.io/region label regional installs shard by.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="region must be a lowercase name such as eu or na"
	Region string `json:"region,omitempty"`

	// policy is the FollowUpPolicy (in this namespace) its leads follow by default.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Policy string `json:"policy"`

	// reps take the campaign's leads.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=100
	Reps []Rep `json:"reps,omitempty"`

	// assignment is how new leads without an owner are given to reps.
	// +optional
	// +kubebuilder:default=RoundRobin
	Assignment AssignmentStrategy `json:"assignment,omitempty"`

	// spend is the ad spend over a period, for ROAS.
	// +optional
	Spend *Spend `json:"spend,omitempty"`

	// targets the recommendations compare against.
	// +optional
	// +kubebuilder:default={}
	Targets CampaignTargets `json:"targets,omitempty"`

	// intake says how the inbound edge reads this campaign's leads.
	// +optional
	Intake *CampaignIntake `json:"intake,omitempty"`

	// conversionUpload sends the campaign's won leads back to Google Ads as offline
	// conversions (the Data Manager API's events.ingest).
	// +optional
	ConversionUpload *ConversionUpload `json:"conversionUpload,omitempty"`

	// window is the period the measures cover, ending now.
	// +optional
	// +kubebuilder:default="168h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="window must be a positive duration such as 168h"
	Window *metav1.Duration `json:"window,omitempty"`
}

// ConversionUpload says where won leads are uploaded as offline conversions.
// +kubebuilder:validation:XValidation:rule="!has(self.endpoint) || self.endpoint.startsWith('https://') || self.endpoint.startsWith('http://127.0.0.1') || self.endpoint.startsWith('http://localhost')",message="endpoint must be an https:// URL (plain http only on loopback, for tests)"
type ConversionUpload struct {
	// customerId is the Google Ads account (operating account) that receives the
	// conversions, digits only (1234567890).
	// +kubebuilder:validation:MaxLength=20
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]{6,20}$')",message="customerId must be the Google Ads account id as digits, such as 1234567890"
	CustomerID string `json:"customerId"`

	// loginCustomerId is the manager account the credentials log in through, when
	// that is not the customerId itself.
	// +optional
	// +kubebuilder:validation:MaxLength=20
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]{6,20}$')",message="loginCustomerId must be a Google Ads account id as digits"
	LoginCustomerID string `json:"loginCustomerId,omitempty"`

	// conversionAction is the id of the Google Ads conversion action (type UPLOAD_CLICKS
	// or a lead conversion) the won deals count as.
	// +kubebuilder:validation:MaxLength=20
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]{1,20}$')",message="conversionAction must be the conversion action's numeric id"
	ConversionAction string `json:"conversionAction"`

	// credentialsRef is the Secret holding the API credentials: key
	// service-account.json (a Google service account key with the datamanager scope),
	// else access-token (an OAuth access token kept fresh by another tool).
	CredentialsRef SecretKeyRef `json:"credentialsRef"`

	// endpoint overrides the API's base URL (https://datamanager.googleapis.com).
	// +optional
	// +kubebuilder:validation:MaxLength=200
	Endpoint string `json:"endpoint,omitempty"`
}

// CampaignSource identifies the ad campaign. Google Ads lead form webhooks find their
// campaign by its numeric id, so a GoogleAds campaign without one never gets a lead.
// +kubebuilder:validation:XValidation:rule="self.platform != 'GoogleAds' || (has(self.campaignId) && self.campaignId.matches('^[0-9]+$'))",message="a GoogleAds campaign needs spec.source.campaignId, the number Google Ads shows (such as 21000000777): lead form webhooks find their campaign by it"
// +kubebuilder:validation:XValidation:rule="self.platform != 'GoogleAds' || !has(self.adGroups) || self.adGroups.all(g, g.matches('^[0-9]+(:.+)?$'))",message="GoogleAds adGroups are ad group ids, optionally with a name: 130000000042 or 130000000042:fiber-lasers"
type CampaignSource struct {
	// platform the campaign runs on.
	Platform AdPlatform `json:"platform"`
	// campaignId at the platform.
	// +optional
	// +kubebuilder:validation:MaxLength=100
	CampaignID string `json:"campaignId,omitempty"`
	// adGroups of the campaign.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=200
	// +kubebuilder:validation:items:MaxLength=100
	AdGroups []string `json:"adGroups,omitempty"`
	// keywords bought.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=500
	// +kubebuilder:validation:items:MaxLength=200
	Keywords []string `json:"keywords,omitempty"`
}

// CampaignIntake says how the inbound edge reads a campaign's leads: what a lead form's
// answers mean and what to assume when a lead does not say.
type CampaignIntake struct {
	// productQuestions are lead form questions (a Google Ads column_id or the question's
	// text, case-insensitive) whose answer is the product the lead asks about
	// ({{ .Product }}); the first one answered wins.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MaxLength=200
	ProductQuestions []string `json:"productQuestions,omitempty"`
	// product of a lead that names none (the form asks no product, or it was left empty).
	// +optional
	// +kubebuilder:validation:MaxLength=200
	Product string `json:"product,omitempty"`
	// country (ISO 3166-1 alpha-2) of a contact that gives none: phone numbers typed in
	// national form are read in it.
	// +optional
	// +kubebuilder:validation:MaxLength=2
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Z]{2}$')",message="country must be a two-letter ISO 3166 code such as PL"
	Country string `json:"country,omitempty"`
}

// Rep is a sales rep who takes a campaign's leads.
type Rep struct {
	// name of the rep.
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$')",message="rep name must be a lowercase name such as anna"
	Name string `json:"name"`
	// chat is the Channel that notifies this rep of tasks.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	Chat string `json:"chat,omitempty"`
	// capacity is how many open leads the rep takes at most.
	// +optional
	// +kubebuilder:default=30
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000
	Capacity int32 `json:"capacity,omitempty"`
	// unavailable skips the rep in assignment (holiday, sick).
	// +optional
	Unavailable bool `json:"unavailable,omitempty"`
}

// Spend is ad spend over a period.
type Spend struct {
	Money `json:",inline"`
	// period the amount covers.
	// +optional
	// +kubebuilder:default="168h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="period must be a positive duration such as 168h"
	Period *metav1.Duration `json:"period,omitempty"`
}

// CampaignTargets are the thresholds the campaign's recommendations use.
type CampaignTargets struct {
	// meanFirstResponse is the longest acceptable mean time to first contact.
	// +optional
	// +kubebuilder:default="24h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="meanFirstResponse must be a positive duration such as 24h"
	MeanFirstResponse *metav1.Duration `json:"meanFirstResponse,omitempty"`
	// closeRateAfterCadence is the lowest acceptable close rate of leads that went
	// through the whole cadence (0-1).
	// +optional
	// +kubebuilder:default="0.05"
	// +kubebuilder:validation:MaxLength=8
	// +kubebuilder:validation:XValidation:rule="self.matches('^(0([.][0-9]+)?|1([.]0+)?)$')",message="closeRateAfterCadence must be a fraction between 0 and 1, such as 0.05"
	CloseRateAfterCadence string `json:"closeRateAfterCadence,omitempty"`
	// closeRateAfterThreeTouches below this means the scripts or the offer are weak.
	// +optional
	// +kubebuilder:default="0.10"
	// +kubebuilder:validation:MaxLength=8
	// +kubebuilder:validation:XValidation:rule="self.matches('^(0([.][0-9]+)?|1([.]0+)?)$')",message="closeRateAfterThreeTouches must be a fraction between 0 and 1, such as 0.10"
	CloseRateAfterThreeTouches string `json:"closeRateAfterThreeTouches,omitempty"`
	// roas is the lowest acceptable return on ad spend (revenue / spend).
	// +optional
	// +kubebuilder:default="3"
	// +kubebuilder:validation:MaxLength=12
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]+([.][0-9]+)?$')",message="roas must be a non-negative number such as 3 or 2.5"
	ROAS string `json:"roas,omitempty"`
}

// CampaignMeasures are a campaign's follow-up measures over its window.
type CampaignMeasures struct {
	Leads int32 `json:"leads"`
	// +optional
	MeanFirstResponse string `json:"meanFirstResponse,omitempty"`
	// +optional
	P90FirstResponse string `json:"p90FirstResponse,omitempty"`
	// +optional
	SLAAttainment string `json:"slaAttainment,omitempty"`
	// +optional
	TouchesPerLead string `json:"touchesPerLead,omitempty"`
	// +optional
	ReplyRate string `json:"replyRate,omitempty"`
	// +optional
	CloseRate string `json:"closeRate,omitempty"`
	// +optional
	Revenue string `json:"revenue,omitempty"`
	// +optional
	ROAS string `json:"roas,omitempty"`
	// +optional
	DeliveryRate string `json:"deliveryRate,omitempty"`
	// +optional
	ReadRate string `json:"readRate,omitempty"`
	// qualityMix counts leads by their best reply quality: polite, information, action.
	// +optional
	QualityMix string `json:"qualityMix,omitempty"`
	// salesCycle is the mean time from submission to won.
	// +optional
	SalesCycle string `json:"salesCycle,omitempty"`
	// afterSales are the after-sales figures (NPS, repeat purchases, time to answer),
	// when won leads of the window followed an after-sales policy.
	// +optional
	AfterSales *AfterSalesMeasures `json:"afterSales,omitempty"`
}

// CampaignBreakdown is one group of a campaign's leads (an ad group, keyword or region).
type CampaignBreakdown struct {
	// dimension: adgroup, keyword or region.
	Dimension string `json:"dimension"`
	// key is the group ("(other)" sums the groups past the top entries).
	// +kubebuilder:validation:MaxLength=200
	Key   string `json:"key"`
	Leads int32  `json:"leads"`
	// +optional
	MeanFirstResponse string `json:"meanFirstResponse,omitempty"`
	// +optional
	SLAAttainment string `json:"slaAttainment,omitempty"`
	// +optional
	CloseRate string `json:"closeRate,omitempty"`
}

// RepLoad is how many open leads a rep holds.
type RepLoad struct {
	Name      string `json:"name"`
	OpenLeads int32  `json:"openLeads"`
}

// Recommendation is an action the measures call for, with the numbers behind it.
type Recommendation struct {
	// kind of action: LowerBidOrPauseKeyword, FixAdGroupTargeting, ImproveScripts,
	// PauseRegion, ReviewFollowUpBeforeAds.
	Kind string `json:"kind"`
	// subject is what it applies to (keyword, ad group, region).
	// +optional
	Subject string `json:"subject,omitempty"`
	// message says what to change and why, with the numbers.
	Message string `json:"message"`
}

// CampaignStatus is the observed state of a campaign.
type CampaignStatus struct {
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// measures over the window.
	// +optional
	Measures *CampaignMeasures `json:"measures,omitempty"`
	// recommendations from the measures.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	Recommendations []Recommendation `json:"recommendations,omitempty"`
	// breakdowns by ad group, keyword and region: the top entries of each, the rest summed.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=30
	Breakdowns []CampaignBreakdown `json:"breakdowns,omitempty"`
	// variants are the measures of each A/B variant of the policy's steps, with a
	// verdict on whether each differs from the step's first variant.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=25
	Variants []VariantMeasures `json:"variants,omitempty"`
	// reps are the open leads per rep, as the lead controller counts them for
	// assignment and capacity.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=100
	Reps []RepLoad `json:"reps,omitempty"`
}

// VariantMeasures are the figures of the leads that got one variant of a step.
type VariantMeasures struct {
	// step and variant.
	// +kubebuilder:validation:MaxLength=63
	Step string `json:"step"`
	// +kubebuilder:validation:MaxLength=63
	Variant string `json:"variant"`
	// sends are the touches of this variant performed; leads the leads that got one.
	Sends int32 `json:"sends"`
	Leads int32 `json:"leads"`
	// replied is how many of those leads replied; replyRate the share, as a decimal.
	Replied int32 `json:"replied"`
	// +optional
	ReplyRate string `json:"replyRate,omitempty"`
	// qualityMix: best reply quality counts, "polite / information / action".
	// +optional
	QualityMix string `json:"qualityMix,omitempty"`
	// +optional
	Meetings int32 `json:"meetings,omitempty"`
	// +optional
	Won int32 `json:"won,omitempty"`
	// significance compares the reply rate with the step's first variant: the test
	// used and its two-sided p-value ("Fisher exact p=0.031", "two-proportion z-test
	// p=0.20"), and whether p < 0.05. Empty on the first variant.
	// +optional
	// +kubebuilder:validation:MaxLength=128
	Significance string `json:"significance,omitempty"`
	// +optional
	Significant bool `json:"significant,omitempty"`
}

// Campaign is a source of leads and the measures that steer its ad spend.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=cmp,categories=followup
// +kubebuilder:printcolumn:name="Platform",type=string,JSONPath=`.spec.source.platform`
// +kubebuilder:printcolumn:name="Region",type=string,JSONPath=`.spec.region`
// +kubebuilder:printcolumn:name="Policy",type=string,JSONPath=`.spec.policy`
// +kubebuilder:printcolumn:name="Leads",type=integer,JSONPath=`.status.measures.leads`
// +kubebuilder:printcolumn:name="SLA",type=string,JSONPath=`.status.measures.slaAttainment`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Campaign struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   CampaignSpec   `json:"spec"`
	Status CampaignStatus `json:"status,omitempty"`
}

// CampaignList is a list of Campaign.
// +kubebuilder:object:root=true
type CampaignList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Campaign `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Campaign{}, &CampaignList{})
}
