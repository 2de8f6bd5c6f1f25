// Package gather reads what a lead's transition needs from the cluster: its campaign,
// its policy and the namespace's channels. The Lead controller and the inbound edge use
// it, so both resolve a lead's policy the same way.
package gather

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/cadence"
	"github.com/followup-io/followup-operator/internal/company"
	"github.com/followup-io/followup-operator/internal/indexes"
)

// Gathered is a lead's surroundings.
type Gathered struct {
	Policy   *v1.FollowUpPolicy
	Campaign *v1.Campaign // nil when the lead names none, or it does not exist
	Channels map[string]cadence.ChannelState
	// Colleagues are the other leads of the lead's company, when the policy's
	// sameCompany rule is on (nil otherwise).
	Colleagues []cadence.Colleague
	// Rollout is the lead's arm while its policy rolls out a new revision (set by the
	// lead controller, which then serves the stable arm its revision as Policy).
	Rollout *v1.LeadRollout
	// AfterSales is the after-sales policy of a won lead whose policy names one.
	AfterSales *cadence.AfterSalesInput
}

// Blocked is a configuration problem that stops a lead until someone fixes it: a
// condition reason and a message for people.
type Blocked struct{ Reason, Message string }

func (b *Blocked) Error() string { return b.Reason + ": " + b.Message }

// ErrPolicyPending: the policy controller has not yet checked the policy's current
// generation; its status update brings the lead back.
var ErrPolicyPending = errors.New("policy not yet validated")

// ForLead gathers a lead's campaign, policy (which must be Ready for its generation),
// the namespace's channels, and what the policy's spec asks for besides (after-sales
// policy, colleagues). arm, when not nil, may replace g.Policy first (a rollout's
// stable arm follows the stable revision), so those come from the spec the lead
// follows. A *Blocked error is to be reported on the lead; any other error is to be
// retried.
func ForLead(ctx context.Context, r client.Reader, l *v1.Lead, arm func(*Gathered) error) (*Gathered, error) {
	g := &Gathered{}
	p, c, err := policy(ctx, r, l)
	if err != nil {
		return nil, err
	}
	g.Campaign = c
	ready := meta.FindStatusCondition(p.Status.Conditions, v1.ConditionReady)
	if ready == nil || p.Status.ObservedGeneration != p.Generation {
		return nil, ErrPolicyPending
	}
	if ready.Status != "True" {
		return nil, &Blocked{v1.ReasonPolicyNotReady, fmt.Sprintf("policy %q is not ready: %s", p.Name, ready.Message)}
	}
	g.Policy = p
	if g.Channels, err = Channels(ctx, r, l.Namespace); err != nil {
		return nil, err
	}
	if arm != nil {
		if err := arm(g); err != nil {
			return nil, err
		}
		p = g.Policy
	}
	if g.AfterSales, err = AfterSales(ctx, r, l, p); err != nil {
		return nil, err
	}
	if a := p.Spec.SameCompany.Action; a == v1.SameCompanyPause || a == v1.SameCompanyStop {
		if g.Colleagues, err = Colleagues(ctx, r, l); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// Colleagues are the other leads of a lead's company in its namespace with their
// answers, found through the company index (r must be a cache with indexes.Setup).
func Colleagues(ctx context.Context, r client.Reader, l *v1.Lead) ([]cadence.Colleague, error) {
	leads, err := SameCompany(ctx, r, l)
	if err != nil {
		return nil, err
	}
	var out []cadence.Colleague
	for i := range leads {
		if answers := cadence.Answers(&leads[i]); len(answers) > 0 {
			out = append(out, cadence.Colleague{Name: leads[i].Name, Answers: answers})
		}
	}
	return out, nil
}

// SameCompany lists the other leads that share a company key with l.
func SameCompany(ctx context.Context, r client.Reader, l *v1.Lead) ([]v1.Lead, error) {
	var out []v1.Lead
	seen := map[types.UID]bool{l.UID: true}
	for _, key := range company.Keys(l.Spec.Contact) {
		var list v1.LeadList
		// Read only: the cache's objects as they are, not deep copies of every colleague.
		if err := r.List(ctx, &list, client.InNamespace(l.Namespace), client.MatchingFields{indexes.LeadCompany: key},
			client.UnsafeDisableDeepCopy); err != nil {
			return nil, err
		}
		for _, o := range list.Items {
			if !seen[o.UID] && o.Name != l.Name {
				seen[o.UID] = true
				out = append(out, o)
			}
		}
	}
	return out, nil
}

// PolicyOf is the policy a lead follows, ready or not: its own spec.policy, else its
// campaign's.
func PolicyOf(ctx context.Context, r client.Reader, l *v1.Lead) (*v1.FollowUpPolicy, error) {
	p, _, err := policy(ctx, r, l)
	return p, err
}

func policy(ctx context.Context, r client.Reader, l *v1.Lead) (*v1.FollowUpPolicy, *v1.Campaign, error) {
	var campaign *v1.Campaign
	if name := l.Spec.Source.Campaign; name != "" {
		var c v1.Campaign
		err := r.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: name}, &c)
		switch {
		case apierrors.IsNotFound(err) && l.Spec.Policy == "":
			return nil, nil, &Blocked{v1.ReasonCampaignNotFound, fmt.Sprintf("campaign %q not found; it names the lead's policy", name)}
		case err == nil:
			campaign = &c
		case !apierrors.IsNotFound(err):
			return nil, nil, err
		}
	}
	name := l.Spec.Policy
	if name == "" {
		name = campaign.Spec.Policy
	}
	var p v1.FollowUpPolicy
	if err := r.Get(ctx, types.NamespacedName{Namespace: l.Namespace, Name: name}, &p); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, campaign, &Blocked{v1.ReasonPolicyNotFound, fmt.Sprintf("policy %q not found in namespace %s", name, l.Namespace)}
		}
		return nil, campaign, err
	}
	return &p, campaign, nil
}

// Channels are a namespace's channels as the engine sees them.
func Channels(ctx context.Context, r client.Reader, namespace string) (map[string]cadence.ChannelState, error) {
	var list v1.ChannelList // read only: no deep copies on every lead reconcile
	if err := r.List(ctx, &list, client.InNamespace(namespace), client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	out := make(map[string]cadence.ChannelState, len(list.Items))
	for i := range list.Items {
		out[list.Items[i].Name] = ChannelState(&list.Items[i])
	}
	return out, nil
}

// ChannelState is one channel as the engine sees it. A channel the channel controller
// has not yet looked at counts as ready.
func ChannelState(ch *v1.Channel) cadence.ChannelState {
	s := cadence.ChannelState{Type: ch.Spec.Type, Ready: true}
	if c := meta.FindStatusCondition(ch.Status.Conditions, v1.ConditionReady); c != nil && c.Status == "False" {
		s.Ready, s.Problem = false, c.Message
	}
	if ch.Spec.Task != nil {
		s.Notify = ch.Spec.Task.Notify
	}
	if w := ch.Spec.WhatsApp; w != nil {
		s.Language, s.HeldTemplates = w.Language, cadence.HeldTemplates(ch.Status.WhatsApp)
	}
	r := ch.Spec.Retry
	s.Retry.MaxAttempts = r.MaxAttempts
	if r.InitialBackoff != nil {
		s.Retry.Initial = r.InitialBackoff.Duration
	}
	if r.MaxBackoff != nil {
		s.Retry.Max = r.MaxBackoff.Duration
	}
	return s
}

// RepChats are each rep's own chat channel in a campaign.
func RepChats(c *v1.Campaign) map[string]string {
	if c == nil {
		return nil
	}
	out := make(map[string]string, len(c.Spec.Reps))
	for _, r := range c.Spec.Reps {
		if r.Chat != "" {
			out[r.Name] = r.Chat
		}
	}
	return out
}
