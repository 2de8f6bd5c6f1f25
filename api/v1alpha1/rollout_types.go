package v1alpha1

// Rollout sends an edited policy (the candidate revision) to a share of leads while the
// rest keep the previous revision (the stable one), like a StatefulSet's partitioned
// rolling update. The operator keeps the stable revision's spec in a ControllerRevision
// owned by the policy; it never writes the policy's spec. See docs/lifecycle.md.
type Rollout struct {
	// percent of leads that follow the candidate (the policy's spec as it is now). Each
	// lead's arm is chosen once, from a hash of its UID, and recorded in its status:
	// raising the percent moves more stable leads to the candidate (leads in flight only
	// with inFlight), lowering it moves no candidate lead back. 100 promotes the
	// candidate: every lead follows it and it becomes the stable revision.
	// +kubebuilder:validation:XValidation:rule="self >= 0 && self <= 100",message="rollout.percent is the share of leads in percent, from 0 (no new lead joins the candidate) to 100 (promote it)"
	Percent int32 `json:"percent"`

	// inFlight lets leads that had already begun their cadence (at least one touch)
	// join the candidate too; they keep their progress by step name, as after any edit.
	// Default false: only leads that have not yet been touched can join it.
	// +optional
	InFlight bool `json:"inFlight,omitempty"`
}

// RolloutArm is which revision of its policy a lead follows during a rollout.
// +kubebuilder:validation:Enum=Stable;Candidate
type RolloutArm string

// Rollout arms.
const (
	// ArmStable: the policy's previous revision (status.currentRevision).
	ArmStable RolloutArm = "Stable"
	// ArmCandidate: the policy's spec as it is now (status.updateRevision).
	ArmCandidate RolloutArm = "Candidate"
)

// LeadRollout is a lead's arm in its policy's rollout.
type LeadRollout struct {
	// arm the lead was put in.
	Arm RolloutArm `json:"arm"`
	// stableRevision names the rollout the arm was chosen in (the policy's
	// currentRevision then); an arm from an earlier rollout is chosen anew.
	// +kubebuilder:validation:MaxLength=63
	StableRevision string `json:"stableRevision"`
	// revision is the policy revision the lead follows now.
	// +kubebuilder:validation:MaxLength=63
	Revision string `json:"revision"`
}

// PolicyRolloutStatus is a rollout in progress: both arms' measures side by side.
type PolicyRolloutStatus struct {
	// summary for people and `kubectl get followuppolicies`: "20%: 12 candidate / 48 stable".
	// +optional
	Summary string `json:"summary,omitempty"`
	// arms are the measures of the leads in each arm, computed from the operator's cache.
	// +optional
	// +listType=map
	// +listMapKey=arm
	// +kubebuilder:validation:MaxItems=2
	Arms []ArmMeasures `json:"arms,omitempty"`
}

// ArmMeasures are the figures of one arm of a rollout (counts of leads).
type ArmMeasures struct {
	Arm RolloutArm `json:"arm"`
	// revision the arm follows.
	Revision string `json:"revision"`
	// leads in the arm; touched: with at least one touch performed; replied: with a
	// reply; meetings: with a booked meeting; won: closed as won.
	// +optional
	Leads int32 `json:"leads"`
	// +optional
	Touched int32 `json:"touched"`
	// +optional
	Replied int32 `json:"replied"`
	// replyRate is replied over touched, as a percentage with one decimal ("12.5%").
	// +optional
	ReplyRate string `json:"replyRate,omitempty"`
	// +optional
	Meetings int32 `json:"meetings"`
	// +optional
	Won int32 `json:"won"`
}

// Condition and reasons of a policy's rollout.
const (
	// ConditionRollout (policies) is present while a rollout is under way: True while
	// both revisions are served, False when the stable revision cannot be read.
	ConditionRollout = "Rollout"
	// ReasonRollingOut: the candidate serves spec.rollout.percent of leads.
	ReasonRollingOut = "RollingOut"
	// ReasonRevisionMissing: the ControllerRevision holding the stable revision is gone
	// (deleted by hand); stable-arm leads are blocked until the rollout is promoted or
	// the spec is reverted.
	ReasonRevisionMissing = "RevisionMissing"
)

// Event reasons of a rollout (each on a transition only).
const (
	EventRolloutStarted  = "RolloutStarted"
	EventRolloutPromoted = "RolloutPromoted"
	// EventRolloutRolledBack: the spec went back to the stable revision.
	EventRolloutRolledBack = "RolloutRolledBack"
)
