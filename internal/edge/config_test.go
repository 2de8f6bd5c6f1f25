package edge_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-logr/logr"

	"github.com/followup-io/followup-operator/internal/edge"
)

func TestLoadConfigReadsTheMountedSecret(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"intake-token":          "tok-new\r\n\n  tok-old  \n",
		"google-key":            "gk1\n",
		"whatsapp-app-secret":   "app-secret\n",
		"whatsapp-verify-token": "vt",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err := edge.LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := edge.Config{IntakeTokens: []string{"tok-new", "tok-old"}, GoogleKeys: []string{"gk1"},
		WhatsAppAppSecret: "app-secret", WhatsAppVerifyToken: "vt"}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("%+v", c)
	}
	if c, err := edge.LoadConfig(t.TempDir()); err != nil || len(c.IntakeTokens) != 0 || c.WhatsAppAppSecret != "" {
		t.Errorf("empty dir: %+v %v", c, err)
	}
	if _, err := edge.LoadConfig(filepath.Join(dir, "intake-token", "x")); err == nil {
		t.Error("an unreadable dir must fail")
	}
}

// TestUnconfiguredEndpointsAreClosed: no secret, no entry (503 with the reason), before
// anything else is looked at.
func TestUnconfiguredEndpointsAreClosed(t *testing.T) {
	closed := httptest.NewServer(&edge.Server{Log: logr.Discard()})
	defer closed.Close()
	for _, c := range []struct{ method, path string }{
		{http.MethodPost, "/v1/namespaces/edge/leads"},
		{http.MethodPost, "/v1/namespaces/edge/leads/x/interactions"},
		{http.MethodPost, "/v1/namespaces/edge/interactions"},
		{http.MethodPost, "/v1/namespaces/edge/google-ads"},
		{http.MethodPost, "/v1/whatsapp"},
		{http.MethodGet, "/v1/whatsapp?hub.mode=subscribe&hub.verify_token=&hub.challenge=1"},
	} {
		req, _ := http.NewRequest(c.method, closed.URL+c.path, strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer ")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s %s: %d", c.method, c.path, resp.StatusCode)
		}
	}
	if resp, err := http.Get(closed.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz: %v %v", resp, err)
	}
}
