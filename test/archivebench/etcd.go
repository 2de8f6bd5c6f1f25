package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/testenv"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// etcdStatus is etcd's own account of its database file (Maintenance.Status, read
// through etcd's JSON gateway): dbSize is the file, dbSizeInUse the pages holding data.
type etcdStatus struct {
	DBSize, InUse int64
	Revision      int64
}

type etcdClient struct{ base string }

func (e etcdClient) call(ctx context.Context, path string, body any, out any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("etcd %s: HTTP %d: %s", path, resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func (e etcdClient) status(ctx context.Context) (etcdStatus, error) {
	var s struct {
		Header struct {
			Revision string `json:"revision"`
		} `json:"header"`
		DBSize      string `json:"dbSize"`
		DBSizeInUse string `json:"dbSizeInUse"`
	}
	if err := e.call(ctx, "/v3/maintenance/status", map[string]any{}, &s); err != nil {
		return etcdStatus{}, err
	}
	var st etcdStatus
	st.DBSize, _ = strconv.ParseInt(s.DBSize, 10, 64)
	st.InUse, _ = strconv.ParseInt(s.DBSizeInUse, 10, 64)
	st.Revision, _ = strconv.ParseInt(s.Header.Revision, 10, 64)
	return st, nil
}

// settled compacts etcd's history up to now and defragments it, then reads the status:
// the size the live keys need, without old revisions and free pages (what an
// operator's periodic compaction and defrag would leave).
func (e etcdClient) settled(ctx context.Context) (etcdStatus, error) {
	st, err := e.status(ctx)
	if err != nil {
		return st, err
	}
	err = e.call(ctx, "/v3/kv/compaction", map[string]any{"revision": strconv.FormatInt(st.Revision, 10), "physical": true}, nil)
	if err != nil && !strings.Contains(err.Error(), "compacted") {
		return st, err
	}
	if err := e.call(ctx, "/v3/maintenance/defragment", map[string]any{}, nil); err != nil {
		return st, err
	}
	return e.status(ctx)
}

// etcdPhase creates the sample of closed leads in a real control plane, then lets the
// retention controller archive every one (into a database of its own) and delete it,
// and reads etcd's size before the leads, with them, and after archiving.
func etcdPhase(ctx context.Context, pg *testenv.Postgres, cfg config, f *figures) error {
	fmt.Fprintf(os.Stderr, "starting a control plane for the etcd sample of %d leads...\n", cfg.etcdLeads)
	env, err := testenv.Start()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	etcd := etcdClient{base: strings.TrimSuffix(env.EtcdURL(), "/")}
	if etcd.base == "" {
		return fmt.Errorf("no etcd URL")
	}
	rc := *env.Config
	rc.QPS, rc.Burst = 400, 800
	c, err := client.New(&rc, client.Options{Scheme: env.Scheme})
	if err != nil {
		return err
	}
	if f.etcdEmpty, err = etcd.settled(ctx); err != nil {
		return err
	}
	ns := "sales-etcd"
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return err
	}
	gen := newGenerator(cfg.etcdLeads)
	now := time.Now().UTC().Truncate(time.Second)
	if err := parallel(ctx, cfg.etcdLeads, 8, func(i int) error {
		src := gen.lead(i, now)
		l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: src.Name, Namespace: ns, Labels: src.Labels}, Spec: src.Spec}
		if err := c.Create(ctx, l); err != nil {
			return fmt.Errorf("creating lead %d: %w", i, err)
		}
		l.Status = src.Status
		l.Status.ObservedGeneration = l.Generation
		if err := c.Status().Update(ctx, l); err != nil {
			return fmt.Errorf("writing the status of lead %d: %w", i, err)
		}
		return nil
	}); err != nil {
		return err
	}
	if f.etcdFull, err = etcd.settled(ctx); err != nil {
		return err
	}

	dsn, err := pg.CreateDatabase("etcdsample")
	if err != nil {
		return err
	}
	store, err := archive.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	r := &controllers.RetentionReconciler{Client: c, APIReader: c, Archive: store, Clock: clock.RealClock{}}
	start := time.Now()
	if err := parallel(ctx, cfg.etcdLeads, cfg.workers, func(i int) error {
		_, err := r.Reconcile(ctx, ctrl.Request{NamespacedName: client.ObjectKey{Namespace: ns, Name: gen.name(i)}})
		return err
	}); err != nil {
		return err
	}
	f.etcdArchiveTime = time.Since(start)
	var left v1.LeadList
	if err := c.List(ctx, &left, client.InNamespace(ns)); err != nil {
		return err
	}
	f.etcdLeft = len(left.Items)
	sz, err := store.Size(ctx)
	if err != nil {
		return err
	}
	f.etcdArchived = int(sz.Leads)
	f.etcdAfter, err = etcd.settled(ctx)
	return err
}

// parallel runs fn for 0..n-1 on workers goroutines; the first error stops it.
func parallel(ctx context.Context, n, workers int, fn func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() && ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err; stop.Store(true) })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func printFigures(w io.Writer, cfg config, f *figures) {
	mode := "full"
	if cfg.quick {
		mode = "quick"
	}
	verdict := func(d time.Duration) string {
		if d < 100*time.Millisecond {
			return "met (< 100 ms)"
		}
		return "MISSED (target < 100 ms)"
	}
	fmt.Fprintf(w, "\nLead archive figures (%s mode; PostgreSQL %s, default settings, loopback)\n\n", mode, pgVersion())
	fmt.Fprintf(w, "| figure | value | note |\n|---|---|---|\n")
	fmt.Fprintf(w, "| leads archived | %d | Store.Put, %d concurrent writers, a lead of 10 touches and 20 interactions (%d bytes of JSON) |\n",
		f.leads, f.workers, f.leadJSON)
	fmt.Fprintf(w, "| archive throughput | %.0f leads/s | %s for all, each Put one committed transaction |\n",
		float64(f.leads)/f.loadTime.Seconds(), f.loadTime.Round(time.Millisecond))
	fmt.Fprintf(w, "| history by email, p50 / p95 / max | %s / %s / %s | %s; %d queries, %.1f archived leads per contact |\n",
		ms(f.emailP50), ms(f.emailP95), ms(f.emailMax), verdict(f.emailP95), f.queries, f.emailRows)
	fmt.Fprintf(w, "| history by lead name, p50 / p95 / max | %s / %s / %s | %s; ByName then ByContact, %d queries |\n",
		ms(f.nameP50), ms(f.nameP95), ms(f.nameMax), verdict(f.nameP95), f.queries)
	fmt.Fprintf(w, "| database size | %s | leads %s, contact keys %s (pg_total_relation_size: heap, TOAST, indexes) |\n",
		mib(f.dbBytes), mib(f.leadsBytes), mib(f.keysBytes))
	fmt.Fprintf(w, "| database size per lead | %.0f bytes | |\n", float64(f.dbBytes)/float64(max(1, f.leads)))
	if f.etcdLeads > 0 {
		if f.etcdErr != nil {
			fmt.Fprintf(w, "| etcd sample | failed | %v |\n", f.etcdErr)
		} else {
			fmt.Fprintf(w, "| etcd, no leads | %s (in use %s) | compacted and defragmented |\n", mib(f.etcdEmpty.DBSize), mib(f.etcdEmpty.InUse))
			fmt.Fprintf(w, "| etcd, %d closed leads | %s (in use %s) | +%.0f bytes per lead over no leads |\n", f.etcdLeads,
				mib(f.etcdFull.DBSize), mib(f.etcdFull.InUse), float64(f.etcdFull.DBSize-f.etcdEmpty.DBSize)/float64(f.etcdLeads))
			fmt.Fprintf(w, "| etcd, after archiving them | %s (in use %s) | %d archived, %d left in the cluster; retention controller %.0f leads/s (Put + delete) |\n",
				mib(f.etcdAfter.DBSize), mib(f.etcdAfter.InUse), f.etcdArchived, f.etcdLeft, float64(f.etcdLeads)/f.etcdArchiveTime.Seconds())
		}
	}
	fmt.Fprintln(w)
}

var pgVersionText string

func pgVersion() string {
	if pgVersionText == "" {
		return "?"
	}
	return pgVersionText
}
