package cadence

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Apply writes a decision into a lead's status (not conditions; the controller owns
// those). With a due touch, the touch is added as an intent (Result Pending) or, for a
// retry, its record refreshed.
func Apply(st *v1.LeadStatus, d Decision, revision string) {
	st.Touches = d.Touches
	if d.Due != nil {
		upsertTouch(st, d.Due.Record)
	}
	st.StepsRevision = revision
	st.Stage = d.Stage
	st.NextTouchAt = timePtr(d.NextTouchAt)
	st.Engagement = d.Engagement
	st.DormantSince = nil
	if d.Phase == PhaseDormant || d.Phase == PhaseFinished {
		st.DormantSince = timePtr(d.DormantSince)
	}
	st.Reactivations = d.Reactivations
	st.HandedOffAt = timePtr(d.HandedOffAt)
	fr := &st.FirstResponse
	fr.Deadline = timePtr(d.SLA.Deadline)
	fr.ContactedAt = timePtr(d.SLA.ContactedAt)
	fr.State = d.SLA.State
	fr.Summary = d.SLA.Summary
}

// upsertTouch replaces the record with the same key or appends it, keeping the list
// within its bound by dropping the oldest finished touches.
func upsertTouch(st *v1.LeadStatus, rec v1.TouchRecord) {
	for i := range st.Touches {
		if st.Touches[i].Key == rec.Key {
			st.Touches[i] = rec
			return
		}
	}
	st.Touches = append(st.Touches, rec)
	if extra := len(st.Touches) - v1.MaxTouchRecords; extra > 0 {
		st.Touches = append([]v1.TouchRecord(nil), st.Touches[extra:]...)
	}
}

// UpsertTouch is upsertTouch for callers recording a dispatch result.
func UpsertTouch(st *v1.LeadStatus, rec v1.TouchRecord) { upsertTouch(st, rec) }

func timePtr(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	mt := metav1.NewTime(t.UTC().Truncate(time.Second))
	return &mt
}
