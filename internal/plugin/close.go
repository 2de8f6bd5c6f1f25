package plugin

import (
	"context"
	"flag"
	"fmt"
	"regexp"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/plugin/cliparse"
)

var (
	amountPattern   = regexp.MustCompile(`^[0-9]+([.][0-9]{1,4})?$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// runClose handles `won` and `lost`: it sets spec.outcome, refusing to re-close a
// closed lead unless --force.
func runClose(ctx context.Context, verb string, args []string, env Env) error {
	var g globals
	var value, currency, reason, at string
	var force bool
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	g.bind(fs)
	fs.StringVar(&at, "at", "", "When it closed (RFC 3339 or relative like -2h); default now.")
	fs.BoolVar(&force, "force", false, "Replace an outcome already recorded.")
	if verb == "won" {
		fs.StringVar(&value, "value", "", "Order value, a non-negative decimal.")
		fs.StringVar(&currency, "currency", "", "ISO 4217 currency code such as USD.")
	}
	fs.StringVar(&reason, "reason", "", "Why it was lost (price, timing, competitor...).")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	name, err := oneLead(pos)
	if err != nil {
		return err
	}
	when, err := cliparse.Time(at, time.Now())
	if err != nil {
		return usagef("--at %v", err)
	}
	out := v1.Outcome{Result: v1.OutcomeLost, Reason: reason, At: metav1.NewTime(when)}
	if verb == "won" {
		if value == "" || currency == "" {
			return usagef("won needs --value and --currency, such as --value 12000 --currency USD")
		}
		if !amountPattern.MatchString(value) {
			return usagef("--value %q must be a non-negative decimal such as 12000 or 99.50", value)
		}
		if !currencyPattern.MatchString(currency) {
			return usagef("--currency %q must be a three-letter ISO 4217 code such as USD", currency)
		}
		out = v1.Outcome{Result: v1.OutcomeWon, Value: &v1.Money{Amount: value, Currency: currency}, Reason: reason, At: metav1.NewTime(when)}
	} else if reason == "" {
		return usagef("lost needs --reason, such as --reason price")
	}
	if len(reason) > 63 {
		return usagef("--reason is at most 63 characters")
	}
	c, ns, _, err := env.Connect(g.kubeconfig, g.context, g.namespace)
	if err != nil {
		return err
	}
	key := client.ObjectKey{Namespace: ns, Name: name}
	err = retry.RetryOnConflict(retry.DefaultBackoff, func() error {
		l, err := getLead(ctx, c, key)
		if err != nil {
			return err
		}
		if prev := l.Spec.Outcome; prev != nil && !force {
			return fmt.Errorf("lead %q is already closed as %s at %s; add --force to replace it",
				name, prev.Result, prev.At.UTC().Format(time.RFC3339))
		}
		l.Spec.Outcome = &out
		return c.Update(ctx, l)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "lead/%s: closed as %s\n", name, out.Result)
	return nil
}
