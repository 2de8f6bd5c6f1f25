package edge_test

import (
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

var second struct {
	once sync.Once
	url  string
	err  error
}

// secondReplica is another operator replica's edge (its own manager and cache) on the
// same control plane, as two pods behind one Service.
func secondReplica(t testing.TB) string {
	t.Helper()
	up(t)
	second.once.Do(func() {
		s, _, err := replica(suiteCtx)
		if err != nil {
			second.err = err
			return
		}
		hs := httptest.NewServer(s)
		go func() { <-suiteCtx.Done(); hs.Close() }()
		second.url = hs.URL
	})
	if second.err != nil {
		t.Fatal(second.err)
	}
	return second.url
}

// TestTwoReplicasFiveHundredEventsTenLeads: 500 events over 10 leads at once, every
// other one through the second replica, then all 500 again (a provider's redelivery):
// no request fails, every event is stored exactly once.
func TestTwoReplicasFiveHundredEventsTenLeads(t *testing.T) {
	other := secondReplica(t)
	var leads []string
	for i := range 10 {
		name := fmt.Sprintf("replicas-%d", i)
		leadWith(t, name, 0)
		leads = append(leads, name)
	}
	send := func(want int) []time.Duration {
		return burstTo(t, 500, func(j int) (string, string, any) {
			base := srv.URL
			if j%2 == 1 {
				base = other
			}
			return base, "/v1/namespaces/edge/leads/" + leads[j%10] + "/interactions",
				map[string]any{"id": fmt.Sprintf("r-%d", j), "kind": []string{"reply", "read", "delivered", "meeting", "note"}[j%5], "text": "lead time?"}
		}, want)
	}
	start := time.Now()
	p50, p99 := percentiles(send(201))
	t.Logf("500 events over 10 leads via two replicas: %v (p50 %v, p99 %v)", time.Since(start).Round(time.Millisecond),
		p50.Round(time.Millisecond), p99.Round(time.Millisecond))
	send(200)
	stored := 0
	for _, name := range leads {
		got := recorded(t, ns, name)
		ids := map[string]bool{}
		for _, in := range got {
			ids[in.ID] = true
		}
		if len(got) != 50 || len(ids) != 50 {
			t.Errorf("%s: %d entries, %d ids, want 50", name, len(got), len(ids))
		}
		stored += len(ids)
	}
	if stored != 500 {
		t.Errorf("%d of 500 events stored (%d lost)", stored, 500-stored)
	}
}
