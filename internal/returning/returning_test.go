package returning

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

var t0 = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func TestLink(t *testing.T) {
	cand := func(uid string, submitted, active time.Duration, by v1.MatchedBy) Candidate {
		return Candidate{UID: uid, Name: "lead-" + uid, Namespace: "sales", Phase: v1.PhaseLost,
			SubmittedAt: t0.Add(submitted), LastActiveAt: t0.Add(active), MatchedBy: by}
	}
	in := Input{UID: "new", SubmittedAt: t0}

	if Link(in) != nil {
		t.Fatal("no candidates, no link")
	}
	in.Candidates = []Candidate{cand("old", -200*day, -91*day, v1.MatchedByEmail)}
	if Link(in) != nil {
		t.Fatal("last active 91 days ago is outside the default 90-day window")
	}
	in.Candidates = append(in.Candidates, cand("recent", -60*day, -10*day, v1.MatchedByPhone),
		cand("middle", -80*day, -30*day, v1.MatchedByEmail),
		cand("new", -time.Hour, 0, v1.MatchedByEmail),            // the lead itself
		cand("later", time.Hour, 2*time.Hour, v1.MatchedByEmail), // came in after it
		cand("recent", -60*day, -10*day, v1.MatchedByPhone))      // found twice (live and archive)
	got := Link(in)
	if got == nil || got.PreviousUID != "recent" || got.PreviousLead != "lead-recent" || got.MatchedBy != v1.MatchedByPhone {
		t.Fatalf("want the most recently active earlier lead, got %+v", got)
	}
	if got.EarlierLeads != 2 {
		t.Fatalf("earlier leads in window: want 2 (recent, middle), got %d", got.EarlierLeads)
	}
	if !got.LastActiveAt.Time.Equal(t0.Add(-10*day)) || got.PreviousPhase != v1.PhaseLost {
		t.Fatalf("link carries when and how the earlier lead ended: %+v", got)
	}

	in.Window = 20 * day
	if got := Link(in); got == nil || got.EarlierLeads != 1 {
		t.Fatalf("a 20-day window keeps only the lead active 10 days ago: %+v", got)
	}
}

func TestFromLiveMatchesByEmailOrPhone(t *testing.T) {
	me := v1.Contact{Email: "Hanna@Example.pl", Phone: "+48501234567"}
	mk := func(name string, c v1.Contact) v1.Lead {
		return v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name), Namespace: "sales",
			CreationTimestamp: metav1.NewTime(t0.Add(-5 * day))}, Spec: v1.LeadSpec{Contact: c}}
	}
	leads := []v1.Lead{
		mk("same-email", v1.Contact{Email: "hanna@example.pl"}),
		mk("same-whatsapp", v1.Contact{WhatsApp: "+48 501 234 567"}),
		mk("both", v1.Contact{Email: "hanna@example.pl", Phone: "+48501234567"}),
		mk("colleague", v1.Contact{Email: "jan@example.pl"}),
	}
	got := map[string]v1.MatchedBy{}
	for _, c := range FromLive(me, leads) {
		got[c.Name] = c.MatchedBy
	}
	want := map[string]v1.MatchedBy{"same-email": v1.MatchedByEmail, "same-whatsapp": v1.MatchedByPhone, "both": v1.MatchedByEmail}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v (a colleague at the same company is not the same contact)", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: matched by %q, want %q", k, got[k], v)
		}
	}
}

func TestFirstTemplate(t *testing.T) {
	p := &v1.ReturningContactPolicy{Template: "welcome-back"}
	returning := &v1.LeadStatus{ReturningContact: &v1.ReturningContactStatus{PreviousLead: "x"}}
	if got := FirstTemplate(p, returning, 0, 1, "intro"); got != "welcome-back" {
		t.Fatalf("first touch of a returning contact: %q", got)
	}
	for _, c := range []struct {
		p        *v1.ReturningContactPolicy
		st       *v1.LeadStatus
		round, n int32
	}{{p, returning, 0, 2}, {p, returning, 1, 1}, {p, &v1.LeadStatus{}, 0, 1}, {&v1.ReturningContactPolicy{}, returning, 0, 1}, {nil, returning, 0, 1}} {
		if got := FirstTemplate(c.p, c.st, c.round, c.n, "intro"); got != "intro" {
			t.Errorf("%+v round %d touch %d: %q, want the step's template", c.p, c.round, c.n, got)
		}
	}
	if WindowOf(nil) != DefaultWindow || WindowOf(&v1.ReturningContactPolicy{Within: &metav1.Duration{Duration: day}}) != day {
		t.Fatal("window default and override")
	}
}
