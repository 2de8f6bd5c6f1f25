package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Size targets: a lead as stored in etcd.
const (
	typicalTarget = 16 << 10
	maxTarget     = 64 << 10
)

// Field managers of the writers whose writes the size phase imitates.
var (
	asOperator = client.FieldOwner("followup-operator")
	asEdge     = client.FieldOwner("followup-edge")
)

// leadSize builds long-lived leads the way their writers do, in many writes (so
// managedFields grow as in life), and reads their stored size:
//   - 40 touches and 200 interactions recorded through Interaction objects: the status
//     keeps the latest 60, the rest are compacted into counts and 60 ids;
//   - 40 touches and spec.interactions full (MaxInteractions entries: imported, or
//     recorded before lifecycle v2);
//   - every list at its API bound at once: the largest lead the API accepts.
func (b *bench) leadSize(ctx context.Context) error {
	const ns = "bench-size"
	c := b.cp.client
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return err
	}
	at := metav1.NewTime(time.Now().UTC().Truncate(time.Second))
	cases := []struct {
		name, figure       string
		spec, status, full bool
	}{
		{"status", "after 40 touches + 200 interactions via Interaction objects", false, true, false},
		{"spec", fmt.Sprintf("after 40 touches + %d interactions in spec.interactions (its bound)", v1.MaxInteractions), true, false, false},
		{"bound", "every list at its API bound (the largest lead possible)", true, true, true},
	}
	for i, cs := range cases {
		l := lead(ns, cs.name, "via-hook", "", i)
		if err := c.Create(ctx, l); err != nil {
			return err
		}
		if cs.spec {
			if err := appendSpecInteractions(ctx, c, l, at); err != nil {
				return err
			}
		}
		if err := writeTouches(ctx, c, l, at); err != nil {
			return err
		}
		if cs.status {
			l.Status.Interactions, l.Status.Earlier = nil, &v1.EarlierInteractions{Through: at, Entries: 140, Replies: 35, Delivered: 35, Read: 35}
			for i := range v1.MaxRecentInteractions {
				l.Status.Earlier.IDs = append(l.Status.Earlier.IDs, interaction(1000+i, at).ID)
				l.Status.Interactions = append(l.Status.Interactions, interaction(2000+i, at))
			}
		}
		if cs.full {
			for i := range v1.MaxNoticeRecords {
				l.Status.Notices = append(l.Status.Notices, notice(i, at))
			}
		}
		if err := c.Status().Update(ctx, l, asOperator); err != nil {
			return fmt.Errorf("%s lead: %w", cs.name, err)
		}
		n, err := b.objectBytes(ctx, ns, cs.name)
		if err != nil {
			return err
		}
		b.rep.check("size", cs.figure, kib(float64(n)), "<= 64 KiB", n <= maxTarget)
	}
	return clearLeads(ctx, c, ns)
}

// appendSpecInteractions appends MaxInteractions interactions, ten per write as a busy webhook
// would (the list is atomic: managedFields hold one entry for it however it grew).
func appendSpecInteractions(ctx context.Context, c client.Client, l *v1.Lead, at metav1.Time) error {
	for i := range v1.MaxInteractions {
		l.Spec.Interactions = append(l.Spec.Interactions, interaction(i, at))
		if (i+1)%10 == 0 {
			if err := c.Update(ctx, l, asEdge); err != nil {
				return fmt.Errorf("interaction %d: %w", i+1, err)
			}
		}
	}
	return nil
}

// writeTouches records 40 touches, ten per write (an atomic list again: the size does
// not depend on how many writes made it, and fewer writes keep the phase short).
func writeTouches(ctx context.Context, c client.Client, l *v1.Lead, at metav1.Time) error {
	l.Status = touchedStatus(l.Generation, at.Time)
	l.Status.Touches = nil
	for i := range v1.MaxTouchRecords {
		l.Status.Touches = append(l.Status.Touches, touch(i+1, at))
		if (i+1)%10 == 0 {
			if err := c.Status().Update(ctx, l, asOperator); err != nil {
				return fmt.Errorf("touch %d: %w", i+1, err)
			}
		}
	}
	return nil
}

// objectBytes is a lead's size as the API server stores it: its JSON as served
// (custom resources are stored as JSON in etcd), managedFields included.
func (b *bench) objectBytes(ctx context.Context, ns, name string) (int, error) {
	u := fmt.Sprintf("%s/apis/followup.io/v1alpha1/namespaces/%s/leads/%s", b.cp.host, ns, name)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := b.cp.metrics.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET lead %s/%s: HTTP %d", ns, name, resp.StatusCode)
	}
	return len(body), nil
}

// typicalSize samples up to 200 of a phase's leads: the median and the largest.
func (b *bench) typicalSize(ctx context.Context, ns string, names []string) (median, largest int, err error) {
	sort.Strings(names)
	if len(names) > 200 {
		step := len(names) / 200
		var s []string
		for i := 0; i < len(names); i += step {
			s = append(s, names[i])
		}
		names = s
	}
	var sizes []int
	for _, n := range names {
		sz, err := b.objectBytes(ctx, ns, n)
		if err != nil {
			return 0, 0, err
		}
		sizes = append(sizes, sz)
	}
	if len(sizes) == 0 {
		return 0, 0, fmt.Errorf("no leads to sample")
	}
	sort.Ints(sizes)
	return sizes[len(sizes)/2], sizes[len(sizes)-1], nil
}
