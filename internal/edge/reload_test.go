package edge_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"

	"github.com/followup-io/followup-operator/internal/edge"
)

// secretVolume lays files out as the kubelet does for a Secret volume: the data in a
// timestamped directory, ..data a symlink to it, each key a symlink through ..data.
// Updating swaps ..data atomically (a rename over it), as the kubelet does.
type secretVolume struct {
	t   *testing.T
	dir string
	gen int
}

func (v *secretVolume) write(files map[string]string) {
	v.t.Helper()
	v.gen++
	data := filepath.Join(v.dir, "..2026_11_23_"+string(rune('a'+v.gen)))
	if err := os.Mkdir(data, 0o755); err != nil {
		v.t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(data, name), []byte(content), 0o600); err != nil {
			v.t.Fatal(err)
		}
		link := filepath.Join(v.dir, name)
		if _, err := os.Lstat(link); err != nil {
			if err := os.Symlink(filepath.Join("..data", name), link); err != nil {
				v.t.Fatal(err)
			}
		}
	}
	tmp := filepath.Join(v.dir, "..data_tmp")
	if err := os.Symlink(filepath.Base(data), tmp); err != nil {
		v.t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(v.dir, "..data")); err != nil {
		v.t.Fatal(err)
	}
}

// TestRotatedSecretsTakeEffectWithoutRestart: the edge's secrets are a mounted Secret;
// rotating the intake token, adding a Google key and removing the WhatsApp verify token
// take effect while the edge runs, and the log names what changed, never a value.
func TestRotatedSecretsTakeEffectWithoutRestart(t *testing.T) {
	vol := &secretVolume{t: t, dir: t.TempDir()}
	vol.write(map[string]string{"intake-token": "tok-one\n", "whatsapp-verify-token": "vt-one"})
	cfg, err := edge.LoadConfig(vol.dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Namespaces = []string{"served"}
	var log strings.Builder
	logger := funcr.New(func(p, a string) { log.WriteString(p + " " + a + "\n") }, funcr.Options{})
	s := &edge.Server{Log: logger, Config: cfg}
	hs := httptest.NewServer(s)
	defer hs.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = (&edge.SecretsWatcher{Dir: vol.dir, Server: s, Interval: 20 * time.Millisecond, Log: logger}).Start(ctx)
		close(done)
	}()

	// status is the answer to a request that needs no API server: the token check of an
	// intake for a namespace the edge does not serve (403 once authenticated), the Google
	// endpoint (503 while no key exists), the WhatsApp handshake.
	status := func(method, path, token string) int {
		req, _ := http.NewRequest(method, hs.URL+path, strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	intake := func(tok string) int { return status(http.MethodPost, "/v1/namespaces/not-served/leads", tok) }
	google := func() int { return status(http.MethodPost, "/v1/namespaces/served/google-ads", "") }
	handshake := func() int {
		return status(http.MethodGet, "/v1/whatsapp?hub.mode=subscribe&hub.verify_token=vt-one&hub.challenge=1", "")
	}
	if intake("tok-one") != 403 || intake("tok-two") != 401 || google() != 503 || handshake() != 200 {
		t.Fatalf("before: %d %d %d %d", intake("tok-one"), intake("tok-two"), google(), handshake())
	}

	vol.write(map[string]string{"intake-token": "tok-two\n", "google-key": "gk-new\n"})
	deadline := time.Now().Add(10 * time.Second)
	for intake("tok-two") != 403 || intake("tok-one") != 401 || google() == 503 || handshake() != 503 {
		if time.Now().After(deadline) {
			t.Fatalf("after rotation: %d %d %d %d", intake("tok-two"), intake("tok-one"), google(), handshake())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	out := log.String()
	if !strings.Contains(out, "edge secrets reloaded") || !strings.Contains(out, `"intake-token"`) || !strings.Contains(out, `"google-key"`) {
		t.Errorf("log: %s", out)
	}
	for _, secret := range []string{"tok-one", "tok-two", "gk-new", "vt-one"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds the secret %q", secret)
		}
	}
}
