package cadence

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// RolloutState is a policy's rollout as a lead's arm choice needs it: the stable and
// candidate revisions (status.currentRevision, status.updateRevision) and spec.rollout.
type RolloutState struct {
	Stable, Candidate string
	Percent           int32
	InFlight          bool
	// CandidateSpec is the candidate's spec, to see whether a lead in flight would keep
	// its progress in it; nil: it would.
	CandidateSpec *v1.FollowUpPolicySpec
}

// Active says leads are split between two revisions.
func (r RolloutState) Active() bool {
	return r.Stable != "" && r.Candidate != "" && r.Stable != r.Candidate
}

// RolloutBucket places a lead in 0..99 for a rollout: a hash of its UID and the rollout's
// stable revision (so each rollout samples its own leads, not the same ones every
// time), with a salt of its own so it says nothing about the lead's A/B variants.
func RolloutBucket(leadUID, stableRevision string) int32 {
	sum := sha256.Sum256([]byte(leadUID + "/rollout/" + stableRevision))
	return int32(binary.BigEndian.Uint64(sum[:8]) % 100)
}

// ChooseArm decides the lead's arm in its policy's rollout; nil when none is under way
// (every lead follows the policy's spec). The arm is sticky:
//   - a Candidate lead stays Candidate for the whole rollout, whatever the percent does
//     (lowering it never moves a lead back and forth), and follows a newer candidate
//     when the spec is edited again mid-rollout;
//   - any other lead joins the candidate when its bucket is below the percent and it has
//     not begun its cadence yet (no touch), or inFlight allows leads that have;
//     so raising the percent moves more leads, and a restart moves none;
//   - a lead in flight whose progress would not carry over (none of its round's
//     touched steps is in the candidate: renamed or removed) stays stable rather than
//     start its cadence over.
//
// An arm chosen in an earlier rollout (another stable revision) is chosen anew.
func ChooseArm(l *v1.Lead, r RolloutState) *v1.LeadRollout {
	if !r.Active() {
		return nil
	}
	prev := l.Status.Rollout
	if prev != nil && prev.StableRevision == r.Stable && prev.Arm == v1.ArmCandidate {
		return &v1.LeadRollout{Arm: v1.ArmCandidate, StableRevision: r.Stable, Revision: r.Candidate}
	}
	begun := len(l.Status.Touches) > 0
	if (!begun || r.InFlight && carriesOver(l, r.CandidateSpec)) && RolloutBucket(string(l.UID), r.Stable) < r.Percent {
		return &v1.LeadRollout{Arm: v1.ArmCandidate, StableRevision: r.Stable, Revision: r.Candidate}
	}
	return &v1.LeadRollout{Arm: v1.ArmStable, StableRevision: r.Stable, Revision: r.Stable}
}

// carriesOver says whether the lead keeps its place in spec: the round's latest
// touched step still exists there (the rule of docs/lifecycle.md, "Policy edits
// mid-cadence").
func carriesOver(l *v1.Lead, spec *v1.FollowUpPolicySpec) bool {
	mine := touchesOfRound(l.Status.Touches, l.Status.Round)
	if spec == nil || len(mine) == 0 {
		return true
	}
	return resumeIndex(stepsFor(spec, l.Status.Round), l.Status.Touches, mine) > 0
}

// ArmMeasures sums up the leads of each arm of the rollout whose stable revision is
// stable, candidate first: leads, touched (a touch performed), replied, meetings, won.
// Leads whose arm is not yet chosen in this rollout are not counted.
func ArmMeasures(leads []v1.Lead, stable, candidate string) []v1.ArmMeasures {
	out := []v1.ArmMeasures{{Arm: v1.ArmCandidate, Revision: candidate}, {Arm: v1.ArmStable, Revision: stable}}
	for i := range leads {
		l := &leads[i]
		ro := l.Status.Rollout
		if ro == nil || ro.StableRevision != stable {
			continue
		}
		m := &out[1]
		if ro.Arm == v1.ArmCandidate {
			m = &out[0]
		}
		m.Leads++
		if touched(l) {
			m.Touched++
		}
		replied, meeting := false, false
		for _, a := range Answers(l) {
			replied = replied || !a.Meeting
			meeting = meeting || a.Meeting
		}
		if replied {
			m.Replied++
		}
		if meeting {
			m.Meetings++
		}
		if o := l.Spec.Outcome; o != nil && o.Result == v1.OutcomeWon {
			m.Won++
		}
	}
	for i := range out {
		if out[i].Touched > 0 {
			out[i].ReplyRate = fmt.Sprintf("%.1f%%", 100*float64(out[i].Replied)/float64(out[i].Touched))
		}
	}
	return out
}

func touched(l *v1.Lead) bool {
	for _, t := range l.Status.Touches {
		switch t.Result {
		case v1.TouchSent, v1.TouchTaskAssigned, v1.TouchDone:
			return true
		}
	}
	return false
}

// RolloutSummary is the policy's rollout column: "20%: 12 candidate / 48 stable".
func RolloutSummary(percent int32, arms []v1.ArmMeasures) string {
	var cand, stable int32
	for _, a := range arms {
		if a.Arm == v1.ArmCandidate {
			cand = a.Leads
		} else {
			stable = a.Leads
		}
	}
	return fmt.Sprintf("%d%%: %d candidate / %d stable", percent, cand, stable)
}
