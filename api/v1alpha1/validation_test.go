package v1alpha1_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestInvalidObjectsAreRejected creates objects that break one rule each and checks the
// API server refuses them with the message a person needs to fix it.
func TestInvalidObjectsAreRejected(t *testing.T) {
	cases := []struct {
		name string
		obj  func(n string) client.Object
		want string
	}{
		{"policy without steps", func(n string) client.Object {
			p := validPolicy(n)
			p.Spec.Steps = nil
			return p
		}, "spec.steps: Required value"},
		{"duplicate step names", func(n string) client.Object {
			p := validPolicy(n)
			p.Spec.Steps[1].Name = "introduce"
			return p
		}, "step names must be unique"},
		{"automated step without channel", func(n string) client.Object {
			p := validPolicy(n)
			p.Spec.Steps[0].Channel = ""
			return p
		}, "an automated step needs a channel and a template"},
		{"step names an undefined template", func(n string) client.Object {
			p := validPolicy(n)
			p.Spec.Steps[0].Template = "missing"
			return p
		}, "every step's template must be defined under spec.templates"},
		{"zero first-response deadline", func(n string) client.Object {
			p := validPolicy(n)
			p.Spec.FirstResponse = []v1.FirstResponseTarget{{Tier: "high", Within: metav1.Duration{}}}
			return p
		}, "within must be a positive duration"},
		{"duplicate tiers", func(n string) client.Object {
			p := validPolicy(n)
			p.Spec.FirstResponse = []v1.FirstResponseTarget{{Tier: "high", Within: *dur("1h")}, {Tier: "high", Within: *dur("2h")}}
			return p
		}, "Duplicate value"},
		{"business hours not HH:MM", func(n string) client.Object {
			p := validPolicy(n)
			p.Spec.Schedule.BusinessHours = v1.BusinessHours{From: "9am", To: "18:00"}
			return p
		}, "from must be a time of day in HH:MM form"},
		{"business hours end before start", func(n string) client.Object {
			p := validPolicy(n)
			p.Spec.Schedule.BusinessHours = v1.BusinessHours{From: "18:00", To: "09:00"}
			return p
		}, "businessHours.from must be earlier than businessHours.to"},
		{"holiday not a date", func(n string) client.Object {
			p := validPolicy(n)
			p.Spec.Schedule.Holidays = []string{"24.12.2026"}
			return p
		}, "holidays must be dates in YYYY-MM-DD form"},
		{"weekly cap out of range", func(n string) client.Object {
			p := validPolicy(n)
			p.Spec.WeeklyCaps = v1.WeeklyCaps{New: 99, Active: 4, Silent: 2}
			return p
		}, "spec.weeklyCaps.new: Invalid value"},
		{"lead with no way to reach", func(n string) client.Object {
			l := validLead(n)
			l.Spec.Contact.Email = ""
			return l
		}, "a lead needs at least one way to reach the contact"},
		{"lead phone not E.164", func(n string) client.Object {
			l := validLead(n)
			l.Spec.Contact.Phone = "030 1234567"
			return l
		}, "phone must be in E.164 form"},
		{"lead email malformed", func(n string) client.Object {
			l := validLead(n)
			l.Spec.Contact.Email = "hanna at example"
			return l
		}, "email must be an address"},
		{"lead without policy or campaign", func(n string) client.Object {
			l := validLead(n)
			l.Spec.Policy = ""
			return l
		}, "a lead needs spec.policy or spec.source.campaign"},
		{"lead negative outcome value", func(n string) client.Object {
			l := validLead(n)
			l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon, At: metav1.Now(), Value: &v1.Money{Amount: "-5", Currency: "USD"}}
			return l
		}, "amount must be a non-negative decimal"},
		{"lead lost with a value", func(n string) client.Object {
			l := validLead(n)
			l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeLost, At: metav1.Now(), Value: &v1.Money{Amount: "5", Currency: "USD"}}
			return l
		}, "only a won lead has a value"},
		{"lead currency lowercase", func(n string) client.Object {
			l := validLead(n)
			l.Spec.Value = &v1.Money{Amount: "38000", Currency: "eur"}
			return l
		}, "currency must be a three-letter ISO 4217 code"},
		{"quality on a non-reply", func(n string) client.Object {
			l := validLead(n)
			l.Spec.Interactions = []v1.InteractionEntry{{At: metav1.Now(), Kind: v1.InteractionRead, Quality: ptr.To[int32](2)}}
			return l
		}, "quality is only set on a Reply"},
		{"reply quality out of range", func(n string) client.Object {
			l := validLead(n)
			l.Spec.Interactions = []v1.InteractionEntry{{At: metav1.Now(), Kind: v1.InteractionReply, Quality: ptr.To[int32](4)}}
			return l
		}, "should be less than or equal to 3"},
		{"campaign close-rate target above 1", func(n string) client.Object {
			c := validCampaign(n)
			c.Spec.Targets.CloseRateAfterCadence = "1.5"
			return c
		}, "closeRateAfterCadence must be a fraction between 0 and 1"},
		{"campaign without policy", func(n string) client.Object {
			c := validCampaign(n)
			c.Spec.Policy = ""
			return c
		}, "spec.policy"},
		{"webhook channel without webhook block", func(n string) client.Object {
			c := validChannel(n)
			c.Spec.Webhook = nil
			return c
		}, "spec.webhook is set exactly when type is Webhook"},
		{"smtp channel without credentials", func(n string) client.Object {
			return &v1.Channel{ObjectMeta: metav1.ObjectMeta{Name: n, Namespace: "default"},
				Spec: v1.ChannelSpec{Type: v1.ChannelSMTP, SMTP: &v1.SMTPChannel{Host: "smtp.example.com", From: "sales@example.com"}}}
		}, "SMTP and WhatsApp channels need spec.credentialsRef"},
	}
	ctx := context.Background()
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := tc.obj(fmt.Sprintf("invalid-%d", i))
			err := apiClient(t).Create(ctx, obj)
			if err == nil {
				_ = apiClient(t).Delete(ctx, obj)
				t.Fatalf("created; want rejection mentioning %q", tc.want)
			}
			if !apierrors.IsInvalid(err) {
				t.Fatalf("want an Invalid error, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err.Error(), tc.want)
			}
		})
	}
}

// TestValidObjectsAreAccepted guards the fixtures: every rejection above must come from
// the one change the case made.
func TestValidObjectsAreAccepted(t *testing.T) {
	ctx := context.Background()
	for _, obj := range []client.Object{validPolicy("ok"), validLead("ok"), validCampaign("ok"), validChannel("ok")} {
		if err := apiClient(t).Create(ctx, obj); err != nil {
			t.Fatalf("%T: %v", obj, err)
		}
		t.Cleanup(func() { _ = apiClient(t).Delete(ctx, obj) })
	}
}

func TestInteractionsAreAppendOnly(t *testing.T) {
	ctx := context.Background()
	l := validLead("append-only")
	l.Spec.Interactions = []v1.InteractionEntry{{At: metav1.Now(), Kind: v1.InteractionReply, Quality: ptr.To[int32](1)}}
	if err := apiClient(t).Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = apiClient(t).Delete(ctx, l) })

	l.Spec.Interactions = append(l.Spec.Interactions, v1.InteractionEntry{At: metav1.Now(), Kind: v1.InteractionRead})
	if err := apiClient(t).Update(ctx, l); err != nil {
		t.Fatalf("appending: %v", err)
	}

	changed := l.DeepCopy()
	changed.Spec.Interactions[0].Quality = ptr.To[int32](3)
	if err := apiClient(t).Update(ctx, changed); err == nil || !strings.Contains(err.Error(), "interactions are append-only") {
		t.Fatalf("changing a recorded interaction: want append-only rejection, got %v", err)
	}
	removed := l.DeepCopy()
	removed.Spec.Interactions = removed.Spec.Interactions[1:]
	if err := apiClient(t).Update(ctx, removed); err == nil || !strings.Contains(err.Error(), "interactions are append-only") {
		t.Fatalf("removing a recorded interaction: want append-only rejection, got %v", err)
	}
	// Nothing stored was lost by the refused updates.
	var got v1.Lead
	if err := apiClient(t).Get(ctx, client.ObjectKeyFromObject(l), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Spec.Interactions) != 2 || *got.Spec.Interactions[0].Quality != 1 {
		t.Fatalf("stored interactions changed: %+v", got.Spec.Interactions)
	}
}
