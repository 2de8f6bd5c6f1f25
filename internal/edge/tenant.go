package edge

import (
	"bufio"
	"bytes"
	"context"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// TenantSecret is the Secret, in a namespace the edge serves, that holds that
// namespace's own intake tokens and Google Ads keys (keys intake-token and google-key,
// one value per line). A platform team hands a sales team only its namespace's
// credentials: they open that namespace and no other. The files of --edge-config-dir
// stay the platform's own credentials, valid in every served namespace.
const TenantSecret = "followup-edge"

// tenantTTL is how long a namespace's credentials are reused before the Secret is read
// again (rotation takes effect within it).
const tenantTTL = 10 * time.Second

// tenantCreds are one namespace's credentials.
type tenantCreds struct {
	tokens, googleKeys, orderSecrets []string
}

type tenantEntry struct {
	creds tenantCreds
	at    time.Time
}

// tenants reads namespaces' TenantSecrets with get straight from the API server (the
// operator does not cache or list Secrets) and remembers them for tenantTTL; concurrent
// requests for one namespace share one read.
type tenants struct {
	mu      sync.Mutex
	entries map[string]tenantEntry
	group   singleflight.Group
}

// tenant is the credentials of namespace ns (none when it has no TenantSecret, or the
// edge may not read it). An error means the API server could not answer.
func (s *Server) tenant(ctx context.Context, ns string) (tenantCreds, error) {
	if s.Reader == nil || !s.allowed(ns) {
		return tenantCreds{}, nil
	}
	ttl := s.config().TenantSecretTTL
	if ttl <= 0 {
		ttl = tenantTTL
	}
	t := &s.tenants
	t.mu.Lock()
	e, ok := t.entries[ns]
	t.mu.Unlock()
	if ok && time.Since(e.at) < ttl {
		return e.creds, nil
	}
	v, err, _ := t.group.Do(ns, func() (any, error) {
		var sec corev1.Secret
		err := s.Reader.Get(ctx, leadKey(ns, TenantSecret), &sec)
		var c tenantCreds
		switch {
		case err == nil:
			c = tenantCreds{tokens: lines(sec.Data[fileIntakeToken]), googleKeys: lines(sec.Data[fileGoogleKey]),
				orderSecrets: lines(sec.Data[fileOrderSecret])}
		case apierrors.IsNotFound(err):
		case apierrors.IsForbidden(err):
			// The operator's RBAC does not reach this namespace's Secrets: the namespace
			// has no credentials of its own; said once per read, never the value.
			s.Log.Info("may not read the namespace's edge Secret", "namespace", ns, "secret", TenantSecret)
		default:
			return nil, err
		}
		t.mu.Lock()
		if t.entries == nil {
			t.entries = map[string]tenantEntry{}
		}
		t.entries[ns] = tenantEntry{creds: c, at: time.Now()}
		t.mu.Unlock()
		return c, nil
	})
	if err != nil {
		return tenantCreds{}, err
	}
	return v.(tenantCreds), nil
}

// lines are the non-empty trimmed lines of a secret value.
func lines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	return out
}
