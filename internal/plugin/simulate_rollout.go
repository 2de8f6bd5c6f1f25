package plugin

import (
	"fmt"
	"io"
	"math/rand/v2"
	"text/tabwriter"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/crddefaults"
	"github.com/followup-io/followup-operator/internal/policy"
)

// simRolloutLead is one lead under both arms of a rollout.
type simRolloutLead struct {
	Name string `json:"name"`
	// Arm is the arm the lead would be in, Bucket its place in 0..99 (below the
	// percent: the candidate). The simulator stands the lead's name in for its UID; in
	// the cluster the arm comes from the UID, so read it as one draw of the split.
	Arm       v1.RolloutArm `json:"arm"`
	Bucket    int32         `json:"bucket"`
	Stable    simLead       `json:"stable"`
	Candidate simLead       `json:"candidate"`
}

// simRollout is a rollout's projection: both arms for every lead, and both summaries.
type simRollout struct {
	Percent           int32            `json:"percent"`
	StableRevision    string           `json:"stableRevision"`
	CandidateRevision string           `json:"candidateRevision"`
	Leads             []simRolloutLead `json:"leads"`
	Summary           struct {
		Stable    simSummary `json:"stable"`
		Candidate simSummary `json:"candidate"`
	} `json:"summary"`
}

// runSimulateRollout simulates every lead under the stable policy (--stable) and the
// candidate (the simulated policy) and prints both side by side.
func runSimulateRollout(o simOptions, env Env) error {
	r, notes, err := simulateRollout(o)
	if err != nil {
		return err
	}
	if o.output == "json" {
		return notesAndJSON(env, notes, r)
	}
	notesAndJSON(env, notes, nil)
	printRollout(env.Out, r)
	return nil
}

func simulateRollout(o simOptions) (simRollout, []string, error) {
	input, err := loadSimInput(o)
	if err != nil {
		return simRollout{}, nil, err
	}
	cand := input.policy
	stable, err := loadStablePolicy(o.stableFile, cand.Name)
	if err != nil {
		return simRollout{}, nil, err
	}
	ro := v1.Rollout{Percent: 100}
	if cand.Spec.Rollout != nil {
		ro = *cand.Spec.Rollout
	}
	if o.percent >= 0 {
		ro.Percent = int32(o.percent)
	}
	arm := func(spec *v1.FollowUpPolicySpec) cadence.RolloutArmInput {
		return cadence.RolloutArmInput{Spec: spec, Revision: policy.SpecRevision(spec), StepsRevision: policy.StepsRevision(spec)}
	}
	sArm, cArm := arm(&stable.Spec), arm(&cand.Spec)
	notes := input.notes
	if sArm.Revision == cArm.Revision {
		notes = append(notes, fmt.Sprintf("--stable and the candidate are the same revision (%s): there is nothing to roll out", sArm.Revision))
	}
	out := simRollout{Percent: ro.Percent, StableRevision: sArm.Revision, CandidateRevision: cArm.Revision}
	var sTally, cTally simTally
	for i, l := range input.leads {
		start := prepareSimLead(&l, o.start)
		in := cadence.Input{Now: start, Lead: &l, PolicyName: cand.Name, Channels: input.channels, Reps: simReps()}
		// Each arm gets the same draws of the reply model, so the arms differ only by
		// their policy.
		respond := func() cadence.Responder { return o.responder(rand.New(rand.NewPCG(o.seed, uint64(i)))) }
		sim, err := cadence.SimulateRollout(in, sArm, cArm, ro, start.Add(o.horizon), respond)
		if err != nil {
			return out, notes, fmt.Errorf("lead %s: %w", l.Name, err)
		}
		r := simRolloutLead{Name: l.Name, Arm: v1.ArmStable, Bucket: sim.Bucket,
			Stable: summarise(&sim.Stable, &stable.Spec), Candidate: summarise(&sim.Candidate, &cand.Spec)}
		if sim.Arm != nil {
			r.Arm = sim.Arm.Arm
		}
		sTally.add(&sim.Stable, r.Stable)
		cTally.add(&sim.Candidate, r.Candidate)
		out.Leads = append(out.Leads, r)
	}
	out.Summary.Stable, out.Summary.Candidate = sTally.summary(), cTally.summary()
	return out, notes, nil
}

// loadStablePolicy reads the policy as applied now from file: its only FollowUpPolicy,
// or the one named name among several.
func loadStablePolicy(file, name string) (*v1.FollowUpPolicy, error) {
	docs, err := fileDocs(file)
	if err != nil {
		return nil, err
	}
	var found []v1.FollowUpPolicy
	for _, d := range docs {
		if d.kind != "FollowUpPolicy" {
			continue
		}
		var p v1.FollowUpPolicy
		if err := crddefaults.Decode("FollowUpPolicy", d.raw, &p); err != nil {
			return nil, fmt.Errorf("%s: %w", d.where, err)
		}
		found = append(found, p)
	}
	for i := range found {
		if len(found) == 1 || found[i].Name == name {
			if _, problem := policy.Validate(&found[i].Spec); problem != nil {
				return nil, fmt.Errorf("--stable %s: policy %s is not valid: %s: %s", file, found[i].Name, problem.Reason, problem.Message)
			}
			return &found[i], nil
		}
	}
	return nil, fmt.Errorf("--stable %s: want the FollowUpPolicy %s (found %d policies)", file, name, len(found))
}

// printRollout prints each lead's arm and both arms' touches side by side.
func printRollout(w io.Writer, r simRollout) {
	fmt.Fprintf(w, "ROLLOUT %d%%: stable %s, candidate %s (a lead is in the candidate when its bucket is below %d)\n\n",
		r.Percent, r.StableRevision, r.CandidateRevision, r.Percent)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	touch := func(ts []simTouch, i int) string {
		if i >= len(ts) {
			return "\t\t\t"
		}
		t := ts[i]
		step := t.Step
		if t.Variant != "" {
			step += " [" + t.Variant + "]"
		}
		return fmt.Sprintf("#%d %s\t%s\t%s\t%s", t.Number, step, orDash(t.Channel), t.Local, t.Result)
	}
	for _, l := range r.Leads {
		// One cell (no tab): each lead's columns line up on their own.
		fmt.Fprintf(tw, "LEAD %s (%s, tier %s) arm: %s (bucket %d)\n", l.Name, l.Stable.TimeZone, l.Stable.Tier, l.Arm, l.Bucket)
		fmt.Fprintf(tw, "  STABLE %s\t\t\t\t|\tCANDIDATE %s\t\t\t\n", r.StableRevision, r.CandidateRevision)
		for i := 0; i < max(len(l.Stable.Touches), len(l.Candidate.Touches)); i++ {
			fmt.Fprintf(tw, "  %s\t|\t%s\n", touch(l.Stable.Touches, i), touch(l.Candidate.Touches, i))
		}
		fmt.Fprintf(tw, "  end\t\t%s\tSLA %s\t|\tend\t\t%s\tSLA %s\n", l.Stable.Final, l.Stable.SLA, l.Candidate.Final, l.Candidate.SLA)
	}
	_ = tw.Flush()
	for _, s := range []struct {
		name string
		sum  simSummary
	}{{"stable", r.Summary.Stable}, {"candidate", r.Summary.Candidate}} {
		fmt.Fprintf(w, "\nSUMMARY %s: leads %d, SLA attainment %.0f%% (%d met, %d breached), touches/lead %.2f, replied %.0f%%, dormant %.0f%%",
			s.name, s.sum.Leads, 100*s.sum.SLAAttainment, s.sum.SLAMet, s.sum.SLABreached, s.sum.TouchesPerLead,
			100*s.sum.ReplyShare, 100*s.sum.DormantShare)
	}
	fmt.Fprintln(w)
}
