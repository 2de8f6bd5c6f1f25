package measures

import (
	"fmt"
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func TestBreakdownTopNAndOther(t *testing.T) {
	var leads []v1.Lead
	add := func(kw string, n int) {
		for i := 0; i < n; i++ {
			l := lead(fmt.Sprintf("%s-%d", kw, i), time.Hour, time.Minute)
			l.Spec.Source.Keyword = kw
			leads = append(leads, l)
		}
	}
	add("shoes", 5)
	add("boots", 3)
	add("aaa", 3) // ties with boots: key order decides
	add("socks", 2)
	add("hats", 1)
	gs := Breakdown(leads, ByKeyword, Options{Now: now, TopN: 3})
	var got []string
	for _, g := range gs {
		got = append(got, fmt.Sprintf("%s:%d", g.Key, g.Leads))
	}
	want := "[shoes:5 aaa:3 boots:3 (other):3]"
	if fmt.Sprint(got) != want {
		t.Fatalf("breakdown = %v, want %s", got, want)
	}
	if gs[3].Contacted != 3 || gs[3].MeanFirstResponse != time.Minute {
		t.Fatalf("(other) must be measured over its leads: %+v", gs[3].Measures)
	}
	// Default TopN is 10: five keys, no (other).
	if gs := Breakdown(leads, ByKeyword, Options{Now: now}); len(gs) != 5 {
		t.Fatalf("default top N: %d groups, want 5", len(gs))
	}
	if gs := Breakdown(nil, ByRegion, Options{Now: now}); len(gs) != 0 {
		t.Fatalf("empty breakdown: %v", gs)
	}
}
