package edge

import (
	"bufio"
	"bytes"
	"context"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/followup-io/followup-operator/internal/secrets"
)

// TenantSecret is the Secret, in a namespace the edge serves, that holds that
// namespace's own intake tokens and Google Ads keys (keys intake-token and google-key,
// one value per line). A platform team hands a sales team only its namespace's
// credentials: they open that namespace and no other. The files of --edge-config-dir
// stay the platform's own credentials, valid in every served namespace.
const TenantSecret = "followup-edge"

// tenantCreds are one namespace's credentials.
type tenantCreds struct {
	tokens, googleKeys, orderSecrets []string
	// actionLinkKeys sign the namespace's action links instead of the platform's keys
	// (the first signs, all verify: rotation as for the platform file).
	actionLinkKeys []string
}

// tenant is the credentials of namespace ns (none when it has no TenantSecret, or the
// edge may not read it). An error means the API server could not answer. The Secret is
// read through a secrets.Cache (reused for the config's TenantSecretTTL, default 10 s,
// so a rotation takes effect within it).
func (s *Server) tenant(ctx context.Context, ns string) (tenantCreds, error) {
	if s.Reader == nil || !s.allowed(ns) {
		return tenantCreds{}, nil
	}
	s.tenantsOnce.Do(func() {
		// Real time: credentials expire by the wall clock, whatever clock leads use.
		s.tenants = &secrets.Cache{Reader: s.Reader, TTL: s.config().TenantSecretTTL}
	})
	data, err := s.tenants.Get(ctx, leadKey(ns, TenantSecret))
	switch {
	case apierrors.IsNotFound(err):
		return tenantCreds{}, nil
	case apierrors.IsForbidden(err):
		// The operator's RBAC does not reach this namespace's Secrets: the namespace has
		// no credentials of its own (the answer is kept for the TTL, so this is said at
		// most once per TTL); never the value.
		s.Log.V(1).Info("may not read the namespace's edge Secret", "namespace", ns, "secret", TenantSecret)
		return tenantCreds{}, nil
	case err != nil:
		return tenantCreds{}, err
	}
	return tenantCreds{tokens: lines(data[fileIntakeToken]), googleKeys: lines(data[fileGoogleKey]),
		orderSecrets: lines(data[fileOrderSecret]), actionLinkKeys: lines(data[fileActionLinkKey])}, nil
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
