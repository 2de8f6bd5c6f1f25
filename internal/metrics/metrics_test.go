package metrics

import (
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

func TestRecordersSetValues(t *testing.T) {
	TouchRecorded("sales", "b2b", "email-eu", "Sent")
	TouchRecorded("sales", "b2b", "email-eu", "Sent")
	if got := testutil.ToFloat64(touches.WithLabelValues("sales", "b2b", "email-eu", "Sent")); got != 2 {
		t.Fatalf("touches = %v, want 2", got)
	}
	DispatchObserved("sales", "email-eu", "SMTP", "sent", 120*time.Millisecond)
	DispatchObserved("sales", "email-eu", "SMTP", "transient", time.Second)
	if got := testutil.ToFloat64(dispatchErrors.WithLabelValues("sales", "email-eu", "SMTP", "transient")); got != 1 {
		t.Fatalf("dispatch errors = %v, want 1", got)
	}
	if n := testutil.CollectAndCount(dispatchErrors); n != 1 {
		t.Fatalf("a successful send must not create an error series: %d series", n)
	}
	lb := LeadLabels{namespace: "sales", campaign: "spring", policy: "b2b", tier: "hot", region: "eu"}
	FirstContact(lb, 10*time.Minute, true)
	FirstContact(lb, 30*time.Hour, false)
	if got := testutil.ToFloat64(sla.WithLabelValues("sales", "spring", "b2b", "hot", "eu", "breached")); got != 1 {
		t.Fatalf("breached = %v, want 1", got)
	}
	ReplyRecorded(lb, 3)
	ReplyRecorded(lb, 9)
	if got := testutil.ToFloat64(replies.WithLabelValues("sales", "spring", "unknown")); got != 1 {
		t.Fatalf("out-of-range quality must be bounded to unknown, got %v", got)
	}
}

func TestCampaignGaugesReplacedAndDeleted(t *testing.T) {
	SetCampaign("sales", "autumn", map[string]int{"Contacting": 3, "New": 1}, map[string]float64{"leads": 4, "roas": 2.5})
	SetCampaign("sales", "autumn", map[string]int{"Contacting": 2}, map[string]float64{"leads": 4})
	SetCampaign("sales", "winter", map[string]int{"New": 7}, nil)
	if got := testutil.ToFloat64(leadsByState.WithLabelValues("sales", "autumn", "Contacting")); got != 2 {
		t.Fatalf("contacting = %v, want 2", got)
	}
	DeleteCampaign("sales", "autumn")
	if n := testutil.CollectAndCount(leadsByState); n != 1 {
		t.Fatalf("after delete %d lead series left, want only winter's 1", n)
	}
	if n := testutil.CollectAndCount(campaignMeasure); n != 0 {
		t.Fatalf("after delete %d measure series left, want 0", n)
	}
}

// TestScrapeHasNoPII serves the controller-runtime registry over real HTTP on loopback,
// parses the exposition and checks every label value looks like a name, never an email or phone.
func TestScrapeHasNoPII(t *testing.T) {
	FirstContact(LeadLabels{namespace: "sales", campaign: "spring", policy: "b2b", tier: "hot", region: "eu"}, time.Minute, true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: promhttp.HandlerFor(ctrlmetrics.Registry, promhttp.HandlerOpts{}), ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(body)
	if !strings.Contains(text, NameFirstResponse+"_bucket{") {
		t.Fatalf("scrape lacks %s", NameFirstResponse)
	}
	labelValue := regexp.MustCompile(`="([^"]*)"`)
	pii := regexp.MustCompile(`@|\+?[0-9][0-9 ]{7,}`)
	seen := 0
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "followup_") {
			continue
		}
		for _, m := range labelValue.FindAllStringSubmatch(line, -1) {
			seen++
			if pii.MatchString(m[1]) {
				t.Errorf("label value %q looks personal in %q", m[1], line)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no followup_ label values parsed")
	}
}
