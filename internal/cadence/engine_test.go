package cadence

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func dur(s string) *metav1.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return &metav1.Duration{Duration: d}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// industrial is the brief's three-touch cadence with the API's defaults filled in.
func industrial() *v1.FollowUpPolicySpec {
	return &v1.FollowUpPolicySpec{
		FirstResponse: []v1.FirstResponseTarget{{Tier: "high", Within: *dur("1h")}, {Tier: "standard", Within: *dur("24h")}},
		Schedule: v1.Schedule{TimeZone: "Europe/Berlin", Holidays: []string{"2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"},
			BusinessHours: v1.BusinessHours{Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri"}, From: "09:00", To: "18:00"}},
		Steps: []v1.Step{
			{Name: "introduce", Channel: "email", Fallback: []string{"whatsapp"}, Template: "intro", PerformedBy: v1.PerformedByAutomation},
			{Name: "send-catalog", After: dur("36h"), Channel: "email", Template: "catalog", PerformedBy: v1.PerformedByAutomation},
			{Name: "call-with-offer", After: dur("48h"), PerformedBy: v1.PerformedByOwner, Channel: "tasks"},
		},
		AfterLastStep: v1.AfterLastStep{DormantFor: dur("720h"), Reactivations: ptr.To[int32](1),
			Reactivation: []v1.Step{{Name: "win-back", Channel: "email", Template: "win-back", PerformedBy: v1.PerformedByAutomation}}},
		StopOn:      []v1.StopEvent{v1.StopReplied, v1.StopMeetingBooked, v1.StopUnsubscribed, v1.StopBounced, v1.StopWon, v1.StopLost},
		HandToHuman: v1.HandToHuman{ReplyQualityAtLeast: 3},
		Escalation:  &v1.Escalation{WarnBefore: dur("15m"), OnBreach: &v1.BreachAction{Reassign: true}},
		WeeklyCaps:  v1.WeeklyCaps{New: 6, Active: 4, Silent: 2},
	}
}

var channels = map[string]ChannelState{"email": {Type: v1.ChannelSMTP, Ready: true}, "whatsapp": {Type: v1.ChannelWhatsApp, Ready: true},
	"tasks": {Type: v1.ChannelTask, Ready: true}, "lead-chat": {Type: v1.ChannelWebhook, Ready: true}, "anna-chat": {Type: v1.ChannelWebhook, Ready: true}}

// input is a transition's input for a lead under a policy at a time.
func input(l *v1.Lead, p *v1.FollowUpPolicySpec, now time.Time) Input {
	return Input{Now: now, Lead: l, PolicyName: "industrial", Policy: p, Revision: "r", Channels: channels}
}

// decide runs one transition and makes its status the lead's, as a status write would.
func decide(t testing.TB, in Input) Result {
	t.Helper()
	res, err := Transition(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Lead.Status = res.Status
	return res
}

// send performs the due work of a result with the given touch outcome, sends its
// notices, and decides again at the same instant: the operator's second half.
func send(t testing.TB, in Input, res Result, o Outcome, msg string) Result {
	t.Helper()
	if res.Touch != nil {
		ApplyTouchOutcome(&in.Lead.Status, TouchOutcome{Key: res.Touch.Record.Key, Outcome: o, Message: msg}, in.Now)
	}
	for _, n := range res.Notices {
		ApplyNoticeOutcome(&in.Lead.Status, n.Key, Sent, "", in.Now)
	}
	return decide(t, in)
}

// pickFrom is a round-robin picker over reps, as a campaign's would be.
func pickFrom(reps ...string) func(string) (string, bool) {
	next := 0
	return func(exclude string) (string, bool) {
		for range reps {
			r := reps[next%len(reps)]
			next++
			if r != exclude {
				return r, true
			}
		}
		return "", false
	}
}

func lead(tz, tier, submitted string) *v1.Lead {
	s := metav1.NewTime(at(submitted))
	return &v1.Lead{
		ObjectMeta: metav1.ObjectMeta{Name: "l", UID: "uid-1"},
		Spec: v1.LeadSpec{
			Contact: v1.Contact{Name: "Hanna Kowalczyk", Email: "h@example.pl", WhatsApp: "+48501234567", TimeZone: tz},
			Source:  v1.LeadSource{SubmittedAt: &s},
			Tier:    tier,
			Owner:   "anna",
		},
	}
}

// callsAnswerTasks is a responder: automated touches are sent; each task is answered
// by a recorded call an hour after it is assigned.
func callsAnswerTasks(t v1.TouchRecord, now time.Time) (Outcome, *v1.InteractionEntry) {
	if t.PerformedBy == v1.PerformedByOwner {
		return TaskAssigned, &v1.InteractionEntry{At: metav1.NewTime(now.Add(time.Hour)), Kind: v1.InteractionCallNoAnswer,
			Direction: v1.Outbound, TouchKey: t.Key}
	}
	return Sent, nil
}

// touchLog renders the performed touches as "step@UTC-time" for comparison.
func touchLog(events []SimEvent) string {
	var out []string
	for _, e := range events {
		if e.Touch != nil {
			out = append(out, e.Touch.Step+"@"+e.At.UTC().Format("Mon 01-02 15:04"))
		}
	}
	return strings.Join(out, ", ")
}

func run(t *testing.T, p *v1.FollowUpPolicySpec, l *v1.Lead, weeks int, respond Responder) []SimEvent {
	t.Helper()
	start := SubmittedAt(l)
	in := Input{Now: start, Lead: l, PolicyName: "p", Policy: p, Revision: "rev1", Channels: channels}
	events, err := Simulate(in, start.Add(time.Duration(weeks)*week), respond)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// TestCadenceAcrossWeeks runs whole cadences with a simulated clock: business hours in
// the lead's zone, weekends, holidays, daylight-saving switches and the date line.
func TestCadenceAcrossWeeks(t *testing.T) {
	cases := []struct {
		name, tz, tier, submitted string
		want                      string
		sla                       string
	}{
		{"Warsaw, Friday afternoon: touch 2 waits for Monday",
			"Europe/Warsaw", "high", "2026-11-20T14:03:00Z",
			"introduce@Fri 11-20 14:03, send-catalog@Mon 11-23 08:00, call-with-offer@Wed 11-25 08:00, win-back@Mon 12-28 08:00",
			"Met (0s)"},
		{"Auckland (UTC+13): Saturday there, first touch Monday there; 24h counted in the Berlin team's hours",
			"Pacific/Auckland", "standard", "2026-11-20T22:00:00Z",
			"introduce@Sun 11-22 20:00, send-catalog@Tue 11-24 20:00, call-with-offer@Thu 11-26 20:00, win-back@Sun 12-27 20:00",
			"Met (46h)"},
		{"Pago Pago (UTC-11), the other side of the date line",
			"Pacific/Pago_Pago", "standard", "2026-11-20T22:00:00Z",
			"introduce@Fri 11-20 22:00, send-catalog@Mon 11-23 20:00, call-with-offer@Wed 11-25 20:00, win-back@Mon 12-28 20:00",
			"Met (0s)"},
		{"Berlin spring-forward: Monday 09:00 CEST is 07:00 UTC",
			"Europe/Berlin", "high", "2027-03-26T16:30:00Z",
			"introduce@Fri 03-26 16:30, send-catalog@Mon 03-29 07:00, call-with-offer@Wed 03-31 07:00, win-back@Fri 04-30 08:00",
			"Met (0s)"},
		{"New York fall-back: Monday 09:00 EST is 14:00 UTC",
			"America/New_York", "standard", "2026-10-30T19:00:00Z",
			"introduce@Fri 10-30 19:00, send-catalog@Mon 11-02 14:00, call-with-offer@Wed 11-04 14:00, win-back@Fri 12-04 15:00",
			"Met (0s)"},
		{"Christmas holidays in Berlin are skipped",
			"", "high", "2026-12-23T16:50:00Z",
			"introduce@Wed 12-23 16:50, send-catalog@Mon 12-28 08:00, call-with-offer@Wed 12-30 08:00, win-back@Fri 01-29 09:00",
			"Met (0s)"},
		{"high-tier lead on Saturday: first touch Monday 09:00, inside the business-hours deadline of Monday 10:00",
			"Europe/Berlin", "high", "2026-11-21T10:00:00Z",
			"introduce@Mon 11-23 08:00, send-catalog@Wed 11-25 08:00, call-with-offer@Fri 11-27 08:00, win-back@Mon 12-28 08:00",
			"Met (46h)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := lead(tc.tz, tc.tier, tc.submitted)
			events := run(t, industrial(), l, 10, callsAnswerTasks)
			if got := touchLog(events); got != tc.want {
				t.Errorf("touches:\n got %s\nwant %s", got, tc.want)
			}
			if got := l.Status.FirstResponse.Summary; got != tc.sla {
				t.Errorf("SLA = %q, want %q", got, tc.sla)
			}
			if got := l.Status.Stage; got != "dormant (final)" {
				t.Errorf("final stage = %q, want dormant (final)", got)
			}
			// Every touch fell inside business hours in the lead's zone.
			loc, _ := time.LoadLocation(tc.tz)
			if tc.tz == "" {
				loc, _ = time.LoadLocation("Europe/Berlin")
			}
			for _, e := range events {
				if e.Touch == nil {
					continue
				}
				lt := e.At.In(loc)
				if wd := lt.Weekday(); wd == time.Saturday || wd == time.Sunday || lt.Hour() < 9 || lt.Hour() >= 18 {
					t.Errorf("touch %s at %s local is outside business hours", e.Touch.Step, lt.Format(time.RFC1123))
				}
			}
		})
	}
}
