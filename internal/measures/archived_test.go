package measures

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestWithArchivedCountsEachLeadOnce(t *testing.T) {
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	mk := func(uid string, rv string) v1.Lead {
		return v1.Lead{ObjectMeta: metav1.ObjectMeta{UID: types.UID("u" + uid), ResourceVersion: rv, CreationTimestamp: metav1.NewTime(now.Add(-time.Hour))}}
	}
	live := []v1.Lead{mk("1", "live"), mk("2", "live")}
	archived := []v1.Lead{mk("2", "archived"), mk("3", "archived"), mk("3", "archived")}
	got := WithArchived(live, archived)
	if len(got) != 3 || got[1].ResourceVersion != "live" || got[2].UID != "u3" {
		t.Fatalf("got %d leads: %+v", len(got), got)
	}
	o := Options{Now: now, Window: 48 * time.Hour}
	if !o.Start().Equal(now.Add(-48*time.Hour)) || !(Options{Now: now}).Start().Equal(now.Add(-DefaultWindow)) {
		t.Fatal("window start")
	}
	if m := Compute(got, o); m.Leads != 3 {
		t.Fatalf("measured %d leads", m.Leads)
	}
}
