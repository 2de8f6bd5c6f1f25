// Command devreceiver stands in for the outside world in `make dev`: it receives the
// operator's webhook touches and chat messages on loopback, drops repeats of an
// Idempotency-Key the way a real receiver must, and prints one line per delivery
// (the demo's contacts are made up, so it prints the subject too).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:18090", "Address to listen on.")
	flag.Parse()
	var mu sync.Mutex
	seen := map[string]bool{}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "read error", http.StatusBadRequest)
			return
		}
		key := r.Header.Get("Idempotency-Key")
		mu.Lock()
		dup := key != "" && seen[key]
		seen[key] = true
		mu.Unlock()
		when := time.Now().Format("15:04:05")
		if dup {
			fmt.Printf("%s %-14s duplicate of %s ignored\n", when, r.URL.Path, key)
			w.WriteHeader(http.StatusOK)
			return
		}
		fmt.Printf("%s %-14s %s\n", when, r.URL.Path, summary(body))
		w.WriteHeader(http.StatusOK)
	})
	log.Printf("devreceiver listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// summary picks the fields worth a glance from a touch or a chat message.
func summary(body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return fmt.Sprintf("%d bytes", len(body))
	}
	if t, ok := m["text"].(string); ok { // Slack
		// Block Kit buttons (a rep's action links) as one line each, so the demo can
		// click one the way a rep would.
		if blocks, ok := m["blocks"].([]any); ok {
			t, _, _ = strings.Cut(t, "\nConnected: ") // the fallback text repeats the links
			for _, b := range blocks {
				els, _ := b.(map[string]any)["elements"].([]any)
				for _, e := range els {
					btn, _ := e.(map[string]any)
					label, _ := btn["text"].(map[string]any)["text"].(string)
					t += fmt.Sprintf("\n    button %q %v", label, btn["url"])
				}
			}
		}
		return t
	}
	out := ""
	for _, k := range []string{"lead", "step", "number", "subject"} {
		if v, ok := m[k]; ok {
			out += fmt.Sprintf("%s=%v ", k, v)
		}
	}
	if out == "" {
		return fmt.Sprintf("%d bytes", len(body))
	}
	return out
}
