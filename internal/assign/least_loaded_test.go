package assign

import (
	"testing"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestLeastLoaded(t *testing.T) {
	reps := []v1.Rep{
		{Name: "anna", Capacity: 3},
		{Name: "ben", Capacity: 5},
		{Name: "cleo", Capacity: 5, Unavailable: true},
		{Name: "dan", Capacity: 0},
	}
	cases := []struct {
		name   string
		open   map[string]int32
		want   string
		wantOK bool
	}{
		{"all empty: first listed wins the tie", nil, "anna", true},
		{"fewest open wins", map[string]int32{"anna": 2, "ben": 1}, "ben", true},
		{"full rep skipped though least loaded of the rest", map[string]int32{"anna": 3, "ben": 4}, "ben", true},
		{"unavailable skipped even when empty", map[string]int32{"anna": 1, "ben": 1}, "anna", true},
		{"nobody with room", map[string]int32{"anna": 3, "ben": 5}, "", false},
		{"over capacity counts as full", map[string]int32{"anna": 9, "ben": 7}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := LeastLoaded(reps, c.open)
			if got != c.want || ok != c.wantOK {
				t.Fatalf("LeastLoaded = %q,%v; want %q,%v", got, ok, c.want, c.wantOK)
			}
		})
	}
}

// TestLeastLoadedOptimisticCount fills every slot by counting each pick, as assignOwner
// does in its status update, and proves the last slot is taken exactly once.
func TestLeastLoadedOptimisticCount(t *testing.T) {
	reps := []v1.Rep{{Name: "anna", Capacity: 2}, {Name: "ben", Capacity: 1}}
	open := map[string]int32{}
	var picks []string
	for {
		name, ok := LeastLoaded(reps, open)
		if !ok {
			break
		}
		open[name]++
		picks = append(picks, name)
	}
	if len(picks) != 3 || open["anna"] != 2 || open["ben"] != 1 {
		t.Fatalf("picks %v open %v; want 3 picks filling anna 2, ben 1", picks, open)
	}
}
