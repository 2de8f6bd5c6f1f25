// Command archivebench prints the lead archive's figures (issue 15): it starts a real
// PostgreSQL (internal/testenv, initdb on loopback, the server's default settings:
// fsync and synchronous commit on) and archives N realistic closed leads (10 touches,
// 20 interactions, conditions, an outcome) through the store's Put, the call the
// retention controller makes; then it times `kubectl followup history`'s archive
// queries by email and by lead name over the full table, measures the database size
// per lead, and finally archives a sample of leads created in a real kube-apiserver and
// etcd through the retention controller, reading etcd's database size before and after
// (compacted and defragmented, so the figure is what the leads occupy).
//
// It is a benchmark, not a test: it always prints its table and exits 0 once it has.
//
//	go run ./test/archivebench                    # 100,000 leads (make bench-archive)
//	BENCH_QUICK=1 go run ./test/archivebench      # 10,000 leads
//
// BENCH_ARCHIVE_LEADS=N overrides the count, BENCH_ARCHIVE_WORKERS the concurrent
// writers (default 4, the pool's default size on a small machine),
// BENCH_ARCHIVE_ETCD_LEADS the control-plane sample (default 2000; 0 skips it),
// BENCH_ARCHIVE_QUERIES the history queries of each kind (default 500).
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/uuid"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/archive"
	"github.com/followup-io/followup-operator/internal/contactkey"
	"github.com/followup-io/followup-operator/internal/testenv"
)

type config struct {
	leads, workers, etcdLeads, queries int
	quick                              bool
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v >= 0 {
		return v
	}
	return def
}

func main() {
	ctrl.SetLogger(zap.New(zap.WriteTo(io.Discard)))
	cfg := config{quick: os.Getenv("BENCH_QUICK") != ""}
	def := 100000
	if cfg.quick {
		def = 10000
	}
	cfg.leads = envInt("BENCH_ARCHIVE_LEADS", def)
	cfg.workers = max(1, envInt("BENCH_ARCHIVE_WORKERS", 4))
	cfg.etcdLeads = envInt("BENCH_ARCHIVE_ETCD_LEADS", 2000)
	cfg.queries = max(1, envInt("BENCH_ARCHIVE_QUERIES", 500))
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "archivebench:", err)
		os.Exit(1)
	}
}

// figures is what gets printed.
type figures struct {
	leads, workers         int
	loadTime               time.Duration
	leadJSON               int // bytes of one lead as archived (JSON), median
	emailP50, emailP95     time.Duration
	emailMax               time.Duration
	emailRows              float64
	nameP50, nameP95       time.Duration
	nameMax                time.Duration
	queries                int
	dbBytes, leadsBytes    int64
	keysBytes              int64
	etcdLeads              int
	etcdEmpty, etcdFull    etcdStatus
	etcdAfter              etcdStatus
	etcdArchiveTime        time.Duration
	etcdArchived, etcdLeft int
	etcdErr                error
}

func run(ctx context.Context, cfg config) error {
	pg, err := testenv.StartPostgres()
	if err != nil {
		return err
	}
	defer func() { _ = pg.Stop() }()
	dsn, err := pg.CreateDatabase("bench")
	if err != nil {
		return err
	}
	store, err := archive.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		return err
	}
	f := &figures{leads: cfg.leads, workers: cfg.workers, queries: cfg.queries}

	// 1. Archive throughput.
	gen := newGenerator(cfg.leads)
	now := time.Now().UTC().Truncate(time.Second)
	fmt.Fprintf(os.Stderr, "archiving %d leads with %d writers...\n", cfg.leads, cfg.workers)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	start := time.Now()
	var wg sync.WaitGroup
	for range cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= cfg.leads || ctx.Err() != nil {
					return
				}
				l := gen.lead(i, now)
				if _, err := store.Put(ctx, archive.NewRecord(l, nil), now); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				if i > 0 && i%20000 == 0 {
					fmt.Fprintf(os.Stderr, "  %d archived (%.0f/s)\n", i, float64(i)/time.Since(start).Seconds())
				}
			}
		}()
	}
	wg.Wait()
	f.loadTime = time.Since(start)
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f.leadJSON = gen.medianJSON(now)

	// Statistics as autovacuum's analyze would have them by now on a live server.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&pgVersionText)
	for _, t := range []string{"followup.leads", "followup.contact_keys"} {
		if _, err := conn.Exec(ctx, "VACUUM ANALYZE "+t); err != nil {
			return err
		}
	}

	// 2. History queries over the full table: the archive calls of
	// `kubectl followup history --email X` (ByContact with the email's key) and of
	// `kubectl followup history LEAD` (ByName, then ByContact with its identity).
	rng := rand.New(rand.NewPCG(7, 11))
	var byEmail, byName []time.Duration
	rows := 0
	for range cfg.queries {
		i := rng.IntN(cfg.leads)
		key, _ := contactkey.ForEmail(gen.email(gen.contactOf(i)))
		t0 := time.Now()
		recs, err := store.ByContact(ctx, []string{gen.namespace(i)}, []contactkey.Key{key})
		if err != nil {
			return err
		}
		byEmail = append(byEmail, time.Since(t0))
		if len(recs) == 0 {
			return fmt.Errorf("history by email found nothing for lead %d", i)
		}
		rows += len(recs)
	}
	f.emailRows = float64(rows) / float64(cfg.queries)
	for range cfg.queries {
		i := rng.IntN(cfg.leads)
		t0 := time.Now()
		recs, err := store.ByName(ctx, []string{gen.namespace(i)}, gen.name(i))
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return fmt.Errorf("history by name found nothing for lead %d", i)
		}
		if _, err := store.ByContact(ctx, []string{gen.namespace(i)}, contactkey.Identity(recs[0].Lead.Spec.Contact)); err != nil {
			return err
		}
		byName = append(byName, time.Since(t0))
	}
	f.emailP50, f.emailP95, f.emailMax = percentiles(byEmail)
	f.nameP50, f.nameP95, f.nameMax = percentiles(byName)

	// 3. Size on disk.
	sz, err := store.Size(ctx)
	if err != nil {
		return err
	}
	f.dbBytes = sz.Bytes
	if err := conn.QueryRow(ctx, `SELECT pg_total_relation_size('followup.leads'), pg_total_relation_size('followup.contact_keys')`).
		Scan(&f.leadsBytes, &f.keysBytes); err != nil {
		return err
	}
	_ = conn.Close(ctx)

	// 4. etcd before and after, through the retention controller.
	if cfg.etcdLeads > 0 {
		f.etcdLeads = cfg.etcdLeads
		f.etcdErr = etcdPhase(ctx, pg, cfg, f)
	}
	printFigures(os.Stdout, cfg, f)
	return nil
}

func percentiles(ds []time.Duration) (p50, p95, maxd time.Duration) {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	return at(0.50), at(0.95), ds[len(ds)-1]
}

// generator makes realistic closed leads: four sales namespaces, 3 leads in 4 from a
// contact's only lead and the rest from returning contacts, twenty contacts per company
// domain, ten touches and twenty interactions each.
type generator struct {
	n, contacts int
	campaigns   []string
}

func newGenerator(n int) *generator {
	return &generator{n: n, contacts: max(1, n*3/4),
		campaigns: []string{"search-brand-de", "search-generic-de", "pmax-eu", "linkedin-cfo", "webinar-q3", "partner-referral"}}
}

func (g *generator) contactOf(i int) int { return i % g.contacts }

// namespace keeps a contact's leads together (history looks in one namespace).
func (g *generator) namespace(i int) string {
	return fmt.Sprintf("sales-%d", g.contactOf(i)%4)
}
func (g *generator) name(i int) string { return fmt.Sprintf("lead-%07d", i) }
func (g *generator) email(c int) string {
	return fmt.Sprintf("buyer.%07d@company-%05d.example", c, c/20)
}

func (g *generator) lead(i int, now time.Time) *v1.Lead {
	c := g.contactOf(i)
	rng := rand.New(rand.NewPCG(uint64(i), 42))
	submitted := now.Add(-time.Duration(90+rng.IntN(700)) * 24 * time.Hour).Add(time.Duration(rng.IntN(86400)) * time.Second)
	if i >= g.contacts { // the contact's return comes later
		submitted = submitted.Add(-time.Duration(rng.IntN(30)) * 24 * time.Hour)
	}
	at := func(h int) metav1.Time { return metav1.NewTime(submitted.Add(time.Duration(h) * time.Hour)) }
	sub := metav1.NewTime(submitted)
	campaign := g.campaigns[c%len(g.campaigns)]
	l := &v1.Lead{
		TypeMeta: metav1.TypeMeta{APIVersion: v1.GroupVersion.String(), Kind: "Lead"},
		ObjectMeta: metav1.ObjectMeta{Name: g.name(i), Namespace: g.namespace(i), UID: types.UID(uuid.NewUUID()),
			ResourceVersion: strconv.Itoa(100000 + i*7), Generation: 3, CreationTimestamp: sub,
			Labels: map[string]string{"followup.io/campaign": campaign, "followup.io/region": "eu"}},
		Spec: v1.LeadSpec{
			Contact: v1.Contact{Name: fmt.Sprintf("Buyer %07d", c), Company: fmt.Sprintf("Company %05d GmbH", c/20),
				Email: g.email(c), Phone: fmt.Sprintf("+49151%08d", c), Country: "DE", TimeZone: "Europe/Berlin"},
			Source: v1.LeadSource{Campaign: campaign, AdGroup: "ag-" + strconv.Itoa(c%37), Keyword: "crm follow up software",
				Region: "eu", Form: "demo-request", SubmittedAt: &sub, ExternalID: fmt.Sprintf("gads-%012d", i),
				ClickIDs: &v1.ClickIDs{GCLID: fmt.Sprintf("Cj0KCQjw%032dEAAYASAAEgJ", i)}},
			Tier: "standard", Product: "crm-suite", Policy: "standard-eu",
			Value: &v1.Money{Amount: strconv.Itoa(1000 * (1 + c%40)), Currency: "EUR"},
		},
	}
	st := v1.LeadStatus{ObservedGeneration: 3, Policy: "standard-eu", Owner: fmt.Sprintf("rep-%02d", c%12),
		StepsRevision: "5d41402abc4b", Round: 0, Steps: 10}
	for n := 1; n <= 10; n++ {
		t := at(2 + n*40)
		st.Touches = append(st.Touches, v1.TouchRecord{Number: int32(n), Step: fmt.Sprintf("step-%02d", n), Channel: "email-eu",
			Template: fmt.Sprintf("t%02d", n), Due: t, PerformedAt: &t, Result: v1.TouchSent, PerformedBy: v1.PerformedByAutomation,
			Key: fmt.Sprintf("%016x", uint64(i)<<8|uint64(n)), MessageID: fmt.Sprintf("<%016x.%d@mail.followup.example>", i, n)})
	}
	kinds := []v1.InteractionKind{v1.InteractionDelivered, v1.InteractionRead, v1.InteractionDelivered, v1.InteractionRead, v1.InteractionReply}
	for n := range 20 {
		e := v1.InteractionEntry{At: at(3 + n*20), Kind: kinds[n%len(kinds)], Medium: "Email", Direction: v1.Outbound,
			ID: fmt.Sprintf("evt-%016x-%02d", i, n), By: "email-webhook", TouchKey: fmt.Sprintf("%016x", uint64(i)<<8|uint64(1+n/2))}
		if e.Kind == v1.InteractionReply {
			q := int32(1 + n%3)
			e.Quality, e.Direction = &q, v1.Inbound
		}
		st.Interactions = append(st.Interactions, e)
	}
	first := at(42)
	st.FirstResponse = v1.FirstResponseStatus{State: v1.SLAMet, ContactedAt: &first, Summary: "Met (42h0m0s)"}
	st.Engagement.Delivered, st.Engagement.Replies = 8, 4
	closed := at(24 * 45)
	if c%3 == 0 {
		l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeWon, At: closed, Value: &v1.Money{Amount: "12000", Currency: "EUR"}}
		st.Phase, st.Stage = v1.PhaseWon, "won"
	} else {
		l.Spec.Outcome = &v1.Outcome{Result: v1.OutcomeLost, At: closed, Reason: "chose a competitor"}
		st.Phase, st.Stage = v1.PhaseLost, "lost: chose a competitor"
	}
	cond := func(typ string, s metav1.ConditionStatus, reason, msg string) metav1.Condition {
		return metav1.Condition{Type: typ, Status: s, Reason: reason, Message: msg, ObservedGeneration: 3, LastTransitionTime: closed}
	}
	st.Conditions = []metav1.Condition{
		cond(v1.ConditionReady, metav1.ConditionTrue, "Closed", st.Stage),
		cond(v1.ConditionFirstResponseSLA, metav1.ConditionTrue, v1.ReasonSLAMet, "first contact 42h after submission"),
		cond(v1.ConditionEngaged, metav1.ConditionTrue, "Replied", "4 replies; 8 delivered"),
		cond(v1.ConditionDormant, metav1.ConditionFalse, v1.ReasonActive, st.Stage),
		cond(v1.ConditionClosed, metav1.ConditionTrue, string(l.Spec.Outcome.Result), "lead is closed"),
	}
	l.Status = st
	return l
}

func (g *generator) medianJSON(now time.Time) int {
	var sizes []int
	for i := 0; i < min(g.n, 101); i++ {
		r := archive.NewRecord(g.lead(i, now), nil)
		b, _ := jsonMarshal(&r.Lead)
		sizes = append(sizes, len(b))
	}
	sort.Ints(sizes)
	return sizes[len(sizes)/2]
}
