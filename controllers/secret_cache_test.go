package controllers_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	testingclock "k8s.io/utils/clock/testing"

	"github.com/followup-io/followup-operator/controllers"
)

// TestSecretCacheKeepsACredentialForItsTTL: a burst of sends reads a channel's Secret
// once per TTL; a rotation is in use after the TTL; a deleted Secret is not served from
// memory once its entry expired, and a missing one is looked for again at once.
func TestSecretCacheKeepsACredentialForItsTTL(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	clk := testingclock.NewFakeClock(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
	c := &controllers.SecretCache{Reader: k8s, Clock: clk, TTL: 10 * time.Second}
	key := types.NamespacedName{Namespace: ns, Name: "hook"}

	if _, err := c.Data(ctx, key); !apierrors.IsNotFound(err) {
		t.Fatalf("a missing Secret: %v", err)
	}
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hook", Namespace: ns}, Data: map[string][]byte{"url": []byte("v1")}}
	if err := k8s.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	if d, err := c.Data(ctx, key); err != nil || string(d["url"]) != "v1" {
		t.Fatalf("created after a miss, found at once: %q %v", d["url"], err)
	}
	s.Data["url"] = []byte("v2")
	if err := k8s.Update(ctx, s); err != nil {
		t.Fatal(err)
	}
	clk.Step(5 * time.Second)
	if d, _ := c.Data(ctx, key); string(d["url"]) != "v1" {
		t.Fatalf("within the TTL the read copy serves: %q", d["url"])
	}
	clk.Step(6 * time.Second)
	if d, _ := c.Data(ctx, key); string(d["url"]) != "v2" {
		t.Fatalf("after the TTL the rotation is in use: %q", d["url"])
	}
	if err := k8s.Delete(ctx, s); err != nil {
		t.Fatal(err)
	}
	clk.Step(11 * time.Second)
	if _, err := c.Data(ctx, key); !apierrors.IsNotFound(err) {
		t.Fatalf("deleted: %v", err)
	}
}
