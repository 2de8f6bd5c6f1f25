package cadence

import (
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// RolloutArmInput is one arm of a simulated rollout: the spec it serves, its revision
// (the ControllerRevision's hash) and its steps revision (touch keys derive from it).
type RolloutArmInput struct {
	Spec                    *v1.FollowUpPolicySpec
	Revision, StepsRevision string
}

// RolloutSim is one lead run through both arms of a rollout.
type RolloutSim struct {
	// Arm is the arm the lead would be put in (ChooseArm), Bucket its place in 0..99.
	Arm    *v1.LeadRollout
	Bucket int32
	// Stable and Candidate are the lead as each arm leaves it, and what each did.
	Stable, Candidate             v1.Lead
	StableEvents, CandidateEvents []SimEvent
}

// SimulateRollout runs a lead through the stable and the candidate arm of a rollout at
// percent (the operator's Transition for each, as Simulate does), so a reviewer sees
// which arm the lead would be in and both schedules side by side. in.Lead is left as
// it came; respond gives each arm its own responder (the same seed, so both arms meet
// the same customer behaviour).
func SimulateRollout(in Input, stable, candidate RolloutArmInput, ro v1.Rollout, horizon time.Time,
	respond func() Responder) (RolloutSim, error) {
	state := RolloutState{Stable: stable.Revision, Candidate: candidate.Revision, Percent: ro.Percent,
		InFlight: ro.InFlight, CandidateSpec: candidate.Spec}
	out := RolloutSim{Arm: ChooseArm(in.Lead, state), Bucket: RolloutBucket(string(in.Lead.UID), stable.Revision)}
	run := func(arm RolloutArmInput, name v1.RolloutArm, lead *v1.Lead) ([]SimEvent, error) {
		in.Lead, in.Policy, in.Revision = lead, arm.Spec, arm.StepsRevision
		in.Rollout = &v1.LeadRollout{Arm: name, StableRevision: stable.Revision, Revision: arm.Revision}
		return Simulate(in, horizon, respond())
	}
	in.Lead.DeepCopyInto(&out.Stable)
	in.Lead.DeepCopyInto(&out.Candidate)
	var err error
	if out.StableEvents, err = run(stable, v1.ArmStable, &out.Stable); err != nil {
		return out, err
	}
	out.CandidateEvents, err = run(candidate, v1.ArmCandidate, &out.Candidate)
	return out, err
}
