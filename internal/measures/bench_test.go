package measures

import (
	"fmt"
	"testing"
	"time"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

func BenchmarkComputeAndBreakdown10k(b *testing.B) {
	leads := make([]v1.Lead, 10000)
	for i := range leads {
		l := withTouches(lead(fmt.Sprint(i), time.Duration(i%160)*time.Hour, time.Duration(i%300)*time.Minute), i%5)
		l.Spec.Source.Keyword = fmt.Sprintf("kw-%d", i%40)
		l.Spec.Source.AdGroup = fmt.Sprintf("ag-%d", i%15)
		l.Spec.Source.Region = []string{"eu", "na", "sea"}[i%3]
		if i%7 == 0 {
			l = won(l, 72*time.Hour, "500", "EUR")
		}
		leads[i] = l
	}
	o := Options{Now: now}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Compute(leads, o)
		for _, d := range []Dimension{ByAdGroup, ByKeyword, ByRegion} {
			Breakdown(leads, d, o)
		}
	}
}
