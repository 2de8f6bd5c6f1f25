package cadence

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func interactionObj(name, id string, kind v1.InteractionKind, t time.Time, q int32) v1.Interaction {
	o := v1.Interaction{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1.InteractionSpec{Lead: "l",
		InteractionEntry: v1.InteractionEntry{ID: id, Kind: kind, At: metav1.NewTime(t)}}}
	if kind == v1.InteractionReply {
		o.Spec.Quality = &q
	}
	return o
}

// TestFoldDedupesAndConsumesEverything: folding returns every object to delete,
// duplicates of recorded ids included, and records each id once.
func TestFoldDedupesAndConsumesEverything(t *testing.T) {
	l := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	l.Spec.Interactions = []v1.InteractionEntry{{ID: "a", Kind: v1.InteractionNote, At: metav1.NewTime(at("2026-11-16T09:00:00Z"))}}
	inbox := []v1.Interaction{
		interactionObj("x-2", "b", v1.InteractionDelivered, at("2026-11-16T09:02:00Z"), 0),
		interactionObj("x-1", "a", v1.InteractionNote, at("2026-11-16T09:00:00Z"), 0),      // already in spec
		interactionObj("x-3", "b", v1.InteractionDelivered, at("2026-11-16T09:02:00Z"), 0), // same id twice
		interactionObj("x-4", "c", v1.InteractionRead, at("2026-11-16T09:01:00Z"), 0),
	}
	names := Fold(l, inbox, industrial())
	if len(names) != 4 {
		t.Errorf("consumed %v, want all four", names)
	}
	got := ""
	for _, in := range l.Status.Interactions {
		got += in.ID
	}
	if got != "cb" {
		t.Errorf("recorded %q, want c then b (time order, each id once)", got)
	}
	if again := Fold(l, inbox[:1], industrial()); len(again) != 1 || len(l.Status.Interactions) != 2 {
		t.Errorf("a retried object is consumed but not recorded twice")
	}
}

// TestCompactionKeepsTheFigures: a chatty lead gets 400 interactions (no fixed cap
// refuses one); the recent ones stay, the older are summed up, and the lead reads the
// same before and after: engagement, first contact, stop and hand-over.
func TestCompactionKeepsTheFigures(t *testing.T) {
	p := industrial()
	p.StopOn = []v1.StopEvent{v1.StopUnsubscribed} // replies do not stop it: keep talking
	p.HandToHuman.ReplyQualityAtLeast = 3
	full := lead("Europe/Berlin", "high", "2026-11-16T09:00:00Z")
	in := input(full, p, at("2026-11-16T09:00:00Z"))
	send(t, in, decide(t, in), Sent, "")
	compacted := full.DeepCopy()

	start := at("2026-11-16T10:00:00Z")
	kinds := []v1.InteractionKind{v1.InteractionDelivered, v1.InteractionRead, v1.InteractionReply, v1.InteractionCallNoAnswer}
	var all []v1.InteractionEntry
	for i := 0; i < 400; i++ {
		o := interactionObj(fmt.Sprintf("o-%03d", i), fmt.Sprintf("id-%03d", i), kinds[i%4], start.Add(time.Duration(i)*time.Minute), int32(1+i%2))
		all = append(all, o.Spec.InteractionEntry)
		Fold(compacted, []v1.Interaction{o}, p)
	}
	if n := len(compacted.Status.Interactions); n > v1.MaxRecentInteractions {
		t.Fatalf("%d recent interactions kept, bound %d", n, v1.MaxRecentInteractions)
	}
	e := compacted.Status.Earlier
	if e == nil || int(e.Entries)+len(compacted.Status.Interactions) != 400 {
		t.Fatalf("earlier %+v with %d recent: entries lost", e, len(compacted.Status.Interactions))
	}
	full.Spec.Interactions = all // the same record, uncompacted
	now := at("2026-11-17T09:00:00Z")
	a := decide(t, input(full, p, now))
	b := decide(t, input(compacted, p, now))
	if fmt.Sprint(a.Status.Engagement) != fmt.Sprint(b.Status.Engagement) {
		t.Errorf("engagement differs:\n full      %+v\n compacted %+v", a.Status.Engagement, b.Status.Engagement)
	}
	if a.Status.FirstResponse.Summary != b.Status.FirstResponse.Summary || a.Status.Phase != b.Status.Phase || a.Status.Stage != b.Status.Stage {
		t.Errorf("full: %s %s %q; compacted: %s %s %q", a.Status.FirstResponse.Summary, a.Status.Phase, a.Status.Stage,
			b.Status.FirstResponse.Summary, b.Status.Phase, b.Status.Stage)
	}
	if a.Status.Engagement.Replies != 100 || a.Status.Engagement.Delivered != 100 {
		t.Errorf("engagement %+v", a.Status.Engagement)
	}

	// A late retry of a compacted event is still recognised.
	before := len(compacted.Status.Interactions)
	last := compacted.Status.Earlier.IDs[len(compacted.Status.Earlier.IDs)-1]
	Fold(compacted, []v1.Interaction{interactionObj("retry", last, v1.InteractionReply, start, 1)}, p)
	if len(compacted.Status.Interactions) != before {
		t.Errorf("a retried compacted event was recorded again")
	}
}

// TestDroppedTouchesKeepFirstContact: a lead with more touches than status keeps still
// reports the first response it had.
func TestDroppedTouchesKeepFirstContact(t *testing.T) {
	p := industrial()
	p.Schedule.BusinessHours = v1.BusinessHours{Days: []v1.Weekday{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, From: "00:00", To: "24:00"}
	p.Steps = nil
	for i := 0; i < 50; i++ {
		p.Steps = append(p.Steps, v1.Step{Name: fmt.Sprintf("s%d", i), After: dur("1h"), Channel: "email", Template: "t", PerformedBy: v1.PerformedByAutomation})
	}
	p.WeeklyCaps = v1.WeeklyCaps{New: 50, Active: 50, Silent: 50}
	l := lead("UTC", "high", "2026-11-16T09:00:00Z")
	run(t, p, l, 2, nil)
	if n := len(l.Status.Touches); n != v1.MaxTouchRecords {
		t.Fatalf("%d touches kept", n)
	}
	if got := l.Status.FirstResponse.Summary; got != "Met (1h)" {
		t.Errorf("first response %q after touches were dropped, want Met (1h)", got)
	}
}
