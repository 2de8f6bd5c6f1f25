package plugin

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// commandHelp is what `kubectl followup CMD --help` (or `help CMD`) prints above the flags.
var commandHelp = map[string]string{
	"record": `Record what happened with a lead: a call, a reply, a meeting, a bounce, an
unsubscribe or a note. The entry is appended to the lead's record; a call closes the
lead's open call task, a reply stops the cadence or hands the lead to its owner.

Usage:
  kubectl followup record LEAD (--call (--no-answer|--connected) | --reply --quality N [--medium M] |
                               --meeting | --bounce | --unsubscribe | --note) [--at T] [--touch KEY] [--id ID] [--by REP]

Examples:
  kubectl followup record acme-high --call --no-answer
  kubectl followup record acme-high --reply --quality 2 --medium whatsapp --at -2h`,
	"won": `Close a lead as won, with the order's value.

Usage:
  kubectl followup won LEAD --value 12000 --currency USD [--at T] [--force]`,
	"lost": `Close a lead as lost, with the reason.

Usage:
  kubectl followup lost LEAD --reason price [--at T] [--force]`,
	"status": `List what is due per owner, overdue first: open call tasks, first responses still
pending, leads handed to their owner, next touches. Everything due now or within --within.

Usage:
  kubectl followup status [-A] [--owner REP] [--within 1h|2d]`,
	"report": `The weekly review by campaign, keyword, ad group or region, with the
recommendations the measures call for.

Usage:
  kubectl followup report [--since 7d] [--by campaign|keyword|adgroup|region] [-o table|json|csv] [-A]`,
	"simulate": `Run a policy offline over leads with a simulated clock and a seeded reply model,
and print each lead's schedule and the projected SLA attainment. Nothing is sent to the
cluster. Input is YAML files or directories (a GitOps folder): the FollowUpPolicy, the
Channels and the Leads are picked from whatever they hold.

Usage:
  kubectl followup simulate -f DIR|FILE [-f ...] [-R] [--policy-name NAME] [--reply-rate 0.2]
                            [--quality-mix 0.5,0.3,0.2] [--seed 1] [--start T] [--horizon 90d] [-o table|json]
  kubectl followup simulate --policy FILE --leads FILE [--channels FILE] ...

Examples:
  kubectl followup simulate -f config/samples --policy-name industrial-equipment
  kubectl followup simulate -f policy.yaml -f leads/ --reply-rate 0.3 --horizon 30d`,
}

// helpRequest is a --help on a command: its help is printed, exit 0.
type helpRequest struct{ fs *flag.FlagSet }

func (h *helpRequest) Error() string { return "help requested" }

// printHelp prints a command's help and its flags, aliases on one line.
func printHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\nFlags:\n", commandHelp[fs.Name()])
	type entry struct {
		names        []string
		kind, usage  string
		defaultValue string
	}
	var entries []*entry
	byUsage := map[string]*entry{}
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		if e, ok := byUsage[usage]; ok {
			e.names = append(e.names, name)
			return
		}
		e := &entry{names: []string{name}, kind: kind, usage: usage}
		if d := f.DefValue; d != "" && d != "false" && d != "0" {
			e.defaultValue = d
		}
		byUsage[usage] = e
		entries = append(entries, e)
	})
	for _, e := range entries {
		// Short names first, as kubectl prints them: -n, --namespace.
		if len(e.names) > 1 && len(e.names[len(e.names)-1]) == 2 {
			e.names = append([]string{e.names[len(e.names)-1]}, e.names[:len(e.names)-1]...)
		}
		line := "  " + strings.Join(e.names, ", ")
		if e.kind != "" {
			line += " " + e.kind
		}
		fmt.Fprintf(w, "%-34s %s", line, e.usage)
		if e.defaultValue != "" {
			fmt.Fprintf(w, " (default %s)", e.defaultValue)
		}
		fmt.Fprintln(w)
	}
}

// globalValueFlags take a value: `-n sales-eu` may come before the command too.
var globalValueFlags = map[string]bool{"-n": true, "--namespace": true, "--context": true, "--kubeconfig": true}

// splitGlobals moves flags written before the command (kubectl followup -n sales-eu
// status) after it, where the command's flag set reads them, and returns the command.
func splitGlobals(args []string) (cmd string, rest []string, err error) {
	var leading []string
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		a := args[0]
		name, _, hasValue := strings.Cut(a, "=")
		switch {
		case name == "-h" || name == "--help":
			return "help", nil, nil
		case globalValueFlags[name] && !hasValue:
			if len(args) < 2 {
				return "", nil, usagef("%s needs a value", name)
			}
			leading, args = append(leading, a, args[1]), args[2:]
		case globalValueFlags[name] || name == "-A" || name == "--all-namespaces":
			leading, args = append(leading, a), args[1:]
		default:
			return "", nil, usagef("unknown flag %s before the command (global flags: -n/--namespace, --context, --kubeconfig, -A)", a)
		}
	}
	if len(args) == 0 {
		if len(leading) > 0 {
			return "", nil, usagef("name a command after %s", strings.Join(leading, " "))
		}
		return "help", nil, nil
	}
	return args[0], append(append([]string{}, args[1:]...), leading...), nil
}
