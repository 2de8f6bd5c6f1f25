package controllers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/policy"
)

// editPolicy changes a policy's spec with a merge patch (no conflict with the policy
// controller's status writes) and waits until its status describes the edit.
func editPolicy(t *testing.T, key client.ObjectKey, edit func(*v1.FollowUpPolicySpec)) v1.FollowUpPolicy {
	t.Helper()
	ctx := context.Background()
	var cur v1.FollowUpPolicy
	if err := k8s.Get(ctx, key, &cur); err != nil {
		t.Fatal(err)
	}
	orig := cur.DeepCopy()
	edit(&cur.Spec)
	if err := k8s.Patch(ctx, &cur, client.MergeFrom(orig)); err != nil {
		t.Fatal(err)
	}
	var got v1.FollowUpPolicy
	eventually(t, 10*time.Second, func() string {
		if err := k8s.Get(ctx, key, &got); err != nil {
			return err.Error()
		}
		if got.Status.ObservedGeneration != cur.Generation {
			return fmt.Sprintf("observedGeneration %d, want %d", got.Status.ObservedGeneration, cur.Generation)
		}
		return ""
	})
	return got
}

func revisionsOf(t *testing.T, p *v1.FollowUpPolicy) map[string]bool {
	t.Helper()
	var list appsv1.ControllerRevisionList
	if err := k8s.List(context.Background(), &list, client.InNamespace(p.Namespace),
		client.MatchingLabels{controllers.LabelPolicyUID: string(p.UID)}); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, cr := range list.Items {
		out[cr.Name] = true
	}
	return out
}

// TestRolloutThroughTheAPI runs a rollout through a real API server: the previous
// revision kept as a ControllerRevision, leads split by the percent and following each
// their arm's steps, a lead in flight kept on the stable revision, the percent lowered,
// an operator restart, a third revision, a ControllerRevision deleted by hand, the
// promotion at 100% and the pruning of old revisions; and a policy of the same name in
// another namespace left alone.
func TestRolloutThroughTheAPI(t *testing.T) {
	start := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC) // Monday, 10:00 in Warsaw
	h := newHarness(t, start)
	h.fixtures()
	other := newHarness(t, start) // the same policy in another namespace
	other.fixtures()
	key := client.ObjectKey{Namespace: h.ns, Name: "industrial"}
	var p1 v1.FollowUpPolicy
	if err := k8s.Get(context.Background(), key, &p1); err != nil {
		t.Fatal(err)
	}
	rev1, steps1 := p1.Status.CurrentRevision, p1.Status.StepsRevision
	if rev1 == "" || p1.Status.UpdateRevision != rev1 || rev1 != policy.SpecRevision(&p1.Spec) {
		t.Fatalf("revisions before any rollout: %q %q", rev1, p1.Status.UpdateRevision)
	}
	if !revisionsOf(t, &p1)[policy.RevisionName("industrial", rev1)] {
		t.Fatal("the policy's revision is not stored as a ControllerRevision")
	}

	// A lead that began its cadence before the rollout.
	early := h.lead("early", "standard", start)
	h.poke(early)
	if got := h.get(early); len(got.Status.Touches) != 1 || got.Status.Rollout != nil {
		t.Fatalf("before the rollout: %d touches, rollout %+v", len(got.Status.Touches), got.Status.Rollout)
	}

	// The candidate sends the catalog after 24h instead of 36h, to half the new leads.
	p2 := editPolicy(t, key, func(s *v1.FollowUpPolicySpec) {
		s.Steps[1].After = &metav1.Duration{Duration: 24 * time.Hour}
		s.Rollout = &v1.Rollout{Percent: 50}
	})
	rev2 := p2.Status.UpdateRevision
	if p2.Status.CurrentRevision != rev1 || rev2 == rev1 || rev2 == "" {
		t.Fatalf("revisions during the rollout: current %q update %q (was %q)", p2.Status.CurrentRevision, rev2, rev1)
	}
	if c := condition(p2.Status.Conditions, v1.ConditionRollout); c == nil || c.Status != metav1.ConditionTrue || c.Reason != v1.ReasonRollingOut {
		t.Fatalf("Rollout condition %+v", c)
	}
	steps2 := p2.Status.StepsRevision
	leads := map[string]*v1.Lead{}
	for i := 0; i < 30; i++ {
		l := h.lead(fmt.Sprintf("new-%02d", i), "standard", start)
		h.poke(l)
		leads[l.Name] = l
	}
	arms := map[string]v1.RolloutArm{}
	cand := 0
	for name, l := range leads {
		got := h.get(l)
		ro := got.Status.Rollout
		if ro == nil {
			t.Fatalf("%s has no arm", name)
		}
		want := v1.ArmStable
		if cadence.RolloutBucket(string(got.UID), rev1) < 50 {
			want = v1.ArmCandidate
		}
		if ro.Arm != want || ro.StableRevision != rev1 {
			t.Fatalf("%s: arm %+v, want %s", name, ro, want)
		}
		wantSteps := map[v1.RolloutArm]string{v1.ArmStable: steps1, v1.ArmCandidate: steps2}[want]
		if got.Status.StepsRevision != wantSteps || len(got.Status.Touches) != 1 {
			t.Fatalf("%s (%s) follows steps %s with %d touches, want %s", name, want, got.Status.StepsRevision, len(got.Status.Touches), wantSteps)
		}
		arms[name] = ro.Arm
		if ro.Arm == v1.ArmCandidate {
			cand++
		}
	}
	if cand < 6 || cand > 24 {
		t.Fatalf("%d of 30 leads in the candidate at 50%%", cand)
	}
	h.poke(early)
	if ro := h.get(early).Status.Rollout; ro == nil || ro.Arm != v1.ArmStable {
		t.Fatalf("a lead in flight left the stable revision without inFlight: %+v", ro)
	}

	// A day and a half later each arm's second touch is due at its own time: 24h after
	// the first for the candidate, 36h (then the next business hour) for the stable arm.
	h.clock.SetTime(start.Add(25 * time.Hour))
	for name, l := range leads {
		h.poke(l)
		got := h.get(l)
		if n := len(got.Status.Touches); (arms[name] == v1.ArmCandidate) != (n == 2) {
			t.Fatalf("%s (%s): %d touches after 25h", name, arms[name], n)
		}
	}

	// Lowering the percent moves no candidate lead back; a restart changes no arm.
	p3 := editPolicy(t, key, func(s *v1.FollowUpPolicySpec) { s.Rollout.Percent = 10 })
	h.restart()
	for name, l := range leads {
		h.poke(l)
		if got := h.get(l); got.Status.Rollout == nil || got.Status.Rollout.Arm != arms[name] {
			t.Fatalf("%s moved from %s to %+v", name, arms[name], got.Status.Rollout)
		}
	}
	// The policy shows both arms' measures side by side (counted at its last reconcile).
	if r := p3.Status.Rollout; r == nil || len(r.Arms) != 2 || r.Arms[0].Leads+r.Arms[1].Leads != 31 ||
		r.Arms[0].Leads != int32(cand) || r.Arms[0].Touched != int32(cand) {
		t.Fatalf("rollout status %+v", p3.Status.Rollout)
	}
	if want := fmt.Sprintf("10%%: %d candidate / %d stable", cand, 31-cand); p3.Status.Rollout.Summary != want {
		t.Fatalf("summary %q, want %q", p3.Status.Rollout.Summary, want)
	}

	// A third revision replaces the candidate; the candidate leads follow it.
	p4 := editPolicy(t, key, func(s *v1.FollowUpPolicySpec) { s.Steps[2].After = &metav1.Duration{Duration: 24 * time.Hour} })
	rev3 := p4.Status.UpdateRevision
	if p4.Status.CurrentRevision != rev1 || rev3 == rev2 {
		t.Fatalf("third revision: current %q update %q", p4.Status.CurrentRevision, rev3)
	}
	for name, l := range leads {
		h.poke(l)
		if ro := h.get(l).Status.Rollout; arms[name] == v1.ArmCandidate && ro.Revision != rev3 {
			t.Fatalf("%s follows %s, want the new candidate %s", name, ro.Revision, rev3)
		}
	}

	// The stable revision's ControllerRevision deleted by hand: the policy says so, the
	// stable leads wait (blocked with the reason), nothing crashes.
	cr := &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: policy.RevisionName("industrial", rev1)}}
	if err := k8s.Delete(context.Background(), cr); err != nil {
		t.Fatal(err)
	}
	p5 := editPolicy(t, key, func(s *v1.FollowUpPolicySpec) { s.Rollout.Percent = 20 })
	if c := condition(p5.Status.Conditions, v1.ConditionRollout); c == nil || c.Status != metav1.ConditionFalse || c.Reason != v1.ReasonRevisionMissing {
		t.Fatalf("Rollout condition after the deletion: %+v", c)
	}
	h.restart() // a fresh operator has no spec in memory either
	for name, l := range leads {
		h.poke(l)
		got := h.get(l)
		if blocked := got.Status.Phase == v1.PhaseBlocked; blocked != (arms[name] == v1.ArmStable) {
			t.Fatalf("%s (%s): phase %s", name, arms[name], got.Status.Phase)
		}
	}

	// Promotion: every lead follows the candidate, with its progress.
	p6 := editPolicy(t, key, func(s *v1.FollowUpPolicySpec) { s.Rollout.Percent = 100 })
	if p6.Status.CurrentRevision != rev3 || p6.Status.UpdateRevision != rev3 || p6.Status.Rollout != nil ||
		condition(p6.Status.Conditions, v1.ConditionRollout) != nil {
		t.Fatalf("after promotion: %+v", p6.Status)
	}
	for name, l := range leads {
		h.poke(l)
		got := h.get(l)
		if got.Status.Rollout != nil || got.Status.Phase == v1.PhaseBlocked || got.Status.StepsRevision != p6.Status.StepsRevision {
			t.Fatalf("%s after promotion: arm %+v, phase %s, steps %s", name, got.Status.Rollout, got.Status.Phase, got.Status.StepsRevision)
		}
	}
	eventually(t, 5*time.Second, func() string {
		ev := eventsFor(t, &p6)
		for _, reason := range []string{v1.EventRolloutStarted, v1.EventRolloutPromoted, v1.ReasonRevisionMissing} {
			if len(ev[reason]) == 0 {
				return "no event " + reason
			}
		}
		if len(ev[v1.EventRolloutPromoted]) != 1 {
			return fmt.Sprintf("%d promotion events", len(ev[v1.EventRolloutPromoted]))
		}
		return ""
	})
	if revs := revisionsOf(t, &p6); !revs[policy.RevisionName("industrial", rev3)] || len(revs) > 4 {
		t.Fatalf("revisions kept: %v", revs)
	}

	// The other namespace's policy of the same name never rolled anything out.
	var po v1.FollowUpPolicy
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: other.ns, Name: "industrial"}, &po); err != nil {
		t.Fatal(err)
	}
	if po.Status.CurrentRevision != rev1 || po.Status.UpdateRevision != rev1 || po.Status.Rollout != nil {
		t.Fatalf("the other namespace's policy: %+v", po.Status)
	}
	ol := other.lead("elsewhere", "standard", start)
	other.poke(ol)
	if got := other.get(ol); got.Status.Rollout != nil || got.Status.StepsRevision != steps1 {
		t.Fatalf("the other namespace's lead: arm %+v steps %s", got.Status.Rollout, got.Status.StepsRevision)
	}
}
