package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// reqKey is one series of apiserver_request_total that matters to us.
type reqKey struct{ verb, resource, subresource, code string }

// apiCounts is the apiserver's request counters at one instant, or the difference
// between two instants (what happened during a phase).
type apiCounts map[reqKey]float64

func (cp *controlPlane) apiCounts(ctx context.Context) (apiCounts, error) {
	ss, err := cp.scrape(ctx)
	if err != nil {
		return nil, err
	}
	c := apiCounts{}
	for _, s := range ss {
		k := reqKey{s.labels["verb"], s.labels["resource"], s.labels["subresource"], s.labels["code"]}
		c[k] += s.value
	}
	return c, nil
}

func (a apiCounts) minus(b apiCounts) apiCounts {
	d := apiCounts{}
	for k, v := range a {
		if x := v - b[k]; x != 0 {
			d[k] = x
		}
	}
	return d
}

var mutating = map[string]bool{"POST": true, "PUT": true, "PATCH": true, "APPLY": true, "DELETE": true, "DELETECOLLECTION": true}

// count adds the requests that pass keep.
func (a apiCounts) count(keep func(reqKey) bool) float64 {
	var t float64
	for k, v := range a {
		if keep(k) {
			t += v
		}
	}
	return t
}

func isWrite(k reqKey) bool { return mutating[k.verb] }

func statusWrites(resource string) func(reqKey) bool {
	return func(k reqKey) bool { return isWrite(k) && k.resource == resource && k.subresource == "status" }
}

func conflicts(keep func(reqKey) bool) func(reqKey) bool {
	return func(k reqKey) bool { return keep(k) && k.code == "409" }
}

// eventWrites counts core and events.k8s.io events (created, or patched as a series).
func eventWrites(k reqKey) bool { return isWrite(k) && k.resource == "events" }

func secretReads(k reqKey) bool { return k.verb == "GET" && k.resource == "secrets" }

// apiCost is one phase's writes, split the way the targets are stated.
type apiCost struct {
	leadStatus, leadStatusConflicts float64
	events                          float64
	campaignStatus, campaignConf    float64
	secretReads                     float64
	other                           float64
	otherDetail                     string
}

// costOf splits a phase's requests. The benchmark's own writes (lead creates, and the
// inbound edge's interaction writes are the operator's) are left out of "other";
// leases are leader election, paid per second, not per touch, so they are left out too.
func costOf(d apiCounts) apiCost {
	c := apiCost{
		leadStatus:          d.count(statusWrites("leads")),
		leadStatusConflicts: d.count(conflicts(statusWrites("leads"))),
		events:              d.count(eventWrites),
		campaignStatus:      d.count(statusWrites("campaigns")),
		campaignConf:        d.count(conflicts(statusWrites("campaigns"))),
		secretReads:         d.count(secretReads),
	}
	other := map[string]float64{}
	for k, v := range d {
		if !isWrite(k) || k.resource == "leases" || k.resource == "events" ||
			(k.resource == "leads" && (k.subresource == "status" || k.verb == "POST")) ||
			(k.resource == "campaigns" && k.subresource == "status") {
			continue
		}
		c.other += v
		name := k.resource
		if k.subresource != "" {
			name += "/" + k.subresource
		}
		other[k.verb+" "+name] += v
	}
	c.otherDetail = describe(other)
	return c
}

// describe lists counts largest first: "PUT channels/status 3, DELETE interactions 2".
func describe(m map[string]float64) string {
	type kv struct {
		k string
		v float64
	}
	var l []kv
	for k, v := range m {
		l = append(l, kv{k, v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v || (l[i].v == l[j].v && l[i].k < l[j].k) })
	var parts []string
	for i, e := range l {
		if i == 4 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.0f", e.k, e.v))
	}
	return strings.Join(parts, ", ")
}
