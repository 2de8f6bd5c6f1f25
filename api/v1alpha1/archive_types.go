package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Retention says how long a lead that needs no more work stays in the cluster before the
// operator archives it: the whole lead is written to the PostgreSQL archive, then
// deleted from the API server. Nothing is archived while the operator has no archive
// database configured. Defaults: 720h (30 days) after a won or lost outcome, 1440h (60
// days) after the lead went dormant for good.
type Retention struct {
	// closedFor is how long a won or lost lead stays after spec.outcome.at. Default 720h.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="closedFor must be a positive duration such as 720h"
	ClosedFor *metav1.Duration `json:"closedFor,omitempty"`

	// finishedFor is how long a lead dormant with no reactivation left (phase Finished)
	// stays after status.dormantSince. Default 1440h.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="finishedFor must be a positive duration such as 1440h"
	FinishedFor *metav1.Duration `json:"finishedFor,omitempty"`

	// keep leaves the policy's leads in the cluster for good (never archived).
	// +optional
	Keep bool `json:"keep,omitempty"`
}

// ReturningContactPolicy says when a new lead is a customer coming back, and how the
// cadence greets them.
type ReturningContactPolicy struct {
	// within: a new lead whose email or phone matches an earlier lead (live or archived)
	// last active this recently is linked to it (status.returningContact). Default
	// 2160h (90 days).
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+(ms|s|m|h))+$') && duration(self) > duration('0s')",message="within must be a positive duration such as 2160h"
	Within *metav1.Duration `json:"within,omitempty"`

	// template replaces the first step's template on the first touch of a returning
	// contact (a "welcome back" message). Unset: the first step's own template.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Template string `json:"template,omitempty"`
}

// MatchedBy is which contact detail linked a returning contact (never its value).
// +kubebuilder:validation:Enum=Email;Phone
type MatchedBy string

// Contact details a returning contact is matched by.
const (
	MatchedByEmail MatchedBy = "Email"
	MatchedByPhone MatchedBy = "Phone"
)

// ReturningContactStatus links a lead to the same contact's most recent earlier lead.
type ReturningContactStatus struct {
	// previousLead is the name of the most recent earlier lead of this contact.
	// +kubebuilder:validation:MaxLength=253
	PreviousLead string `json:"previousLead"`
	// previousUID is its UID (names are reused; UIDs are not).
	// +kubebuilder:validation:MaxLength=64
	PreviousUID string `json:"previousUID"`
	// archived is true when the earlier lead is in the archive rather than the cluster.
	// +optional
	Archived bool `json:"archived,omitempty"`
	// previousPhase is where the earlier lead ended (Won, Lost, Finished...).
	// +optional
	PreviousPhase LeadPhase `json:"previousPhase,omitempty"`
	// lastActiveAt is the earlier lead's latest activity (outcome, touch, interaction).
	LastActiveAt metav1.Time `json:"lastActiveAt"`
	// matchedBy says whether the email or a phone number matched.
	MatchedBy MatchedBy `json:"matchedBy"`
	// earlierLeads counts this contact's earlier leads inside the window.
	// +optional
	EarlierLeads int32 `json:"earlierLeads,omitempty"`
}

// Event reasons of the archive (each on a transition only).
const (
	// EventArchived: the lead was written to the archive and deleted from the cluster.
	EventArchived = "Archived"
	// EventReturningContact: a new lead was linked to the contact's earlier lead.
	EventReturningContact = "ReturningContact"
)
