package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// systemNS holds the operators' leader-election Lease.
const systemNS = "bench-system"

// channelSpec is one webhook channel of a phase.
type channelSpec struct {
	name      string
	slow      bool
	perMinute int32
}

// phaseFixtures are a namespace's Secret, channels and one policy per channel whose
// first step (immediate unless firstAfter is set) goes through that channel.
type phaseFixtures struct {
	ns         string
	channels   []channelSpec
	firstAfter time.Duration
	campaign   *v1.Campaign // optional; its policy is the first channel's
}

func policyName(channel string) string { return "via-" + channel }

// objects builds them. Everything is open all week in UTC, so a touch is due at once.
func (f phaseFixtures) objects(rc *receiver) []client.Object {
	out := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: f.ns}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hooks", Namespace: f.ns},
			StringData: map[string]string{"signingKey": signingKey}},
	}
	for _, c := range f.channels {
		per := c.perMinute
		if per == 0 {
			per = 100000 // the API's maximum: the limiter must not set the pace here
		}
		out = append(out, &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: c.name, Namespace: f.ns},
			Spec: v1.ChannelSpec{Type: v1.ChannelWebhook, Webhook: &v1.WebhookChannel{URL: rc.channelURL(f.ns, c.name, c.slow)},
				CredentialsRef: &v1.SecretKeyRef{Name: "hooks"}, RateLimit: v1.RateLimit{PerMinute: per}}},
			policy(f.ns, c.name, f.firstAfter))
	}
	if f.campaign != nil {
		out = append(out, f.campaign)
	}
	return out
}

// policy is the shape of a real one: three steps, templates with variables; only the
// first step matters within a benchmark's minutes.
func policy(ns, channel string, firstAfter time.Duration) *v1.FollowUpPolicy {
	dur := func(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }
	var first *metav1.Duration
	if firstAfter > 0 {
		first = dur(firstAfter)
	}
	return &v1.FollowUpPolicy{ObjectMeta: metav1.ObjectMeta{Name: policyName(channel), Namespace: ns},
		Spec: v1.FollowUpPolicySpec{
			Schedule: v1.Schedule{TimeZone: "UTC", BusinessHours: v1.BusinessHours{
				Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, From: "00:00", To: "24:00"}},
			Steps: []v1.Step{
				{Name: "introduce", After: first, Channel: channel, Template: "intro"},
				{Name: "send-catalog", After: dur(36 * time.Hour), Channel: channel, Template: "catalog"},
				{Name: "last-nudge", After: dur(48 * time.Hour), Channel: channel, Template: "intro"},
			},
			Templates: map[string]v1.MessageTemplate{
				"intro": {Subject: "{{ .Company }}: your inquiry about {{ .Product }}",
					Body: "Hello {{ .FirstName }}, I'm {{ .Owner.Name }}. Shall I send the specification of the {{ .Product }}?"},
				"catalog": {Subject: "{{ .Product }}: catalog and prices",
					Body: "Hello {{ .FirstName }}, as promised, our catalog. Reply with any question."},
			},
		}}
}

// campaign has reps with room for every lead of the burst.
func campaign(ns, name, policy string, reps, leads int) *v1.Campaign {
	c := &v1.Campaign{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1.CampaignSpec{Source: v1.CampaignSource{Platform: v1.AdPlatform("GoogleAds"), CampaignID: "9000001",
			AdGroups: []string{"130000000042:fiber-lasers", "130000000043:press-brakes"}, Keywords: []string{"fiber laser", "cnc laser cutter"}},
			Region: "eu", Policy: policy}}
	capacity := int32(leads/reps + 1)
	if capacity > 10000 {
		capacity = 10000
	}
	for i := range reps {
		c.Spec.Reps = append(c.Spec.Reps, v1.Rep{Name: fmt.Sprintf("rep-%02d", i), Capacity: capacity})
	}
	return c
}

// lead is a synthetic prospect: example.com addresses and made-up names only.
func lead(ns, name, policy, campaign string, i int) *v1.Lead {
	return &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns,
		Labels: map[string]string{"followup.io/region": "eu", "followup.io/source": "bench"}},
		Spec: v1.LeadSpec{
			Contact: v1.Contact{Name: fmt.Sprintf("Contact %d", i), Company: fmt.Sprintf("Example Industries %d", i%97),
				Email: fmt.Sprintf("lead-%06d@example.com", i), Country: "DE", TimeZone: "Europe/Berlin"},
			Source: v1.LeadSource{Campaign: campaign, AdGroup: "fiber-lasers", Keyword: "fiber laser", Region: "eu",
				Form: "contact-page", ExternalID: fmt.Sprintf("web-%06d", i)},
			Tier: "standard", Product: "CNC fiber laser 3015", Policy: policy,
			Value: &v1.Money{Amount: "38000", Currency: "EUR"},
		}}
}

func leadName(prefix string, i int) string { return fmt.Sprintf("%s-%06d", prefix, i) }

// install creates a phase's fixtures and waits (a minute at most) for the operator to
// call every channel and policy Ready, so leads never meet a policy still being checked.
func (b *bench) install(ctx context.Context, f phaseFixtures) error {
	const timeout = time.Minute
	c, objs := b.cp.client, f.objects(b.rc)
	for _, o := range objs {
		if err := c.Create(ctx, o); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating %T %s: %w", o, o.GetName(), err)
		}
	}
	deadline := time.Now().Add(timeout)
	for _, o := range objs {
		var conds func() ([]metav1.Condition, int64, int64)
		switch o.(type) {
		case *v1.Channel:
			conds = func() ([]metav1.Condition, int64, int64) {
				var ch v1.Channel
				_ = c.Get(ctx, client.ObjectKeyFromObject(o), &ch)
				return ch.Status.Conditions, ch.Status.ObservedGeneration, ch.Generation
			}
		case *v1.FollowUpPolicy:
			conds = func() ([]metav1.Condition, int64, int64) {
				var p v1.FollowUpPolicy
				_ = c.Get(ctx, client.ObjectKeyFromObject(o), &p)
				return p.Status.Conditions, p.Status.ObservedGeneration, p.Generation
			}
		default:
			continue
		}
		for {
			cs, observed, gen := conds()
			if gen > 0 && observed == gen && meta.IsStatusConditionTrue(cs, v1.ConditionReady) {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%T %s/%s not Ready after %s", o, o.GetNamespace(), o.GetName(), timeout)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return nil
}

// clearTimeout bounds clearLeads: deleting a 10k-lead phase takes over a minute.
const clearTimeout = 5 * time.Minute

// clearLeads deletes a phase's leads (and any Interaction objects) and waits until they
// are gone, so the next phase starts with the operator's cache holding only its own leads.
// A large delete can outlast kube-apiserver's 60 s request timeout, which also stops the
// deletion part way (it runs under the request's context): so a timed-out delete is sent
// again, and only objects still there after clearTimeout are an error.
func clearLeads(ctx context.Context, c client.Client, ns string) error {
	deadline := time.Now().Add(clearTimeout)
	kinds := []struct {
		obj  client.Object
		list client.ObjectList
	}{{&v1.Lead{}, &v1.LeadList{}}, {&v1.Interaction{}, &v1.InteractionList{}}}
	for _, k := range kinds {
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			delErr := c.DeleteAllOf(ctx, k.obj, client.InNamespace(ns))
			if delErr != nil && !apierrors.IsNotFound(delErr) && !timedOut(delErr) {
				return delErr
			}
			err := c.List(ctx, k.list, client.InNamespace(ns), client.Limit(1))
			if err != nil && !timedOut(err) {
				return err
			}
			if err == nil && meta.LenList(k.list) == 0 {
				break
			}
			if time.Now().After(deadline) {
				return errors.Join(fmt.Errorf("%T objects still in namespace %s after %s of deleting", k.obj, ns, clearTimeout), delErr, err)
			}
			time.Sleep(2 * time.Second)
		}
	}
	return nil
}

// timedOut: kube-apiserver's request timeout answered (504), or the handler's own error
// won that race (a 500 saying the request's context ran out).
func timedOut(err error) bool {
	return apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err) ||
		strings.Contains(err.Error(), context.DeadlineExceeded.Error())
}
