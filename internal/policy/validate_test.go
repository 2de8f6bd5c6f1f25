package policy

import (
	"strings"
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func spec() *v1.FollowUpPolicySpec {
	return &v1.FollowUpPolicySpec{
		Schedule: v1.Schedule{TimeZone: "Asia/Shanghai", Holidays: []string{"2026-10-01"}},
		Steps: []v1.Step{
			{Name: "introduce", Channel: "email", Fallback: []string{"whatsapp"}, Template: "intro"},
			{Name: "call", PerformedBy: v1.PerformedByOwner, Channel: "wecom-anna"},
		},
		AfterLastStep: v1.AfterLastStep{Reactivation: []v1.Step{{Name: "win-back", Channel: "email", Template: "intro"}}},
		Escalation:    &v1.Escalation{OnBreach: &v1.BreachAction{Notify: "team-lead"}},
		HandToHuman:   v1.HandToHuman{Notify: "owner-chat"},
		Templates:     map[string]v1.MessageTemplate{"intro": {Body: "Hi {{ .FirstName }}"}},
	}
}

func TestValidateAcceptsAGoodPolicy(t *testing.T) {
	compiled, p := Validate(spec())
	if p != nil {
		t.Fatal(p)
	}
	if compiled["intro"] == nil {
		t.Fatal("compiled template missing")
	}
}

func TestValidateProblems(t *testing.T) {
	cases := []struct {
		mutate func(s *v1.FollowUpPolicySpec)
		reason string
		msg    string
	}{
		{func(s *v1.FollowUpPolicySpec) { s.Schedule.TimeZone = "Mars/Olympus" }, v1.ReasonInvalidTimeZone, "Mars/Olympus"},
		{func(s *v1.FollowUpPolicySpec) { s.Schedule.TimeZone = "" }, v1.ReasonInvalidTimeZone, "not an IANA time zone"},
		{func(s *v1.FollowUpPolicySpec) { s.Schedule.Holidays = []string{"2027-02-29"} }, v1.ReasonInvalidHoliday, "2027-02-29"},
		{func(s *v1.FollowUpPolicySpec) { s.Templates["intro"] = v1.MessageTemplate{Body: "{{ .Phone }}"} },
			v1.ReasonInvalidTemplate, "template intro (step introduce, win-back): body: line 1:3: unknown variable .Phone"},
	}
	for _, tc := range cases {
		s := spec()
		tc.mutate(s)
		_, p := Validate(s)
		if p == nil || p.Reason != tc.reason || !strings.Contains(p.Message, tc.msg) {
			t.Errorf("Validate = %v, want %s containing %q", p, tc.reason, tc.msg)
		}
	}
}

func TestChannelRefsNameWhereEachChannelIsUsed(t *testing.T) {
	var got []string
	for _, r := range ChannelRefs(spec()) {
		got = append(got, r.Where+"="+r.Channel)
	}
	want := "step introduce=email,step introduce fallback=whatsapp,step call=wecom-anna,step win-back=email,escalation.onBreach.notify=team-lead,handToHuman.notify=owner-chat"
	if strings.Join(got, ",") != want {
		t.Errorf("ChannelRefs = %s\nwant          %s", strings.Join(got, ","), want)
	}
}

func TestStepsRevisionFollowsTheCadenceOnly(t *testing.T) {
	a, b := spec(), spec()
	if StepsRevision(a) != StepsRevision(b) {
		t.Fatal("same steps, different revision")
	}
	b.Templates["intro"] = v1.MessageTemplate{Body: "changed"}
	if StepsRevision(a) != StepsRevision(b) {
		t.Error("a template edit changed the steps revision")
	}
	b.Steps[1].Name = "call-with-offer"
	if StepsRevision(a) == StepsRevision(b) {
		t.Error("renaming a step kept the revision")
	}
}
