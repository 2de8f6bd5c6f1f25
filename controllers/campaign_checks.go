package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/indexes"
)

// campaignProblem is a campaign configuration that CEL cannot judge because it needs
// other objects: another campaign claiming the same ad campaign, a rep's chat channel
// that is missing or cannot take a notice.
type campaignProblem struct{ reason, message string }

// checkCampaign returns the campaign's first problem, or nil.
func (r *CampaignReconciler) checkCampaign(ctx context.Context, c *v1.Campaign) (*campaignProblem, error) {
	if p, err := r.duplicateClaim(ctx, c); p != nil || err != nil {
		return p, err
	}
	return r.repChats(ctx, c)
}

// duplicateClaim: two Campaigns of a namespace with one platform campaign id split its
// leads arbitrarily in people's heads; the inbound edge gives them all to the first by
// name. Both campaigns say so until one is changed.
func (r *CampaignReconciler) duplicateClaim(ctx context.Context, c *v1.Campaign) (*campaignProblem, error) {
	key := indexes.CampaignSourceKey(c)
	if key == "" {
		return nil, nil
	}
	var list v1.CampaignList
	if err := r.List(ctx, &list, client.InNamespace(c.Namespace), client.MatchingFields{indexes.CampaignSource: key}); err != nil {
		return nil, err
	}
	var others []string
	first := c.Name
	for _, o := range list.Items {
		if o.Name == c.Name {
			continue
		}
		others = append(others, o.Name)
		first = min(first, o.Name)
	}
	if len(others) == 0 {
		return nil, nil
	}
	slices.Sort(others)
	who := "this campaign gets them"
	if first != c.Name {
		who = "campaign " + first + " gets them, this one none"
	}
	return &campaignProblem{v1.ReasonDuplicateCampaignID, fmt.Sprintf(
		"spec.source.campaignId %s (%s) is also claimed by campaign %s; inbound leads for it go to the first by name (%s): give each ad campaign one Campaign",
		c.Spec.Source.CampaignID, c.Spec.Source.Platform, strings.Join(others, ", "), who)}, nil
}

// repChats: a rep's chat is where their notices (tasks, hand-overs, breaches) go, and
// only a Webhook channel posts them.
func (r *CampaignReconciler) repChats(ctx context.Context, c *v1.Campaign) (*campaignProblem, error) {
	for _, rep := range c.Spec.Reps {
		if rep.Chat == "" {
			continue
		}
		var ch v1.Channel
		err := r.Get(ctx, types.NamespacedName{Namespace: c.Namespace, Name: rep.Chat}, &ch)
		switch {
		case apierrors.IsNotFound(err):
			return &campaignProblem{v1.ReasonChatChannelNotFound, fmt.Sprintf(
				"rep %s: chat channel %q not found in namespace %s", rep.Name, rep.Chat, c.Namespace)}, nil
		case err != nil:
			return nil, err
		case ch.Spec.Type != v1.ChannelWebhook:
			return &campaignProblem{v1.ReasonChatChannelNotWebhook, fmt.Sprintf(
				"rep %s: chat channel %q is a %s channel; notices to a rep go through a Webhook channel (Slack, WeCom, DingTalk, Feishu or JSON)",
				rep.Name, rep.Chat, ch.Spec.Type)}, nil
		}
	}
	return nil, nil
}

// markProblem turns a problem into Ready=False plus Stalled (it will not clear until
// someone edits a campaign or a channel), or clears Stalled when there is none.
func markProblem(st *v1.CampaignStatus, gen int64, p *campaignProblem) {
	if p == nil {
		meta.RemoveStatusCondition(&st.Conditions, v1.ConditionStalled)
		return
	}
	setCond(st, gen, v1.ConditionReady, metav1.ConditionFalse, p.reason, p.message)
	setCond(st, gen, v1.ConditionStalled, metav1.ConditionTrue, p.reason, p.message)
}

// readyReasonChanged says whether Ready's status or reason moved; the campaign's Ready
// message carries counts that change with every lead, so it does not count.
func readyReasonChanged(before, after []metav1.Condition) bool {
	b := meta.FindStatusCondition(before, v1.ConditionReady)
	a := meta.FindStatusCondition(after, v1.ConditionReady)
	if a == nil {
		return false
	}
	return b == nil || b.Status != a.Status || b.Reason != a.Reason
}
