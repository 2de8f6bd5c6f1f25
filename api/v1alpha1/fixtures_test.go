package v1alpha1_test

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func dur(s string) *metav1.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return &metav1.Duration{Duration: d}
}

func validPolicy(name string) *v1.FollowUpPolicy {
	return &v1.FollowUpPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: v1.FollowUpPolicySpec{
			Steps: []v1.Step{
				{Name: "introduce", Channel: "email", Template: "intro"},
				{Name: "call", After: dur("48h"), PerformedBy: v1.PerformedByOwner},
			},
			Templates: map[string]v1.MessageTemplate{"intro": {Subject: "Hi", Body: "Hello {{ .FirstName }}"}},
		},
	}
}

func validLead(name string) *v1.Lead {
	return &v1.Lead{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: v1.LeadSpec{
			Contact: v1.Contact{Name: "Hanna Kowalczyk", Email: "hanna@example.pl", TimeZone: "Europe/Warsaw"},
			Policy:  "p",
		},
	}
}

func validCampaign(name string) *v1.Campaign {
	return &v1.Campaign{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: v1.CampaignSpec{
			Source: v1.CampaignSource{Platform: "GoogleAds", CampaignID: "21000000777"},
			Policy: "p",
		},
	}
}

func validChannel(name string) *v1.Channel {
	return &v1.Channel{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: v1.ChannelSpec{
			Type:    v1.ChannelWebhook,
			Webhook: &v1.WebhookChannel{URL: "https://hooks.example.com/touch"},
		},
	}
}
