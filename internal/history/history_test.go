package history

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func mt(d time.Duration) metav1.Time  { return metav1.NewTime(t0.Add(d)) }
func pt(d time.Duration) *metav1.Time { x := mt(d); return &x }

func TestOneTimelineAcrossLeadsAndChannels(t *testing.T) {
	day := 24 * time.Hour
	old := &v1.Lead{
		ObjectMeta: metav1.ObjectMeta{Namespace: "sales-eu", Name: "first", UID: "u1", CreationTimestamp: mt(0)},
		Spec: v1.LeadSpec{Source: v1.LeadSource{Campaign: "cnc", Keyword: "cnc laser"}, Product: "laser",
			Interactions: []v1.InteractionEntry{{At: mt(3 * time.Hour), Kind: v1.InteractionReply, Medium: "Email",
				Direction: v1.Inbound, Quality: ptr.To[int32](2), ID: "r1"}},
			Outcome: &v1.Outcome{Result: v1.OutcomeLost, Reason: "price", At: mt(10 * day)}},
		Status: v1.LeadStatus{Phase: v1.PhaseLost, Owner: "anna",
			Touches: []v1.TouchRecord{
				{Number: 1, Step: "introduce", Channel: "email-eu", Template: "intro", Due: mt(time.Minute), PerformedAt: pt(2 * time.Minute), Result: v1.TouchSent},
				{Number: 2, Step: "call", Channel: "rep-tasks", PerformedBy: v1.PerformedByOwner, Due: mt(2 * day), PerformedAt: pt(2*day + time.Hour), Result: v1.TouchDone},
			},
			// The same reply folded into status (from its Interaction object): shown once.
			Interactions: []v1.InteractionEntry{{At: mt(3 * time.Hour), Kind: v1.InteractionReply, Medium: "Email", ID: "r1"},
				{At: mt(5 * day), Kind: v1.InteractionDelivered, Medium: "WhatsApp", Direction: v1.Outbound}},
		},
	}
	again := &v1.Lead{
		ObjectMeta: metav1.ObjectMeta{Namespace: "sales-eu", Name: "second", UID: "u2", CreationTimestamp: mt(60 * day)},
		Status: v1.LeadStatus{Phase: v1.PhaseInCadence, ReturningContact: &v1.ReturningContactStatus{PreviousLead: "first", PreviousUID: "u1",
			Archived: true, PreviousPhase: v1.PhaseLost, EarlierLeads: 1}},
	}
	tl := Build([]Source{
		{Lead: again},
		{Lead: old, Archived: true, ArchivedAt: t0.Add(40 * day), Inbox: []v1.InteractionEntry{{At: mt(11 * day), Kind: v1.InteractionRead, Medium: "WhatsApp"}}},
		// The same archived lead found twice (by email and by phone): once.
		{Lead: old, Archived: true, ArchivedAt: t0.Add(40 * day)},
	})
	if len(tl.Leads) != 2 || tl.Leads[0].Name != "first" || tl.Leads[0].Where != Archived || tl.Leads[1].ReturningFrom != "first" {
		t.Fatalf("leads: %+v", tl.Leads)
	}
	var got []string
	for _, e := range tl.Entries {
		got = append(got, e.Lead+" "+e.Channel+" "+e.Event)
	}
	want := []string{
		"sales-eu/first  submitted",
		"sales-eu/first email-eu touch 1 introduce",
		"sales-eu/first Email reply (inbound)",
		"sales-eu/first task touch 2 call",
		"sales-eu/first WhatsApp delivered (outbound)",
		"sales-eu/first  lost",
		"sales-eu/first WhatsApp read",
		"sales-eu/first  archived",
		"sales-eu/second  submitted",
		"sales-eu/second  returning contact",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if e := tl.Entries[2]; e.Detail != "quality 2" {
		t.Errorf("reply detail %q", e.Detail)
	}
	if e := tl.Entries[5]; e.Detail != "reason: price" {
		t.Errorf("outcome detail %q", e.Detail)
	}
}

func TestLiveCopyWinsOverArchivedCopy(t *testing.T) {
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Namespace: "n", Name: "x", UID: "u", CreationTimestamp: mt(0)}}
	tl := Build([]Source{{Lead: l, Archived: true, ArchivedAt: t0}, {Lead: l}})
	if len(tl.Leads) != 1 || tl.Leads[0].Where != Live {
		t.Fatalf("a lead archived but not yet deleted shows once, as live: %+v", tl.Leads)
	}
	for _, e := range tl.Entries {
		if e.Event == "archived" {
			t.Fatal("no archived entry for the live copy")
		}
	}
}
