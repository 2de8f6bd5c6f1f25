package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/followup-io/followup-operator/internal/senders"
)

// signingKey signs every bench channel's webhooks; the receiver checks each signature,
// as a real receiver would (and a bad one is counted, not accepted).
const signingKey = "bench-signing-key"

// receiver is the loopback webhook receiver every bench channel posts to. It notes when
// the first request for each lead arrived; a path under /slow/ answers after a delay.
// It logs nothing: bodies carry (synthetic) contact data.
type receiver struct {
	srv       *http.Server
	url       string
	slowDelay time.Duration

	mu       sync.Mutex
	first    map[string]time.Time // "ns/name" -> first request
	requests map[string]int       // namespace -> requests
	keys     map[string]int       // idempotency key -> requests
	badSigs  int
}

func startReceiver(slowDelay time.Duration) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rc := &receiver{url: "http://" + ln.Addr().String(), slowDelay: slowDelay,
		first: map[string]time.Time{}, requests: map[string]int{}, keys: map[string]int{}}
	rc.srv = &http.Server{Handler: rc, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = rc.srv.Serve(ln) }()
	return rc, nil
}

func (rc *receiver) close() { _ = rc.srv.Close() }

// channelURL is where a channel of namespace ns posts; slow ones wait slowDelay.
func (rc *receiver) channelURL(ns, channel string, slow bool) string {
	if slow {
		return rc.url + "/slow/" + ns + "/" + channel
	}
	return rc.url + "/fast/" + ns + "/" + channel
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if !senders.Verify([]byte(signingKey), r.Header.Get(senders.HeaderTimestamp), body, r.Header.Get(senders.HeaderSignature)) {
		rc.mu.Lock()
		rc.badSigs++
		rc.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var t senders.WebhookTouch
	if err := json.Unmarshal(body, &t); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	lead := t.Lead.Namespace + "/" + t.Lead.Name
	rc.mu.Lock()
	if _, seen := rc.first[lead]; !seen {
		rc.first[lead] = at
	}
	rc.requests[t.Lead.Namespace]++
	if k := r.Header.Get(senders.HeaderIdempotencyKey); k != "" {
		rc.keys[k]++
	}
	rc.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/slow/") {
		select {
		case <-time.After(rc.slowDelay):
		case <-r.Context().Done():
		}
	}
	w.WriteHeader(http.StatusOK)
}

// firstTouched is how many leads of namespace ns were reached at least once.
func (rc *receiver) firstTouched(ns string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for k := range rc.first {
		if strings.HasPrefix(k, ns+"/") {
			n++
		}
	}
	return n
}

// firstAt is when a lead's first request arrived.
func (rc *receiver) firstAt(ns, name string) (time.Time, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	t, ok := rc.first[ns+"/"+name]
	return t, ok
}

// lastFirst is the latest first arrival in namespace ns: when the last lead was reached.
func (rc *receiver) lastFirst(ns string) time.Time {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var last time.Time
	for k, t := range rc.first {
		if strings.HasPrefix(k, ns+"/") && t.After(last) {
			last = t
		}
	}
	return last
}

// waitFirstTouched waits until n leads of ns were reached or the timeout passes.
func (rc *receiver) waitFirstTouched(ns string, n int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for rc.firstTouched(ns) < n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// duplicates counts requests that repeated an idempotency key (receivers dedupe them;
// they cost a send all the same).
func (rc *receiver) duplicates() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	d := 0
	for _, n := range rc.keys {
		d += n - 1
	}
	return d
}
