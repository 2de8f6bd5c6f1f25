package plugin

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"text/tabwriter"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/plugin/cliparse"
	"github.com/followup-io/followup-operator/internal/policy"
)

// simTouch is one touch of a simulated lead.
type simTouch struct {
	Number  int32     `json:"number"`
	Step    string    `json:"step"`
	Variant string    `json:"variant,omitempty"` // the A/B variant the lead gets (stable per lead name)
	Channel string    `json:"channel,omitempty"`
	Due     time.Time `json:"due"`
	Local   string    `json:"local"`
	Result  string    `json:"result"`
}

// simLead is a simulated lead's schedule and end state.
type simLead struct {
	Name     string     `json:"name"`
	TimeZone string     `json:"timeZone"`
	Tier     string     `json:"tier"`
	Touches  []simTouch `json:"touches"`
	SLA      string     `json:"sla"`
	Replied  bool       `json:"replied"`
	Final    string     `json:"final"`
}

// simSummary is the projection a reviewer reads.
type simSummary struct {
	Leads          int     `json:"leads"`
	SLAMet         int     `json:"slaMet"`
	SLABreached    int     `json:"slaBreached"`
	SLAAttainment  float64 `json:"slaAttainment"`
	TouchesPerLead float64 `json:"touchesPerLead"`
	ReplyShare     float64 `json:"replyShare"`
	DormantShare   float64 `json:"dormantShare"`
}

type simOptions struct {
	policyFile, leadsFile, channelsFile, output string
	// files are -f paths (files or directories of mixed documents); recursive reads
	// subdirectories; policyName picks the policy among several.
	files      []string
	recursive  bool
	policyName string
	replyRate  float64
	mix        [3]float64
	seed       uint64
	start      time.Time
	horizon    time.Duration
	// stableFile is the policy as applied now (a rollout's stable revision); the
	// simulated policy is then the candidate. percent is the rollout's (-1: the
	// candidate's spec.rollout.percent); arm is both, stable or candidate.
	stableFile string
	percent    int
	arm        string
}

func runSimulate(args []string, env Env) error {
	var o simOptions
	var mix, start, horizon string
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.Func("f", "A YAML file or a directory of them (repeatable): policies, channels, leads and campaigns are picked out.",
		func(s string) error { o.files = append(o.files, s); return nil })
	fs.Func("filename", "A YAML file or a directory of them (repeatable): policies, channels, leads and campaigns are picked out.",
		func(s string) error { o.files = append(o.files, s); return nil })
	fs.BoolVar(&o.recursive, "R", false, "Read the subdirectories of -f directories too.")
	fs.StringVar(&o.policyName, "policy-name", "", "The FollowUpPolicy to simulate when the input holds several.")
	fs.StringVar(&o.policyFile, "policy", "", "FollowUpPolicy YAML file.")
	fs.StringVar(&o.leadsFile, "leads", "", "Lead YAML file (several documents).")
	fs.StringVar(&o.channelsFile, "channels", "", "Channel YAML file; without channels, every channel is taken as a Webhook.")
	fs.Float64Var(&o.replyRate, "reply-rate", 0.2, "Chance that a touch gets a reply.")
	fs.StringVar(&mix, "quality-mix", "0.5,0.3,0.2", "Shares of reply quality 1,2,3.")
	fs.Uint64Var(&o.seed, "seed", 1, "Seed of the reply model.")
	fs.StringVar(&start, "start", "", "Submission time of leads without one (RFC 3339); default now.")
	fs.StringVar(&horizon, "horizon", "90d", "How far to simulate (such as 90d or 720h).")
	fs.StringVar(&o.output, "o", "table", "Output: table or json.")
	fs.StringVar(&o.stableFile, "stable", "", "The FollowUpPolicy as applied now (a rollout's stable revision); the simulated policy is the candidate.")
	fs.IntVar(&o.percent, "percent", -1, "With --stable: the rollout percent (default: the candidate's spec.rollout.percent, else 100).")
	fs.StringVar(&o.arm, "arm", "both", "With --stable: both (side by side), stable or candidate.")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("simulate takes files through -f (or --policy and --leads), not %q", pos[0])
	}
	if len(o.files) == 0 && (o.policyFile == "" || o.leadsFile == "") {
		return usagef("simulate needs -f DIR|FILE, or --policy FILE and --leads FILE")
	}
	if o.replyRate < 0 || o.replyRate > 1 {
		return usagef("--reply-rate must be between 0 and 1")
	}
	shares, err := cliparse.Shares(mix, 3)
	if err != nil {
		return usagef("--quality-mix %v", err)
	}
	copy(o.mix[:], shares)
	if o.horizon, err = cliparse.Days(horizon); err != nil {
		return usagef("--horizon %v", err)
	}
	o.start = time.Now().UTC().Truncate(time.Minute)
	if start != "" {
		if o.start, err = time.Parse(time.RFC3339, start); err != nil {
			return usagef("--start %q: want RFC 3339 such as 2026-11-16T09:00:00Z", start)
		}
	}
	if o.output != "table" && o.output != "json" {
		return usagef("-o %q: want table or json", o.output)
	}
	if o.stableFile == "" && (o.percent != -1 || o.arm != "both") {
		return usagef("--percent and --arm need --stable FILE (the policy as applied now)")
	}
	if o.percent < -1 || o.percent > 100 {
		return usagef("--percent must be between 0 and 100")
	}
	if o.arm != "both" && o.arm != "stable" && o.arm != "candidate" {
		return usagef("--arm %q: want both, stable or candidate", o.arm)
	}
	if o.stableFile != "" && o.arm == "both" {
		return runSimulateRollout(o, env)
	}
	leads, sum, notes, err := simulate(o)
	if err != nil {
		return err
	}
	if o.output == "json" {
		return notesAndJSON(env, notes, map[string]any{"leads": leads, "summary": sum})
	}
	notesAndJSON(env, notes, nil)
	printSimulation(env.Out, leads, sum)
	return nil
}

// simulate runs the pure engine over every lead of the input.
func simulate(o simOptions) ([]simLead, simSummary, []string, error) {
	input, err := loadSimInput(o)
	if err != nil {
		return nil, simSummary{}, nil, err
	}
	p, channels := input.policy, input.channels
	if o.stableFile != "" && o.arm == "stable" {
		stable, err := loadStablePolicy(o.stableFile, p.Name)
		if err != nil {
			return nil, simSummary{}, nil, err
		}
		p.Spec = stable.Spec
	}
	rev := policy.StepsRevision(&p.Spec)
	rng := rand.New(rand.NewPCG(o.seed, 0x5eed))
	var out []simLead
	var sum simTally
	for _, l := range input.leads {
		start := prepareSimLead(&l, o.start)
		in := cadence.Input{Now: start, Lead: &l, PolicyName: p.Name, Policy: &p.Spec, Revision: rev, Channels: channels,
			Reps: simReps()}
		_, err := cadence.Simulate(in, start.Add(o.horizon), o.responder(rng))
		if err != nil {
			return nil, simSummary{}, nil, fmt.Errorf("lead %s: %w", l.Name, err)
		}
		out = append(out, summarise(&l, &p.Spec))
		sum.add(&l, out[len(out)-1])
	}
	return out, sum.summary(), input.notes, nil
}

// prepareSimLead gives a lead read from a file what the API server would: a UID (its
// name, so touch keys, variants and arms are stable), a creation time and a submission
// time (start when it has none). It returns the submission time.
func prepareSimLead(l *v1.Lead, start time.Time) time.Time {
	l.UID = types.UID(l.Name)
	if s := l.Spec.Source.SubmittedAt; s != nil {
		start = s.Time
	} else {
		l.Spec.Source.SubmittedAt = &metav1.Time{Time: start}
	}
	l.CreationTimestamp = metav1.NewTime(start)
	return start
}

// simTally adds simulated leads up into a summary.
type simTally struct {
	simSummary
	touches int
}

func (s *simTally) add(l *v1.Lead, r simLead) {
	s.Leads++
	s.touches += len(r.Touches)
	switch l.Status.FirstResponse.State {
	case v1.SLAMet:
		s.SLAMet++
	case v1.SLABreached:
		s.SLABreached++
	}
	if r.Replied {
		s.ReplyShare++
	}
	if p := l.Status.Phase; p == v1.PhaseDormant || p == v1.PhaseFinished {
		s.DormantShare++
	}
}

func (s *simTally) summary() simSummary {
	sum := s.simSummary
	if sum.Leads > 0 {
		n := float64(sum.Leads)
		sum.TouchesPerLead, sum.ReplyShare, sum.DormantShare = round2(float64(s.touches)/n), round2(sum.ReplyShare/n), round2(sum.DormantShare/n)
	}
	if judged := sum.SLAMet + sum.SLABreached; judged > 0 {
		sum.SLAAttainment = round2(float64(sum.SLAMet) / float64(judged))
	}
	return sum
}

// responder is the seeded reply model: a touch gets a reply with the reply rate, of a
// quality drawn from the mix, some hours later; a rep records each call task half an
// hour after it was assigned.
func (o simOptions) responder(rng *rand.Rand) cadence.Responder {
	return func(t v1.TouchRecord, now time.Time) (cadence.Outcome, *v1.InteractionEntry) {
		outcome := cadence.Sent
		if t.PerformedBy == v1.PerformedByOwner {
			outcome = cadence.TaskAssigned
		}
		if rng.Float64() < o.replyRate {
			q := int32(3)
			switch x := rng.Float64(); {
			case x < o.mix[0]:
				q = 1
			case x < o.mix[0]+o.mix[1]:
				q = 2
			}
			return outcome, cadence.ReplyAt(now.Add(time.Duration(1+rng.IntN(47))*time.Hour), q)
		}
		if outcome == cadence.TaskAssigned {
			return outcome, &v1.InteractionEntry{At: metav1.NewTime(now.Add(30 * time.Minute)), Kind: v1.InteractionCallNoAnswer,
				Direction: v1.Outbound, TouchKey: t.Key}
		}
		return outcome, nil
	}
}

func summarise(l *v1.Lead, p *v1.FollowUpPolicySpec) simLead {
	zone := l.Spec.Contact.TimeZone
	if zone == "" {
		zone = p.Schedule.TimeZone
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	r := simLead{Name: l.Name, TimeZone: zone, Tier: l.Spec.Tier, SLA: l.Status.FirstResponse.Summary,
		Replied: l.Status.Engagement.Replies > 0, Final: l.Status.Stage}
	for _, t := range l.Status.Touches {
		r.Touches = append(r.Touches, simTouch{Number: t.Number, Step: t.Step, Variant: t.Variant, Channel: t.Channel, Due: t.Due.UTC(),
			Local: t.Due.In(loc).Format("Mon 2006-01-02 15:04 MST"), Result: string(t.Result)})
	}
	if r.SLA == "" {
		r.SLA = string(l.Status.FirstResponse.State)
	}
	return r
}

func printSimulation(w io.Writer, leads []simLead, sum simSummary) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, l := range leads {
		fmt.Fprintf(tw, "LEAD %s\t(%s, tier %s)\tfirst response: %s\tend: %s\n", l.Name, l.TimeZone, l.Tier, l.SLA, l.Final)
		for _, t := range l.Touches {
			step := t.Step
			if t.Variant != "" {
				step += " [" + t.Variant + "]"
			}
			fmt.Fprintf(tw, "  #%d %s\t%s\t%s\t%s\n", t.Number, step, orDash(t.Channel), t.Local, t.Result)
		}
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nSUMMARY leads %d, SLA attainment %.0f%% (%d met, %d breached), touches/lead %.2f, replied %.0f%%, dormant %.0f%%\n",
		sum.Leads, 100*sum.SLAAttainment, sum.SLAMet, sum.SLABreached, sum.TouchesPerLead, 100*sum.ReplyShare, 100*sum.DormantShare)
}

// simReps stands in for a campaign's reps: every lead has an owner, so task steps are
// assigned, and a reassignment has someone to go to.
func simReps() cadence.Reps {
	return cadence.Reps{Campaign: "(simulated)", Count: 2, Pick: func(exclude string) (string, bool) {
		if exclude == "owner" {
			return "other-owner", true
		}
		return "owner", true
	}}
}

// readDocs splits a YAML file into its non-empty documents.
func readDocs(file string) ([][]byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if len(bytes.TrimSpace(stripComments(doc))) > 0 {
			docs = append(docs, doc)
		}
	}
}

func stripComments(doc []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line...)
		}
	}
	return out
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// notesAndJSON prints the simulation's notes to stderr and, when v is not nil, v as
// indented JSON to stdout.
func notesAndJSON(env Env, notes []string, v any) error {
	for _, n := range notes {
		fmt.Fprintf(env.Err, "note: %s\n", n)
	}
	if v == nil {
		return nil
	}
	enc := json.NewEncoder(env.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
