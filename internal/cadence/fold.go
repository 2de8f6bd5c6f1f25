package cadence

import (
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// compactBatch is how many entries leave status.interactions at once when it is full,
// so compaction happens every few dozen events rather than on each one.
const compactBatch = 15

// Fold adds recorded Interaction objects to the lead's status.interactions, skipping
// ids the lead already holds, keeps the list in time order and within its bound
// (compacting the oldest entries into status.earlier), and returns the names of all
// the objects it consumed, duplicates included: the caller deletes them once the
// status write that holds them has landed.
func Fold(l *v1.Lead, inbox []v1.Interaction, p *v1.FollowUpPolicySpec) []string {
	if len(inbox) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, list := range [][]v1.InteractionEntry{l.Spec.Interactions, l.Status.Interactions} {
		for _, in := range list {
			if in.ID != "" {
				seen[in.ID] = true
			}
		}
	}
	if e := l.Status.Earlier; e != nil {
		for _, id := range e.IDs {
			seen[id] = true
		}
	}
	sorted := append([]v1.Interaction(nil), inbox...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	names := make([]string, 0, len(sorted))
	for _, obj := range sorted {
		names = append(names, obj.Name)
		if id := obj.Spec.ID; id == "" || !seen[id] {
			seen[id] = true
			l.Status.Interactions = append(l.Status.Interactions, obj.Spec.InteractionEntry)
		}
	}
	sort.SliceStable(l.Status.Interactions, func(i, j int) bool {
		return l.Status.Interactions[i].At.Before(&l.Status.Interactions[j].At)
	})
	compact(&l.Status, p)
	return names
}

// compact moves the oldest entries of status.interactions into status.earlier until the
// list is within its bound. Earlier is the signals as of its last entry, so reading
// the lead gives the same figures before and after.
func compact(st *v1.LeadStatus, p *v1.FollowUpPolicySpec) {
	over := len(st.Interactions) - v1.MaxRecentInteractions
	if over <= 0 {
		return
	}
	n := min(len(st.Interactions), over+compactBatch)
	old := st.Interactions[:n]
	through := old[n-1].At.Time
	var before []v1.TouchRecord
	for _, t := range st.Touches {
		if performed(t) && !t.PerformedAt.Time.After(through) {
			before = append(before, t)
		}
	}
	sig := readSignals(old, before, st.Earlier, p)
	e := earlierFrom(sig, st.Earlier, through)
	e.Entries += int32(n)
	for _, in := range old {
		if in.ID != "" {
			e.IDs = append(e.IDs, in.ID)
		}
	}
	if extra := len(e.IDs) - v1.MaxRecentInteractions; extra > 0 {
		e.IDs = append([]string(nil), e.IDs[extra:]...)
	}
	st.Earlier = e
	st.Interactions = append([]v1.InteractionEntry(nil), st.Interactions[n:]...)
}

// dropTouches keeps status.touches within its bound, folding the contact of the touches
// it drops into status.earlier so the first-response time never moves.
func dropTouches(st *v1.LeadStatus, p *v1.FollowUpPolicySpec) {
	extra := len(st.Touches) - v1.MaxTouchRecords
	if extra <= 0 {
		return
	}
	dropped := st.Touches[:extra]
	var through time.Time
	for _, t := range dropped {
		if tt := touchTime(t); tt.After(through) {
			through = tt
		}
	}
	if st.Earlier != nil && st.Earlier.Through.After(through) {
		through = st.Earlier.Through.Time
	}
	var old []v1.InteractionEntry // interactions stay in status.interactions
	sig := readSignals(old, dropped, st.Earlier, p)
	e := earlierFrom(sig, st.Earlier, through)
	st.Earlier = e
	st.Touches = append([]v1.TouchRecord(nil), st.Touches[extra:]...)
}

// earlierFrom turns the signals up to through into the compacted summary.
func earlierFrom(sig signals, prev *v1.EarlierInteractions, through time.Time) *v1.EarlierInteractions {
	e := &v1.EarlierInteractions{}
	if prev != nil {
		prev.DeepCopyInto(e)
	}
	e.Through = metav1.NewTime(through)
	en := sig.engagement
	e.Replies, e.Turns, e.BestQuality, e.Delivered, e.Read = en.Replies, en.Turns, en.BestQuality, en.Delivered, en.Read
	e.LastReplyAt = en.LastReplyAt
	e.FirstContactAt = earliest(e.FirstContactAt, sig.firstOurs)
	e.FirstReplyAt = earliest(e.FirstReplyAt, sig.firstReply)
	if sig.stop != "" && (e.Stop == "" || e.StopAt == nil || sig.stopAt.Before(e.StopAt.Time)) {
		e.Stop, e.StopAt = sig.stop, metaTime(sig.stopAt)
	}
	if sig.handToHuman {
		e.HandToHumanAt = earliest(e.HandToHumanAt, sig.handAt)
	}
	return e
}

func earliest(have *metav1.Time, t time.Time) *metav1.Time {
	if t.IsZero() || (have != nil && !t.Before(have.Time)) {
		return have
	}
	return metaTime(t)
}

func metaTime(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	mt := metav1.NewTime(t.UTC().Truncate(time.Second))
	return &mt
}
