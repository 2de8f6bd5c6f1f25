package cadence

import (
	"crypto/sha256"
	"encoding/binary"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// VariantFor picks the A/B variant of a step a lead gets: a hash of the lead's UID and
// the step's name, spread over the variants in proportion to their weights. The same
// lead always gets the same variant of a step (restarts, re-reconciles, the simulator),
// and which variant a lead got for one step says nothing about another step. ok is
// false when the step has no variants.
func VariantFor(leadUID string, step v1.Step) (v1.StepVariant, bool) {
	if len(step.Variants) == 0 {
		return v1.StepVariant{}, false
	}
	total := uint64(0)
	for _, v := range step.Variants {
		total += uint64(weight(v))
	}
	sum := sha256.Sum256([]byte(leadUID + "/variant/" + step.Name))
	pick := binary.BigEndian.Uint64(sum[:8]) % total
	for _, v := range step.Variants {
		if pick < uint64(weight(v)) {
			return v, true
		}
		pick -= uint64(weight(v))
	}
	return step.Variants[len(step.Variants)-1], true
}

func weight(v v1.StepVariant) int32 {
	if v.Weight < 1 {
		return 1
	}
	return v.Weight
}

// chooseVariant records on a new touch the variant the lead gets and its template.
func chooseVariant(rec *v1.TouchRecord, step v1.Step, leadUID string) {
	if v, ok := VariantFor(leadUID, step); ok {
		rec.Variant, rec.Template = v.Name, v.Template
	}
}
