package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// StepsRevision is a short hash of the cadence (steps and reactivation steps). A lead
// records it with its touches; idempotency keys include it so an edited cadence gets
// fresh keys while a replayed one does not.
func StepsRevision(spec *v1.FollowUpPolicySpec) string {
	// json.Marshal of these structs cannot fail: no channels, funcs or cycles.
	b, _ := json.Marshal(AllSteps(spec))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:5])
}
