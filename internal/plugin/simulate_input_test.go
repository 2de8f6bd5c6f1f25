package plugin_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

func simNames(t *testing.T, out string) []string {
	t.Helper()
	var s simOut
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var names []string
	for _, l := range s.Leads {
		names = append(names, l.Name)
	}
	sort.Strings(names)
	return names
}

// TestSimulateReadsAGitOpsFolder: simulate takes the folder ops keep in Git (config/samples:
// a Namespace, channels, two policies, a campaign, leads and a kustomization) and picks
// the policy asked for, its channels and the leads that follow it, directly or through
// their campaign; the rest is named on stderr.
func TestSimulateReadsAGitOpsFolder(t *testing.T) {
	samples := filepath.Join("..", "..", "config", "samples")
	code, out, errs := run("simulate", "-f", samples, "--policy-name", "industrial-equipment", "--reply-rate", "0", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if got, want := simNames(t, out), []string{"chicago-steelworks", "kiwi-fabrication", "kowalczyk-maszyny", "nordwind-gmbh"}; !slices.Equal(got, want) {
		t.Errorf("leads %v, want %v", got, want)
	}
	if !strings.Contains(errs, "1 leads follow another policy and are not simulated: lisboa-metal") {
		t.Errorf("stderr %q", errs)
	}
	code, out, _ = run("simulate", "-f", samples, "--policy-name", "small-team", "--reply-rate", "0", "-o", "json")
	if got := simNames(t, out); code != 0 || !slices.Equal(got, []string{"lisboa-metal"}) {
		t.Errorf("small-team: exit %d, leads %v", code, got)
	}
	code, _, errs = run("simulate", "-f", samples)
	if code != 2 || !strings.Contains(errs, "holds 3 FollowUpPolicies (after-sales, industrial-equipment, small-team) and its leads follow more than one: pick one with --policy-name") {
		t.Errorf("two policies without --policy-name: exit %d, %q", code, errs)
	}
	if code, _, errs = run("simulate", "-f", samples, "--policy-name", "nope"); code != 1 || !strings.Contains(errs, `no FollowUpPolicy "nope" in the input (it holds after-sales, industrial-equipment, small-team)`) {
		t.Errorf("unknown policy: exit %d, %q", code, errs)
	}
}

// TestSimulateFilesAndDirectories: several -f files give what --policy/--leads/--channels
// give; a directory's subdirectories are read with -R only.
func TestSimulateFilesAndDirectories(t *testing.T) {
	_, legacy, _ := run("simulate", "--policy", "testdata/policy.yaml", "--leads", "testdata/leads.yaml",
		"--channels", "testdata/channels.yaml", "-o", "json", "--seed", "3")
	code, files, errs := run("simulate", "-f", "testdata/policy.yaml", "-f", "testdata/leads.yaml",
		"--filename", "testdata/channels.yaml", "-o", "json", "--seed", "3")
	if code != 0 || files != legacy {
		t.Fatalf("-f files differ from --policy/--leads/--channels (exit %d, %s)", code, errs)
	}

	dir := t.TempDir()
	copyFile(t, "testdata/policy.yaml", filepath.Join(dir, "policy.yaml"))
	copyFile(t, "testdata/channels.yaml", filepath.Join(dir, "channels.yml"))
	copyFile(t, "testdata/leads.yaml", filepath.Join(dir, "leads", "eu.yaml"))
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("# not YAML"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run("simulate", "-f", dir); code != 1 || !strings.Contains(errs, "no Lead follows policy industrial in the input") {
		t.Errorf("without -R: exit %d, %q", code, errs)
	}
	code, out, errs := run("simulate", "-f", dir, "-R", "-o", "json", "--seed", "3")
	if code != 0 || out != legacy {
		t.Errorf("-R: exit %d, %s", code, errs)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
