package edge_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/followup-io/followup-operator/internal/actionlink"
	"github.com/followup-io/followup-operator/internal/edge"
)

// TestANamespacesOwnActionLinkKey: team B's Secret followup-edge holds action-link-key
// (two lines: the new key signs, the old one still verifies). Team B's links are checked
// against its keys only, never the platform's; other namespaces keep the platform key.
// A link that passes its check answers 404 for a lead that does not exist; one that
// fails, 403 BadSignature. The operator side signs team B's links with its new key.
func TestANamespacesOwnActionLinkKey(t *testing.T) {
	up(t)
	ctx := context.Background()
	const newKey, oldKey = "team-b-link-2026-12", "team-b-link-2026-06"
	var s corev1.Secret
	err := env.Client.Get(ctx, types.NamespacedName{Namespace: teamB, Name: edge.TenantSecret}, &s)
	created := apierrors.IsNotFound(err)
	switch {
	case created:
		s = corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: edge.TenantSecret, Namespace: teamB},
			Data: map[string][]byte{"action-link-key": []byte(newKey + "\n" + oldKey + "\n")}}
		err = env.Client.Create(ctx, &s)
	case err == nil:
		s.Data["action-link-key"] = []byte(newKey + "\n" + oldKey + "\n")
		err = env.Client.Update(ctx, &s)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer func() { // leave team B's Secret as other tests expect it
		var cur corev1.Secret
		if created {
			_ = env.Client.Delete(ctx, &s)
		} else if env.Client.Get(ctx, client.ObjectKeyFromObject(&s), &cur) == nil {
			delete(cur.Data, "action-link-key")
			_ = env.Client.Update(ctx, &cur)
		}
	}()
	signed := func(key, namespace string) string {
		b := actionlink.Builder{Base: srv.URL, Key: []byte(key), TTL: 24 * time.Hour}
		return b.ActionURL(namespace, "nobody-here", "abc123", actionlink.NoAnswer, now)
	}
	for _, c := range []struct {
		name, key, namespace string
		code                 int
		reason               string
	}{
		{"team B, its new key", newKey, teamB, http.StatusNotFound, "LeadNotFound"},
		{"team B, its old key (rotation)", oldKey, teamB, http.StatusNotFound, "LeadNotFound"},
		{"team B, the platform key", linkKey, teamB, http.StatusForbidden, "BadSignature"},
		{"team A, the platform key", linkKey, teamA, http.StatusNotFound, "LeadNotFound"},
		{"team A, team B's key", newKey, teamA, http.StatusForbidden, "BadSignature"},
	} {
		var code int
		var reason string
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if code, reason, _ = click(t, http.MethodPost, signed(c.key, c.namespace)); code == c.code && reason == c.reason {
				break // the Secret is cached for 100 ms
			}
		}
		if code != c.code || reason != c.reason {
			t.Errorf("%s: %d %s, want %d %s", c.name, code, reason, c.code, c.reason)
		}
	}

	// The operator's links: team B's signed with its new key, team A's with the platform's.
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sv, _, err := replica(rctx)
	if err != nil {
		t.Fatal(err)
	}
	src := actionlink.NewSource(srv.URL, time.Hour)
	src.SetKey([]byte(linkKey))
	src.SetNamespaceKey(sv.NamespaceLinkKey)
	if got := src.BuilderFor(ctx, teamB).Key; string(got) != newKey {
		t.Errorf("team B signs with %q, want its new key", got)
	}
	if got := src.BuilderFor(ctx, teamA).Key; string(got) != linkKey {
		t.Errorf("team A signs with %q, want the platform key", got)
	}
}
