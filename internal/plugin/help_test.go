package plugin_test

import (
	"strings"
	"testing"

	"github.com/followup-io/followup-operator/internal/plugin"
)

// TestEveryCommandHasHelp: `CMD --help`, `CMD -h` and `help CMD` print the command's own
// usage and flags with their defaults, exit 0, and touch no cluster.
func TestEveryCommandHasHelp(t *testing.T) {
	wants := map[string][]string{
		"record":   {"kubectl followup record LEAD", "--no-answer", "-n, --namespace string", "--quality int"},
		"won":      {"kubectl followup won LEAD", "--value string", "--currency string"},
		"lost":     {"kubectl followup lost LEAD", "--reason string"},
		"status":   {"kubectl followup status", "-A, --all-namespaces", "--within string", "(default 1h)"},
		"report":   {"kubectl followup report", "-o, --output string", "(default 7d)", "(default campaign)"},
		"simulate": {"kubectl followup simulate -f DIR|FILE", "-f, --filename value", "-R ", "--policy-name string", "(default 90d)"},
	}
	for cmd, want := range wants {
		for _, args := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {"help", cmd}, {cmd, "x", "--help"}} {
			code, out, errs := run(args...)
			if code != plugin.ExitOK || errs != "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, errs)
				continue
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("%v: help lacks %q:\n%s", args, w, out)
				}
			}
		}
	}
	if code, out, _ := run("--help"); code != 0 || !strings.Contains(out, `"kubectl followup COMMAND --help"`) {
		t.Errorf("--help: %d %s", code, out)
	}
}

// TestGlobalFlagsBeforeTheCommand: kubectl followup -n NS status works like status -n NS.
func TestGlobalFlagsBeforeTheCommand(t *testing.T) {
	setup(t, "before")
	if code, out, errs := run("-n", ns, "record", "before", "--note"); code != 0 || !strings.Contains(out, "recorded Note") {
		t.Errorf("-n before record: exit %d %q %q", code, out, errs)
	}
	if code, out, errs := run("--namespace="+ns, "-A", "status", "--within", "1d"); code != 0 || !strings.Contains(out, "OWNER") {
		t.Errorf("--namespace= -A before status: exit %d %q %q", code, out, errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-n"}, "-n needs a value"},
		{[]string{"-n", ns}, "name a command after -n " + ns},
		{[]string{"--owner", "anna", "status"}, "unknown flag --owner before the command"},
	} {
		if code, _, errs := run(c.args...); code != plugin.ExitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d %q, want %q", c.args, code, errs, c.want)
		}
	}
}
