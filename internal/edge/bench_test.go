package edge_test

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// BenchmarkRecordInteraction: one event through the whole edge (HTTP, auth, uncached
// read, optimistic update on a real API server); a fresh lead every 100 events keeps
// the record below its bound.
func BenchmarkRecordInteraction(b *testing.B) {
	var name string
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%100 == 0 {
			b.StopTimer()
			name = fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i)
			leadWith(b, name, 0)
			b.StartTimer()
		}
		code, body := post(b, "/v1/namespaces/edge/leads/"+name+"/interactions",
			map[string]any{"id": fmt.Sprintf("b-%d", i), "kind": "reply", "text": "What is the lead time?"}, auth)
		if code != 201 {
			b.Fatalf("%d %v", code, body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkBurstOfFiftyOnOneLead: 50 events for one lead at once, the conflict-heavy case.
func BenchmarkBurstOfFiftyOnOneLead(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		name := fmt.Sprintf("burst-%d-%d", time.Now().UnixNano(), i)
		leadWith(b, name, 0)
		b.StartTimer()
		var wg sync.WaitGroup
		for j := 0; j < 50; j++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if code, body := post(b, "/v1/namespaces/edge/leads/"+name+"/interactions",
					map[string]any{"id": fmt.Sprintf("e-%d", j), "kind": "read"}, auth); code != 201 {
					b.Errorf("%d %v", code, body)
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/burst")
}
