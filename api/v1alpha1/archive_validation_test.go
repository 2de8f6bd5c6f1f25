package v1alpha1_test

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestRetentionAndReturningContactRules: the archive's policy fields are refused at the
// edge with a message saying what to fix, and a correct policy is stored as written.
func TestRetentionAndReturningContactRules(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		edit func(p *v1.FollowUpPolicy)
		want string
	}{
		{"closedFor zero", func(p *v1.FollowUpPolicy) {
			p.Spec.Retention = &v1.Retention{ClosedFor: &metav1.Duration{}}
		}, "closedFor must be a positive duration"},
		{"finishedFor zero", func(p *v1.FollowUpPolicy) {
			p.Spec.Retention = &v1.Retention{FinishedFor: &metav1.Duration{}}
		}, "finishedFor must be a positive duration"},
		{"window zero", func(p *v1.FollowUpPolicy) {
			p.Spec.ReturningContact = &v1.ReturningContactPolicy{Within: &metav1.Duration{}}
		}, "within must be a positive duration"},
		{"welcome-back template undefined", func(p *v1.FollowUpPolicy) {
			p.Spec.ReturningContact = &v1.ReturningContactPolicy{Template: "welcome-back"}
		}, "returningContact.template must be defined under spec.templates"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validPolicy("archive-invalid")
			tc.edit(p)
			err := apiClient(t).Create(ctx, p)
			if err == nil {
				_ = apiClient(t).Delete(ctx, p)
				t.Fatalf("created; want rejection mentioning %q", tc.want)
			}
			if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an Invalid error mentioning %q, got %v", tc.want, err)
			}
		})
	}

	p := validPolicy("archive-valid")
	p.Spec.Retention = &v1.Retention{ClosedFor: dur("240h"), FinishedFor: dur("480h")}
	p.Spec.ReturningContact = &v1.ReturningContactPolicy{Within: dur("720h"), Template: "welcome-back"}
	p.Spec.Templates["welcome-back"] = v1.MessageTemplate{Subject: "Welcome back", Body: "Good to hear from you again, {{ .FirstName }}"}
	if err := apiClient(t).Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = apiClient(t).Delete(ctx, p) })
	var got v1.FollowUpPolicy
	if err := apiClient(t).Get(ctx, client.ObjectKeyFromObject(p), &got); err != nil {
		t.Fatal(err)
	}
	if got.Spec.Retention.ClosedFor.Duration != dur("240h").Duration || got.Spec.ReturningContact.Template != "welcome-back" {
		t.Fatalf("stored policy differs: %+v %+v", got.Spec.Retention, got.Spec.ReturningContact)
	}
}
