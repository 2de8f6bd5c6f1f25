// Package plugin is `kubectl followup`: what a rep records after a call or a reply, how a
// lead is closed, what is due, the weekly review, a customer's history across live and
// archived leads, the erasure of a contact, and an offline simulation of a policy.
// Each command validates its flags before it touches the cluster; the value parsers live
// in cliparse and the review's logic in review, both pure.
package plugin

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// Env is what a command runs with.
type Env struct {
	Out, Err io.Writer
	// Connect builds a client from the global flags; it returns the namespace to use.
	Connect func(kubeconfig, context, namespace string) (client.Client, string, string, error)
	// Now is the clock for `status`; nil is the wall clock.
	Now func() time.Time
}

// usageError is a problem with the command line rather than with the cluster.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

const usage = `kubectl followup: record what happened with a lead, close it, list what is due,
review the week and simulate a policy change.

  kubectl followup record LEAD (--call (--no-answer|--connected) | --reply --quality N [--medium M] |
                               --out-of-office [--until DAY] | --meeting | --bounce | --unsubscribe | --note)
                               [--at T] [--touch KEY] [--id ID] [--by REP]
  kubectl followup won LEAD --value 12000 --currency USD [--at T] [--force]
  kubectl followup lost LEAD --reason price [--at T] [--force]
  kubectl followup report [--since 7d] [--by campaign|keyword|adgroup|region|variant|aftersales]
                          [-o table|json|csv] [-A]
  kubectl followup status [-A] [--owner REP] [--within 1h]
  kubectl followup history (LEAD | --email X | --phone X | --company DOMAIN) [-A] [-o table|json]
  kubectl followup forget (--email X | --phone X)... [-n NS] [--dry-run] [--follow-links] [--no-archive]
  kubectl followup simulate -f DIR|FILE [-f ...] [--policy-name NAME] [--reply-rate 0.2]
                            [--quality-mix 0.5,0.3,0.2] [--seed N] [--start T] [--horizon 90d] [-o table|json]

Global flags (before or after the command): --kubeconfig, --context, -n/--namespace (default:
the namespace of the kubeconfig's context, as kubectl), -A/--all-namespaces (status, report).
Durations are Go durations or days: 90m, 3h44m, 2d, 1d12h.
"kubectl followup COMMAND --help" (or "help COMMAND") describes a command and its flags.
report, history and forget read the lead archive from --archive-dsn or $FOLLOWUP_ARCHIVE_DSN.
`

// globals are the connection flags every command takes.
type globals struct{ kubeconfig, context, namespace string }

func (g *globals) bind(fs *flag.FlagSet) {
	fs.StringVar(&g.kubeconfig, "kubeconfig", "", "Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config).")
	fs.StringVar(&g.context, "context", "", "Kubeconfig context to use (default: the current context).")
	const ns = "Namespace (default: the namespace of the kubeconfig context, else default)."
	fs.StringVar(&g.namespace, "namespace", "", ns)
	fs.StringVar(&g.namespace, "n", "", ns)
}

// Run executes one command line and returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	cmd, rest, err := splitGlobals(args)
	if err == nil && cmd == "help" {
		if len(args) > 1 && args[0] == "help" && commandHelp[args[1]] != "" {
			cmd, rest = args[1], []string{"--help"} // help COMMAND
		} else {
			fmt.Fprint(env.Out, usage)
			return ExitOK
		}
	}
	now := time.Now()
	if env.Now != nil {
		now = env.Now()
	}
	if err == nil {
		switch cmd {
		case "record":
			err = runRecord(ctx, rest, env)
		case "won", "lost":
			err = runClose(ctx, cmd, rest, env)
		case "simulate":
			err = runSimulate(rest, env)
		case "report":
			err = runReport(ctx, rest, env, now)
		case "status":
			err = runStatus(ctx, rest, env, now)
		case "history":
			err = runHistory(ctx, rest, env)
		case "forget":
			err = runForget(ctx, rest, env, now)
		default:
			err = usagef("unknown command %q (want record, won, lost, status, report, history, forget or simulate)", cmd)
		}
	}
	var ue *usageError
	var help *helpRequest
	switch {
	case errors.As(err, &help):
		printHelp(env.Out, help.fs)
		return ExitOK
	case err == nil:
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(env.Err, "error: %s\n%s", err, usage)
		return ExitUsage
	default:
		fmt.Fprintf(env.Err, "error: %s\n", err)
		return ExitError
	}
}

// parse reads flags placed before or after the positional arguments (kubectl style).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &helpRequest{fs}
			}
			msg := err.Error()
			if rest, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
				msg = "unknown flag " + rest
			}
			return nil, usagef("%s", msg)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// oneLead checks that exactly one lead was named.
func oneLead(pos []string) (string, error) {
	switch len(pos) {
	case 0:
		return "", usagef("name the lead: kubectl followup <command> LEAD ...")
	case 1:
		return pos[0], nil
	}
	return "", usagef("one lead at a time; got %s", strings.Join(pos, " "))
}
