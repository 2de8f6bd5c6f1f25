package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// SpecRevision is a short hash of everything in a policy that shapes a lead's cadence:
// the whole spec except the rollout itself (a rollout's percent is how a revision is
// served, not a revision). Two policies with the same spec have the same revision.
func SpecRevision(spec *v1.FollowUpPolicySpec) string {
	b, _ := json.Marshal(RevisionSpec(spec)) // cannot fail: plain data
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:5])
}

// RevisionSpec is the part of a spec a revision keeps: the spec without its rollout.
func RevisionSpec(spec *v1.FollowUpPolicySpec) *v1.FollowUpPolicySpec {
	out := spec.DeepCopy()
	out.Rollout = nil
	return out
}

// RevisionName is the ControllerRevision that keeps a policy's revision: <policy>-<rev>,
// the policy's name shortened so the whole stays a valid object name.
func RevisionName(policyName, rev string) string {
	const maxName = 253
	if len(policyName)+1+len(rev) > maxName {
		policyName = policyName[:maxName-1-len(rev)]
	}
	return policyName + "-" + rev
}

// Revisions are a policy's stable revision (Current) and candidate (Update).
type Revisions struct{ Current, Update string }

// Active says a rollout is under way: leads are split between two revisions.
func (r Revisions) Active() bool { return r.Current != r.Update }

// RolloutChange is what a reconcile did to a policy's rollout.
type RolloutChange string

// Rollout changes; each is announced by one event.
const (
	RolloutUnchanged  RolloutChange = ""
	RolloutStarted    RolloutChange = "Started"    // a candidate appeared next to the stable revision
	RolloutReplaced   RolloutChange = "Replaced"   // the spec was edited again mid-rollout: a new candidate
	RolloutPromoted   RolloutChange = "Promoted"   // percent 100 or rollout removed: the candidate is stable
	RolloutRolledBack RolloutChange = "RolledBack" // the spec went back to the stable revision
)

// NextRevisions decides a policy's revisions from those in its status (prev) and the
// revision of its spec now. Without a rollout, or at 100%, the spec is served to every
// lead at once (what an edit has always done); with one, the stable revision stays and
// the spec becomes the candidate. A policy seen for the first time (or before this
// field existed) has nothing to roll out from: its spec is stable.
func NextRevisions(prev Revisions, now string, ro *v1.Rollout) (Revisions, RolloutChange) {
	if prev.Current == "" {
		return Revisions{now, now}, RolloutUnchanged
	}
	next := Revisions{prev.Current, now}
	if ro == nil || ro.Percent >= 100 {
		next.Current = now
	}
	switch {
	case prev.Active() && !next.Active() && now == prev.Current && next.Current == prev.Current:
		return next, RolloutRolledBack
	case prev.Active() && !next.Active():
		return next, RolloutPromoted
	case !prev.Active() && next.Active():
		return next, RolloutStarted
	case prev.Active() && next.Update != prev.Update:
		return next, RolloutReplaced
	}
	return next, RolloutUnchanged
}
