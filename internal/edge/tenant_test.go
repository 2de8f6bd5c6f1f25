package edge_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/followup-io/followup-operator/internal/edge"
)

// TestEachTeamsCredentialsOpenOnlyItsNamespace: teams A and B each hold their own intake
// token and Google key in their namespace's Secret followup-edge. A team's token and
// key work in its namespace and nowhere else; the platform's token works in both; a
// rotated team token takes effect without a restart.
func TestEachTeamsCredentialsOpenOnlyItsNamespace(t *testing.T) {
	up(t)
	ctx := context.Background()
	secret := func(namespace, tok, key string) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: edge.TenantSecret, Namespace: namespace},
			Data: map[string][]byte{"intake-token": []byte(tok + "\n"), "google-key": []byte(key + "\n")}}
	}
	if err := env.Client.Create(ctx, secret(teamA, "team-a-token", "team-a-gkey")); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.Create(ctx, secret(teamB, "team-b-token", "team-b-gkey")); err != nil {
		t.Fatal(err)
	}
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	// An intake with no external id: 422 once authenticated, 401 when not.
	intake := func(namespace, tok string) int {
		code, _ := post(t, "/v1/namespaces/"+namespace+"/leads", map[string]any{}, bearer(tok))
		return code
	}
	lookup := func(namespace, tok string) int {
		code, _ := post(t, "/v1/namespaces/"+namespace+"/interactions", map[string]any{"id": "x", "kind": "note"}, bearer(tok))
		return code
	}
	// A Google lead for a campaign nobody has: 404 once the key is accepted, 403 when not.
	google := func(namespace, key string) (int, string) {
		code, b := post(t, "/v1/namespaces/"+namespace+"/google-ads", map[string]any{"lead_id": "t-1", "campaign_id": 1, "google_key": key}, nil)
		r, _ := b["reason"].(string)
		return code, r
	}
	for _, c := range []struct {
		namespace, tok string
		want           int
	}{
		{teamA, "team-a-token", 422}, {teamB, "team-a-token", 401}, {ns, "team-a-token", 401}, {"other", "team-a-token", 401},
		{teamB, "team-b-token", 422}, {teamA, "team-b-token", 401},
		{teamA, token, 422}, {teamB, token, 422},
	} {
		if got := intake(c.namespace, c.tok); got != c.want {
			t.Errorf("intake in %s with %s: %d, want %d", c.namespace, c.tok, got, c.want)
		}
	}
	if got := lookup(teamB, "team-a-token"); got != http.StatusUnauthorized {
		t.Errorf("team A's token on team B's interactions: %d", got)
	}
	if got := lookup(teamA, "team-a-token"); got != http.StatusUnprocessableEntity {
		t.Errorf("team A's token on its interactions: %d", got)
	}
	if code, reason := google(teamA, "team-a-gkey"); code != 404 || reason != "CampaignNotFound" {
		t.Errorf("team A's key in team A: %d %s", code, reason)
	}
	if code, reason := google(teamB, "team-a-gkey"); code != 403 || reason != "WrongGoogleKey" {
		t.Errorf("team A's key in team B: %d %s", code, reason)
	}
	if code, _ := google(teamB, googleKey); code != 404 {
		t.Errorf("the platform's key in team B: %d", code)
	}

	// Team A rotates its token.
	var s corev1.Secret
	if err := env.Client.Get(ctx, leadKeyOf(teamA, edge.TenantSecret), &s); err != nil {
		t.Fatal(err)
	}
	s.Data["intake-token"] = []byte("team-a-token-2\n")
	if err := env.Client.Update(ctx, &s); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for intake(teamA, "team-a-token-2") != 422 || intake(teamA, "team-a-token") != 401 {
		if time.Now().After(deadline) {
			t.Fatalf("rotated token: new %d, old %d", intake(teamA, "team-a-token-2"), intake(teamA, "team-a-token"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
