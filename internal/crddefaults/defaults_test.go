package crddefaults

import (
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestDecodeAppliesTheServersDefaults(t *testing.T) {
	doc := []byte(`apiVersion: followup.io/v1alpha1
kind: FollowUpPolicy
metadata: {name: p}
spec:
  steps:
    - {name: introduce, channel: email, template: intro}
  templates:
    intro: {subject: Hi, body: Hello}
`)
	var p v1.FollowUpPolicy
	if err := Decode("FollowUpPolicy", doc, &p); err != nil {
		t.Fatal(err)
	}
	s := p.Spec
	if s.Schedule.TimeZone != "UTC" || s.Schedule.BusinessHours.From != "09:00" || len(s.Schedule.BusinessHours.Days) != 5 {
		t.Errorf("schedule defaults: %+v", s.Schedule)
	}
	if len(s.FirstResponse) != 2 || s.WeeklyCaps.New != 6 {
		t.Errorf("firstResponse %+v caps %+v", s.FirstResponse, s.WeeklyCaps)
	}
	if s.AfterLastStep.DormantFor == nil || s.AfterLastStep.DormantFor.Duration != 720*time.Hour {
		t.Errorf("afterLastStep %+v", s.AfterLastStep)
	}
	if err := Decode("Lead", doc, &v1.Lead{}); err == nil {
		t.Error("a policy decoded as a Lead")
	}
	if err := Decode("FollowUpPolicy", []byte("kind: FollowUpPolicy\nspec: {stepz: []}\n"), &p); err == nil {
		t.Error("an unknown field was accepted")
	}
}
