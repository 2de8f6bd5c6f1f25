package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// inbound: interaction events posted to the operator's HTTP edge (docs/inbound.md), the
// way a CRM or email tool posts them. First many at once for one lead, then many over
// several leads sent to two replicas' edges together (the edge serves on every replica,
// leader or not). Figures: request latency, errors, and events lost: each event's id
// must be found on its lead afterwards, exactly once.
func (b *bench) inbound(ctx context.Context) error {
	const ns = "bench-in"
	c := b.cp.client
	// The first touch is a day away: the leads are quiet, only the events move them.
	f := phaseFixtures{ns: ns, channels: []channelSpec{{name: "hook"}}, firstAfter: 24 * time.Hour}
	if err := b.install(ctx, f); err != nil {
		return err
	}
	leads := []string{"in-one"}
	for i := range b.cfg.inboundLeads {
		leads = append(leads, leadName("in-many", i))
	}
	for i, name := range leads {
		if err := c.Create(ctx, lead(ns, name, policyName("hook"), "", i)); err != nil {
			return err
		}
	}
	second, err := startOperator(b.opBin, "operator-b", b.cp.kubeconfig, b.edgeDir, b.out, strings.Fields(b.cfg.operatorArgs))
	if err != nil {
		return err
	}
	defer second.stop()
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512}}

	// One lead, all at once, to one replica.
	one := make([]event, b.cfg.inboundOne)
	for i := range one {
		one[i] = event{edge: b.op.edgeURL, lead: "in-one", id: fmt.Sprintf("one-%04d", i), kind: eventKinds[i%len(eventKinds)]}
	}
	res, _ := postAll(ctx, hc, ns, one)
	phase := fmt.Sprintf("inbound (%d events, 1 lead)", len(one))
	p99 := res.lat.pct(99)
	b.rep.check(phase, "request p99", fmt.Sprintf("%s (p50 %s, max %s)", ms(p99), ms(res.lat.pct(50)), ms(res.lat.pct(100))),
		"<= 1 s", p99 <= latencyTarget && res.errs == 0)
	b.rep.add(phase, "errors", res.describe())

	// Several leads, both replicas, all at once.
	many := make([]event, b.cfg.inboundMany)
	for i := range many {
		edge := b.op.edgeURL
		if i%2 == 1 {
			edge = second.edgeURL
		}
		many[i] = event{edge: edge, lead: leads[1+i%b.cfg.inboundLeads], id: fmt.Sprintf("many-%04d", i), kind: eventKinds[i%len(eventKinds)]}
	}
	res2, took := postAll(ctx, hc, ns, many)
	phase2 := fmt.Sprintf("inbound (%d events, %d leads, 2 replicas)", len(many), b.cfg.inboundLeads)
	b.rep.add(phase2, "time for all / request p99", fmt.Sprintf("%s / %s", took.Round(time.Millisecond), ms(res2.lat.pct(99))))
	b.rep.check(phase2, "errors", res2.describe(), "0", res2.errs == 0)

	// Lost: what was answered 2xx and is not on its lead once recording settles. A
	// sender that got an error or no answer retries; that is counted under errors.
	lostOne, lostMany := b.lost(ctx, ns, res.accepted), b.lost(ctx, ns, res2.accepted)
	b.rep.check(phase, "events lost (answered 2xx, not recorded)", fmt.Sprintf("%d of %d", lostOne, len(res.accepted)), "0", lostOne == 0)
	b.rep.check(phase2, "events lost (answered 2xx, not recorded)", fmt.Sprintf("%d of %d", lostMany, len(res2.accepted)), "0", lostMany == 0)
	return clearLeads(ctx, c, ns)
}

var eventKinds = []string{"delivered", "read", "note"}

type event struct{ edge, lead, id, kind string }

type postResult struct {
	lat      latencies
	accepted []event // answered 2xx
	errs     int
	status   map[string]int // "201", "503", "connection error"...
}

func (r postResult) describe() string {
	if r.errs == 0 {
		return "0"
	}
	var parts []string
	for k, v := range r.status {
		if !strings.HasPrefix(k, "2") {
			parts = append(parts, fmt.Sprintf("%s x%d", k, v))
		}
	}
	return fmt.Sprintf("%d (%s)", r.errs, strings.Join(parts, ", "))
}

// postAll sends every event at the same moment (one goroutine each, released together).
func postAll(ctx context.Context, hc *http.Client, ns string, evs []event) (postResult, time.Duration) {
	res := postResult{status: map[string]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for _, e := range evs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			start := time.Now()
			code := postEvent(ctx, hc, ns, e)
			d := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			res.lat = append(res.lat, d)
			res.status[code]++
			if strings.HasPrefix(code, "2") {
				res.accepted = append(res.accepted, e)
			} else {
				res.errs++
			}
		}()
	}
	start := time.Now()
	close(gate)
	wg.Wait()
	return res, time.Since(start)
}

func postEvent(ctx context.Context, hc *http.Client, ns string, e event) string {
	body, _ := json.Marshal(map[string]any{"id": e.id, "kind": e.kind, "at": time.Now().UTC().Format(time.RFC3339),
		"medium": "email", "by": "bench-crm"})
	u := fmt.Sprintf("%s/v1/namespaces/%s/leads/%s/interactions", e.edge, ns, e.lead)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return "request error"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+intakeToken)
	resp, err := hc.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err) {
			return "no answer in 30 s"
		}
		return "connection error"
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return fmt.Sprint(resp.StatusCode)
}

// lost waits up to a minute for every event to be found on its lead, then counts the
// missing ones. An event counts as found in the lead's spec or status record, among the
// entries compacted into status.earlier, or as an Interaction object not yet folded in.
func (b *bench) lost(ctx context.Context, ns string, evs []event) int {
	want := map[string]int{}
	for _, e := range evs {
		want[e.lead]++
	}
	deadline := time.Now().Add(time.Minute)
	for {
		missing := 0
		for name, n := range want {
			found, err := b.recorded(ctx, ns, name, evs)
			if err != nil {
				return n
			}
			missing += max(0, n-found)
		}
		if missing == 0 || time.Now().After(deadline) {
			return missing
		}
		time.Sleep(time.Second)
	}
}

// recorded counts the distinct events of evs recorded on one lead.
func (b *bench) recorded(ctx context.Context, ns, name string, evs []event) (int, error) {
	ours := map[string]bool{}
	for _, e := range evs {
		if e.lead == name {
			ours[e.id] = true
		}
	}
	var l v1.Lead
	if err := b.cp.client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &l); err != nil {
		return 0, err
	}
	ids := map[string]bool{}
	for _, e := range append(append([]v1.InteractionEntry{}, l.Spec.Interactions...), l.Status.Interactions...) {
		if ours[e.ID] {
			ids[e.ID] = true
		}
	}
	var pending v1.InteractionList
	if err := b.cp.client.List(ctx, &pending, client.InNamespace(ns)); err == nil {
		for _, in := range pending.Items {
			if in.Spec.Lead == name && ours[in.Spec.ID] {
				ids[in.Spec.ID] = true
			}
		}
	}
	n := len(ids)
	if e := l.Status.Earlier; e != nil {
		// Compacted entries keep only counts (and the latest ids); a pending object
		// already compacted must not count twice.
		n += int(e.Entries)
		for _, id := range e.IDs {
			if ids[id] {
				n--
			}
		}
	}
	return n, nil
}
