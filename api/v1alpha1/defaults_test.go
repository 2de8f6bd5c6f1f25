package v1alpha1_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// TestDefaults checks the brief's numbers arrive through the schema defaults.
func TestDefaults(t *testing.T) {
	ctx := context.Background()
	p := validPolicy("defaults")
	if err := apiClient(t).Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = apiClient(t).Delete(ctx, p) })
	var got v1.FollowUpPolicy
	if err := apiClient(t).Get(ctx, client.ObjectKeyFromObject(p), &got); err != nil {
		t.Fatal(err)
	}
	s := got.Spec
	fr := map[string]time.Duration{}
	for _, f := range s.FirstResponse {
		fr[f.Tier] = f.Within.Duration
	}
	if fr["high"] != time.Hour || fr["standard"] != 24*time.Hour {
		t.Errorf("firstResponse defaults = %v, want high 1h, standard 24h", fr)
	}
	if s.Schedule.TimeZone != "UTC" || s.Schedule.BusinessHours.From != "09:00" || s.Schedule.BusinessHours.To != "18:00" {
		t.Errorf("schedule defaults = %+v", s.Schedule)
	}
	if want := []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri"}; !reflect.DeepEqual(s.Schedule.BusinessHours.Days, want) {
		t.Errorf("business days = %v, want %v", s.Schedule.BusinessHours.Days, want)
	}
	if s.AfterLastStep.DormantFor == nil || s.AfterLastStep.DormantFor.Duration != 720*time.Hour ||
		s.AfterLastStep.Reactivations == nil || *s.AfterLastStep.Reactivations != 1 {
		t.Errorf("afterLastStep defaults = %+v", s.AfterLastStep)
	}
	if len(s.StopOn) != 6 {
		t.Errorf("stopOn defaults = %v, want all six events", s.StopOn)
	}
	if s.HandToHuman.ReplyQualityAtLeast != 3 || len(s.HandToHuman.Keywords) == 0 {
		t.Errorf("handToHuman defaults = %+v", s.HandToHuman)
	}
	if s.WeeklyCaps != (v1.WeeklyCaps{New: 6, Active: 4, Silent: 2}) {
		t.Errorf("weeklyCaps defaults = %+v", s.WeeklyCaps)
	}
	if s.Steps[0].PerformedBy != v1.PerformedByAutomation || s.Steps[1].PerformedBy != v1.PerformedByOwner {
		t.Errorf("performedBy = %q, %q", s.Steps[0].PerformedBy, s.Steps[1].PerformedBy)
	}

	c := validCampaign("defaults")
	if err := apiClient(t).Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = apiClient(t).Delete(ctx, c) })
	var gc v1.Campaign
	if err := apiClient(t).Get(ctx, client.ObjectKeyFromObject(c), &gc); err != nil {
		t.Fatal(err)
	}
	tg := gc.Spec.Targets
	if tg.MeanFirstResponse == nil || tg.MeanFirstResponse.Duration != 24*time.Hour ||
		tg.CloseRateAfterCadence != "0.05" || tg.CloseRateAfterThreeTouches != "0.10" || tg.ROAS != "3" {
		t.Errorf("campaign targets defaults = %+v", tg)
	}
	if gc.Spec.Window == nil || gc.Spec.Window.Duration != 168*time.Hour || gc.Spec.Assignment != v1.AssignRoundRobin {
		t.Errorf("campaign window/assignment defaults = %v %v", gc.Spec.Window, gc.Spec.Assignment)
	}

	l := validLead("defaults")
	if err := apiClient(t).Create(ctx, l); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = apiClient(t).Delete(ctx, l) })
	var gl v1.Lead
	if err := apiClient(t).Get(ctx, client.ObjectKeyFromObject(l), &gl); err != nil {
		t.Fatal(err)
	}
	if gl.Spec.Tier != "standard" {
		t.Errorf("lead tier default = %q, want standard", gl.Spec.Tier)
	}
}
