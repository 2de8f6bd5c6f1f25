package plugin

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/crddefaults"
	"github.com/followup-io/followup-operator/internal/gather"
	"github.com/followup-io/followup-operator/internal/policy"
)

// simInput is what a simulation reads: the policy, what is known of its channels, the
// leads that follow it; notes say what was left out and why.
type simInput struct {
	policy   v1.FollowUpPolicy
	channels map[string]cadence.ChannelState
	leads    []v1.Lead
	notes    []string
}

// simDoc is one YAML document and where it came from.
type simDoc struct {
	where string
	kind  string
	group string
	raw   []byte
}

// loadSimInput reads --policy/--leads/--channels (each a file of documents of that kind)
// and -f paths (files or directories of mixed documents, such as a GitOps folder), then
// picks the policy, its channels and its leads. Documents of other kinds (Namespaces,
// Campaigns, Secrets, a kustomization) are read only for what they say about the policy.
func loadSimInput(o simOptions) (*simInput, error) {
	var policies []v1.FollowUpPolicy
	var leads []v1.Lead
	var channels []v1.Channel
	campaignPolicy := map[string]string{}

	if o.policyFile != "" {
		docs, err := fileDocs(o.policyFile)
		if err != nil {
			return nil, err
		}
		if len(docs) != 1 || docs[0].kind != "FollowUpPolicy" {
			return nil, fmt.Errorf("%s: want one FollowUpPolicy, found %d documents", o.policyFile, len(docs))
		}
		var p v1.FollowUpPolicy
		if err := crddefaults.Decode("FollowUpPolicy", docs[0].raw, &p); err != nil {
			return nil, fmt.Errorf("%s: %w", o.policyFile, err)
		}
		policies = append(policies, p)
	}
	for _, f := range []struct{ file, kind string }{{o.leadsFile, "Lead"}, {o.channelsFile, "Channel"}} {
		if f.file == "" {
			continue
		}
		docs, err := fileDocs(f.file)
		if err != nil {
			return nil, err
		}
		for i, d := range docs {
			if err := decodeInto(d, f.kind, fmt.Sprintf("%s document %d", f.file, i+1), &leads, &channels); err != nil {
				return nil, err
			}
		}
	}
	for _, path := range o.files {
		docs, err := pathDocs(path, o.recursive)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if d.group != v1.GroupVersion.Group {
				continue // a Namespace, a Secret, a kustomization: not ours to simulate
			}
			switch d.kind {
			case "FollowUpPolicy":
				var p v1.FollowUpPolicy
				if err := crddefaults.Decode("FollowUpPolicy", d.raw, &p); err != nil {
					return nil, fmt.Errorf("%s: %w", d.where, err)
				}
				policies = append(policies, p)
			case "Campaign":
				var c v1.Campaign
				if err := crddefaults.Decode("Campaign", d.raw, &c); err != nil {
					return nil, fmt.Errorf("%s: %w", d.where, err)
				}
				campaignPolicy[c.Name] = c.Spec.Policy
			case "Lead", "Channel":
				if err := decodeInto(d, d.kind, d.where, &leads, &channels); err != nil {
					return nil, err
				}
			}
		}
	}

	in := &simInput{}
	followed := func(l *v1.Lead) string {
		if l.Spec.Policy != "" {
			return l.Spec.Policy
		}
		return campaignPolicy[l.Spec.Source.Campaign]
	}
	p, err := pickPolicy(policies, leads, followed, o.policyName)
	if err != nil {
		return nil, err
	}
	if _, problem := policy.Validate(&p.Spec); problem != nil {
		return nil, fmt.Errorf("policy %s is not valid: %s: %s", p.Name, problem.Reason, problem.Message)
	}
	in.policy = *p

	// With one policy in the input every lead follows it (a lead file written for the
	// policy under review); with several, only the leads that name it.
	var others []string
	for _, l := range leads {
		if len(policies) > 1 && followed(&l) != p.Name {
			others = append(others, l.Name)
			continue
		}
		in.leads = append(in.leads, l)
	}
	if len(others) > 0 {
		in.notes = append(in.notes, fmt.Sprintf("%d leads follow another policy and are not simulated: %s",
			len(others), strings.Join(others, ", ")))
	}
	if len(in.leads) == 0 {
		return nil, fmt.Errorf("no Lead follows policy %s in the input: give leads with -f or --leads", p.Name)
	}

	in.channels = map[string]cadence.ChannelState{}
	if len(channels) == 0 {
		// Without channels every channel the policy names is taken as a webhook that
		// reaches every lead.
		for _, ref := range policy.ChannelRefs(&p.Spec) {
			in.channels[ref.Channel] = cadence.ChannelState{Type: v1.ChannelWebhook, Ready: true}
		}
		return in, nil
	}
	for i := range channels {
		in.channels[channels[i].Name] = gather.ChannelState(&channels[i])
	}
	var missing []string
	for _, ref := range policy.ChannelRefs(&p.Spec) {
		if _, ok := in.channels[ref.Channel]; !ok && !slices.Contains(missing, ref.Channel) {
			missing = append(missing, ref.Channel)
		}
	}
	if len(missing) > 0 {
		in.notes = append(in.notes, "channels not in the input, so touches through them fail: "+strings.Join(missing, ", "))
	}
	return in, nil
}

// pickPolicy is the policy to simulate: the one named, the only one, or the one every
// lead follows.
func pickPolicy(policies []v1.FollowUpPolicy, leads []v1.Lead, followed func(*v1.Lead) string, name string) (*v1.FollowUpPolicy, error) {
	names := make([]string, 0, len(policies))
	for _, p := range policies {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	find := func(n string) *v1.FollowUpPolicy {
		for i := range policies {
			if policies[i].Name == n {
				return &policies[i]
			}
		}
		return nil
	}
	switch {
	case len(policies) == 0:
		return nil, fmt.Errorf("no FollowUpPolicy in the input: give one with -f or --policy")
	case name != "":
		if p := find(name); p != nil {
			return p, nil
		}
		return nil, fmt.Errorf("no FollowUpPolicy %q in the input (it holds %s)", name, strings.Join(names, ", "))
	case len(policies) == 1:
		return &policies[0], nil
	}
	used := map[string]bool{}
	for i := range leads {
		if n := followed(&leads[i]); n != "" {
			used[n] = true
		}
	}
	if len(used) == 1 {
		for n := range used {
			if p := find(n); p != nil {
				return p, nil
			}
		}
	}
	return nil, usagef("the input holds %d FollowUpPolicies (%s) and its leads follow more than one: pick one with --policy-name",
		len(policies), strings.Join(names, ", "))
}

func decodeInto(d simDoc, want, where string, leads *[]v1.Lead, channels *[]v1.Channel) error {
	if d.kind != want {
		return fmt.Errorf("%s: want a %s, got kind %q", where, want, d.kind)
	}
	switch want {
	case "Lead":
		var l v1.Lead
		if err := crddefaults.Decode("Lead", d.raw, &l); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		*leads = append(*leads, l)
	case "Channel":
		var c v1.Channel
		if err := crddefaults.Decode("Channel", d.raw, &c); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		*channels = append(*channels, c)
	}
	return nil
}

// pathDocs reads a file, or the YAML and JSON files of a directory (its subdirectories
// too with -R, as kubectl apply -R), in name order.
func pathDocs(path string, recursive bool) ([]simDoc, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return fileDocs(path)
	}
	var out []simDoc
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != path && !recursive:
			return filepath.SkipDir
		case d.IsDir():
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json":
			docs, err := fileDocs(p)
			out = append(out, docs...)
			return err
		}
		return nil
	})
	return out, err
}

// fileDocs splits a file into its documents with their kinds.
func fileDocs(file string) ([]simDoc, error) {
	raws, err := readDocs(file)
	if err != nil {
		return nil, err
	}
	out := make([]simDoc, 0, len(raws))
	for i, raw := range raws {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("%s document %d: %w", file, i+1, err)
		}
		group, _, _ := strings.Cut(head.APIVersion, "/")
		out = append(out, simDoc{where: fmt.Sprintf("%s document %d", file, i+1), kind: head.Kind, group: group, raw: raw})
	}
	return out, nil
}
