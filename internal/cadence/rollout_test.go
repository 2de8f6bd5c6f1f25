package cadence

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func rolloutLead(uid string) *v1.Lead {
	return &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: uid, UID: types.UID(uid),
		CreationTimestamp: metav1.NewTime(at("2026-11-16T09:00:00Z"))},
		Spec: v1.LeadSpec{Tier: "standard", Contact: v1.Contact{TimeZone: "Europe/Berlin"}}}
}

// TestChooseArmSplitsByPercent: about percent of new leads join the candidate, each
// lead the same way every time it is asked (a restart changes nothing).
func TestChooseArmSplitsByPercent(t *testing.T) {
	r := RolloutState{Stable: "aaa", Candidate: "bbb", Percent: 20}
	cand := 0
	for i := 0; i < 2000; i++ {
		l := rolloutLead(fmt.Sprintf("uid-%d", i))
		arm := ChooseArm(l, r)
		if again := ChooseArm(l, r); *again != *arm {
			t.Fatalf("arm of %s changed between two asks: %+v %+v", l.UID, arm, again)
		}
		if arm.Arm == v1.ArmCandidate {
			cand++
			if arm.Revision != "bbb" {
				t.Fatalf("candidate follows %q", arm.Revision)
			}
		} else if arm.Revision != "aaa" {
			t.Fatalf("stable follows %q", arm.Revision)
		}
	}
	if cand < 340 || cand > 460 {
		t.Fatalf("%d of 2000 leads in the candidate at 20%%", cand)
	}
	if ChooseArm(rolloutLead("x"), RolloutState{Stable: "aaa", Candidate: "aaa", Percent: 20}) != nil {
		t.Fatal("an arm without a rollout")
	}
}

// TestChooseArmIsStickyWhenPercentMoves: lowering the percent moves no candidate lead
// back; raising it moves stable leads that have not begun; leads in flight move only
// with inFlight, and only when their progress carries over.
func TestChooseArmIsStickyWhenPercentMoves(t *testing.T) {
	var l *v1.Lead
	for i := 0; ; i++ { // a lead whose bucket is between 10 and 50
		l = rolloutLead(fmt.Sprintf("lead-%d", i))
		if b := RolloutBucket(string(l.UID), "aaa"); b >= 10 && b < 50 {
			break
		}
	}
	at10 := RolloutState{Stable: "aaa", Candidate: "bbb", Percent: 10}
	at50 := at10
	at50.Percent = 50
	l.Status.Rollout = ChooseArm(l, at10)
	if l.Status.Rollout.Arm != v1.ArmStable {
		t.Fatal("bucket above 10 in the candidate at 10%")
	}
	if ChooseArm(l, at50).Arm != v1.ArmCandidate {
		t.Fatal("raising the percent did not move a lead that has not begun")
	}
	l.Status.Rollout = ChooseArm(l, at50)
	if ChooseArm(l, at10).Arm != v1.ArmCandidate {
		t.Fatal("lowering the percent moved a candidate lead back")
	}
	if got := ChooseArm(l, RolloutState{Stable: "aaa", Candidate: "ccc", Percent: 0}); got.Arm != v1.ArmCandidate || got.Revision != "ccc" {
		t.Fatalf("a third revision: candidate lead got %+v, want the new candidate", got)
	}
	if got := ChooseArm(l, RolloutState{Stable: "bbb", Candidate: "ddd", Percent: 0}); got.Arm != v1.ArmStable {
		t.Fatalf("an arm from an earlier rollout was kept: %+v", got)
	}

	// The same lead, begun under the stable revision before the rollout.
	l.Status.Rollout = nil
	l.Status.Touches = []v1.TouchRecord{{Number: 1, Step: "introduce", Result: v1.TouchSent}}
	if ChooseArm(l, at50).Arm != v1.ArmStable {
		t.Fatal("a lead in flight joined the candidate without inFlight")
	}
	in := at50
	in.InFlight, in.CandidateSpec = true, industrial()
	if ChooseArm(l, in).Arm != v1.ArmCandidate {
		t.Fatal("inFlight did not move a lead in flight")
	}
	renamed := industrial()
	for i := range renamed.Steps {
		renamed.Steps[i].Name += "-v2"
	}
	in.CandidateSpec = renamed
	if ChooseArm(l, in).Arm != v1.ArmStable {
		t.Fatal("a lead in flight joined a candidate with renamed steps: it would start over")
	}
}

// TestRolloutArmsFollowTheirRevision: with the fake clock, a stable lead and a candidate
// lead of one policy get each their revision's touches and record their arm and the
// steps revision their touch keys derive from.
func TestRolloutArmsFollowTheirRevision(t *testing.T) {
	stable := industrial()
	cand := industrial()
	cand.Steps[1].After = dur("24h") // send the catalog sooner
	cand.Steps[1].Name = "send-catalog"
	r := RolloutState{Stable: "aaa", Candidate: "bbb", Percent: 50, InFlight: true, CandidateSpec: cand}
	var sl, cl *v1.Lead
	for i := 0; sl == nil || cl == nil; i++ {
		l := rolloutLead(fmt.Sprintf("lead-%d", i))
		l.Spec.Source.SubmittedAt = &metav1.Time{Time: at("2026-11-16T09:00:00Z")} // Monday
		if ChooseArm(l, r).Arm == v1.ArmCandidate {
			cl = l
		} else {
			sl = l
		}
	}
	run := func(l *v1.Lead, spec *v1.FollowUpPolicySpec, rev string) []v1.TouchRecord {
		now := at("2026-11-16T09:00:00Z")
		for i := 0; i < 10; i++ {
			in := input(l, spec, now)
			in.Revision, in.Rollout = rev, ChooseArm(l, r)
			res := decide(t, in)
			if res.Touch != nil {
				res = send(t, in, res, Sent, "")
			}
			if res.NextAt.IsZero() || len(l.Status.Touches) >= 2 {
				break
			}
			now = res.NextAt
		}
		return l.Status.Touches
	}
	st := run(sl, stable, "stable-steps")
	ct := run(cl, cand, "cand-steps")
	if len(st) < 2 || len(ct) < 2 {
		t.Fatalf("touches: stable %d, candidate %d", len(st), len(ct))
	}
	if sl.Status.Rollout.Arm != v1.ArmStable || cl.Status.Rollout.Arm != v1.ArmCandidate {
		t.Fatalf("arms recorded: %+v %+v", sl.Status.Rollout, cl.Status.Rollout)
	}
	gapS, gapC := st[1].Due.Sub(st[0].Due.Time), ct[1].Due.Sub(ct[0].Due.Time)
	// Monday 10:00 Berlin: 36h later is Tuesday night, so Wednesday 09:00 (47h); 24h
	// later is Tuesday 10:00.
	if gapS != 47*time.Hour || gapC != 24*time.Hour {
		t.Fatalf("send-catalog after %v (stable) and %v (candidate), want 47h and 24h", gapS, gapC)
	}
	if sl.Status.StepsRevision != "stable-steps" || cl.Status.StepsRevision != "cand-steps" {
		t.Fatalf("revisions recorded: %s %s", sl.Status.StepsRevision, cl.Status.StepsRevision)
	}
	if st[0].Key == ct[0].Key {
		t.Fatal("two leads share a touch key")
	}
}

// TestArmMeasuresSideBySide counts each arm's leads, touched, replied, meetings and
// wins, and leaves out leads of another rollout or with no arm yet.
func TestArmMeasuresSideBySide(t *testing.T) {
	mk := func(arm v1.RolloutArm, stable string, touched bool, entries ...v1.InteractionKind) v1.Lead {
		l := rolloutLead("x")
		l.Status.Rollout = &v1.LeadRollout{Arm: arm, StableRevision: stable}
		if touched {
			l.Status.Touches = []v1.TouchRecord{{Number: 1, Result: v1.TouchSent}}
		}
		for _, k := range entries {
			l.Status.Interactions = append(l.Status.Interactions, v1.InteractionEntry{Kind: k, At: metav1.NewTime(at("2026-11-17T10:00:00Z"))})
		}
		return *l
	}
	won := mk(v1.ArmCandidate, "aaa", true, v1.InteractionReply, v1.InteractionMeetingBooked)
	won.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon}
	leads := []v1.Lead{won, mk(v1.ArmCandidate, "aaa", true), mk(v1.ArmCandidate, "aaa", false),
		mk(v1.ArmStable, "aaa", true, v1.InteractionReply), mk(v1.ArmStable, "aaa", true), mk(v1.ArmStable, "aaa", true),
		mk(v1.ArmStable, "old", true), *rolloutLead("no-arm")}
	got := ArmMeasures(leads, "aaa", "bbb")
	want := []v1.ArmMeasures{
		{Arm: v1.ArmCandidate, Revision: "bbb", Leads: 3, Touched: 2, Replied: 1, ReplyRate: "50.0%", Meetings: 1, Won: 1},
		{Arm: v1.ArmStable, Revision: "aaa", Leads: 3, Touched: 3, Replied: 1, ReplyRate: "33.3%"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if s := RolloutSummary(20, got); s != "20%: 3 candidate / 3 stable" {
		t.Fatal(s)
	}
}

// TestSimulateRolloutShowsBothArms: the simulator's rollout run puts the lead in the arm
// the operator would, and runs each arm's own cadence from the same start.
func TestSimulateRolloutShowsBothArms(t *testing.T) {
	stable := industrial()
	cand := industrial()
	cand.Steps = cand.Steps[:2] // the candidate drops the call
	l := rolloutLead("sim-lead")
	start := at("2026-11-16T09:00:00Z")
	l.Spec.Source.SubmittedAt = &metav1.Time{Time: start}
	ro := v1.Rollout{Percent: 30}
	sim, err := SimulateRollout(input(l, nil, start), RolloutArmInput{Spec: stable, Revision: "aaa", StepsRevision: "s1"},
		RolloutArmInput{Spec: cand, Revision: "bbb", StepsRevision: "s2"}, ro, start.Add(60*24*time.Hour),
		func() Responder { return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := ChooseArm(rolloutLead("sim-lead"), RolloutState{Stable: "aaa", Candidate: "bbb", Percent: 30})
	if *sim.Arm != *want || sim.Bucket != RolloutBucket("sim-lead", "aaa") {
		t.Fatalf("arm %+v bucket %d, want %+v", sim.Arm, sim.Bucket, want)
	}
	count := func(l v1.Lead, round int32) int {
		n := 0
		for _, tr := range l.Status.Touches {
			if tr.Round == round {
				n++
			}
		}
		return n
	}
	if count(sim.Stable, 0) != 3 || count(sim.Candidate, 0) != 2 {
		t.Fatalf("first-round touches: stable %d, candidate %d", count(sim.Stable, 0), count(sim.Candidate, 0))
	}
	if sim.Stable.Status.Rollout.Arm != v1.ArmStable || sim.Candidate.Status.StepsRevision != "s2" {
		t.Fatalf("arms recorded: %+v %s", sim.Stable.Status.Rollout, sim.Candidate.Status.StepsRevision)
	}
	if l.Status.Touches != nil {
		t.Fatal("the input lead was changed")
	}
}
