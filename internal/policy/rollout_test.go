package policy

import (
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestSpecRevisionIgnoresTheRolloutItself(t *testing.T) {
	a := &v1.FollowUpPolicySpec{Steps: []v1.Step{{Name: "introduce", Channel: "email"}}}
	b := a.DeepCopy()
	b.Rollout = &v1.Rollout{Percent: 20}
	if SpecRevision(a) != SpecRevision(b) {
		t.Fatal("changing the percent made a new revision")
	}
	b.Templates = map[string]v1.MessageTemplate{"intro": {Body: "Hello"}}
	if SpecRevision(a) == SpecRevision(b) {
		t.Fatal("a template edit kept the revision: it would not be rolled out")
	}
	if b.Rollout == nil || RevisionSpec(b).Rollout != nil {
		t.Fatal("RevisionSpec must drop the rollout without touching its input")
	}
}

func TestRevisionNameFitsAnObjectName(t *testing.T) {
	long := string(make([]byte, 260))
	if n := RevisionName(long, "0123456789"); len(n) != 253 {
		t.Fatalf("len %d", len(n))
	}
	if n := RevisionName("industrial", "0123456789"); n != "industrial-0123456789" {
		t.Fatal(n)
	}
}

func TestNextRevisions(t *testing.T) {
	pct := func(p int32) *v1.Rollout { return &v1.Rollout{Percent: p} }
	cases := []struct {
		name   string
		prev   Revisions
		now    string
		ro     *v1.Rollout
		want   Revisions
		change RolloutChange
	}{
		{"first sight is stable even with a rollout", Revisions{}, "a", pct(10), Revisions{"a", "a"}, RolloutUnchanged},
		{"plain edit goes to everyone", Revisions{"a", "a"}, "b", nil, Revisions{"b", "b"}, RolloutUnchanged},
		{"edit with a rollout starts one", Revisions{"a", "a"}, "b", pct(10), Revisions{"a", "b"}, RolloutStarted},
		{"percent changed, same candidate", Revisions{"a", "b"}, "b", pct(50), Revisions{"a", "b"}, RolloutUnchanged},
		{"third revision replaces the candidate", Revisions{"a", "b"}, "c", pct(50), Revisions{"a", "c"}, RolloutReplaced},
		{"100 promotes", Revisions{"a", "b"}, "b", pct(100), Revisions{"b", "b"}, RolloutPromoted},
		{"removing the rollout promotes", Revisions{"a", "b"}, "b", nil, Revisions{"b", "b"}, RolloutPromoted},
		{"reverting the spec rolls back", Revisions{"a", "b"}, "a", pct(50), Revisions{"a", "a"}, RolloutRolledBack},
		{"a rollout with nothing new is idle", Revisions{"a", "a"}, "a", pct(0), Revisions{"a", "a"}, RolloutUnchanged},
	}
	for _, c := range cases {
		got, change := NextRevisions(c.prev, c.now, c.ro)
		if got != c.want || change != c.change {
			t.Errorf("%s: got %+v %q, want %+v %q", c.name, got, change, c.want, c.change)
		}
	}
}
