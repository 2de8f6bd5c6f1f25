package controllers_test

import (
	"context"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	testingclock "k8s.io/utils/clock/testing"

	"github.com/followup-io/followup-operator/internal/secrets"
)

// TestSecretCacheKeepsACredentialForItsTTL: a burst of sends reads a channel's Secret
// once per TTL; a missing Secret is missing for at most the TTL, a rotation is in use
// after it, and a deleted Secret is not served from memory once its entry expired.
func TestSecretCacheKeepsACredentialForItsTTL(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	clk := testingclock.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	c := &secrets.Cache{Reader: k8s, Clock: clk, TTL: 10 * time.Second}
	key := types.NamespacedName{Namespace: ns, Name: "hook"}

	if _, err := c.Get(ctx, key); !apierrors.IsNotFound(err) {
		t.Fatalf("a missing Secret: %v", err)
	}
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: ns}, Data: map[string][]byte{"url": []byte("v1")}}
	if err := k8s.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, key); !apierrors.IsNotFound(err) {
		t.Fatal("within the TTL the miss is kept: one read per TTL, also for namespaces without the Secret")
	}
	clk.Step(11 * time.Second)
	if d, err := c.Get(ctx, key); err != nil || string(d["url"]) != "v1" {
		t.Fatalf("created after a miss, found after the TTL: %q %v", d["url"], err)
	}
	s.Data["url"] = []byte("v2")
	if err := k8s.Update(ctx, s); err != nil {
		t.Fatal(err)
	}
	clk.Step(5 * time.Second)
	if d, _ := c.Get(ctx, key); string(d["url"]) != "v1" {
		t.Fatalf("within the TTL the read copy serves: %q", d["url"])
	}
	clk.Step(6 * time.Second)
	if d, _ := c.Get(ctx, key); string(d["url"]) != "v2" {
		t.Fatalf("after the TTL the rotation is in use: %q", d["url"])
	}
	if err := k8s.Delete(ctx, s); err != nil {
		t.Fatal(err)
	}
	clk.Step(11 * time.Second)
	if _, err := c.Get(ctx, key); !apierrors.IsNotFound(err) {
		t.Fatalf("deleted: %v", err)
	}
}
