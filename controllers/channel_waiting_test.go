package controllers_test

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/controllers"
)

// TestChannelWaitingCountsPendingTouchesPerChannel: the counts follow each lead's
// pending touches through adds, updates and deletes, per channel of its namespace.
func TestChannelWaitingCountsPendingTouchesPerChannel(t *testing.T) {
	w := controllers.NewChannelWaiting()
	h := w.Handler()
	lead := func(uid, ns string, touches ...v1.TouchRecord) *v1.Lead {
		return &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: uid, Namespace: ns, UID: types.UID(uid)},
			Status: v1.LeadStatus{Touches: touches}}
	}
	pending := func(ch string) v1.TouchRecord { return v1.TouchRecord{Channel: ch, Result: v1.TouchPending} }
	sent := func(ch string) v1.TouchRecord { return v1.TouchRecord{Channel: ch, Result: v1.TouchSent} }
	key := func(ns, ch string) types.NamespacedName { return types.NamespacedName{Namespace: ns, Name: ch} }
	want := func(step string, counts map[types.NamespacedName]int) {
		t.Helper()
		for k, n := range counts {
			if got := w.Waiting(k); got != n {
				t.Errorf("%s: %s waiting %d, want %d", step, k, got, n)
			}
		}
	}

	a := lead("a", "sales", pending("hook"), pending("hook"), pending("mail"))
	b := lead("b", "sales", pending("hook"))
	c := lead("c", "other", pending("hook"))
	h.OnAdd(a, false)
	h.OnAdd(b, false)
	h.OnAdd(c, false)
	want("added", map[types.NamespacedName]int{key("sales", "hook"): 3, key("sales", "mail"): 1, key("other", "hook"): 1})

	a2 := lead("a", "sales", sent("hook"), pending("hook"), sent("mail"))
	h.OnUpdate(a, a2)
	want("a sent two", map[types.NamespacedName]int{key("sales", "hook"): 2, key("sales", "mail"): 0, key("other", "hook"): 1})

	h.OnDelete(toolscache.DeletedFinalStateUnknown{Key: "sales/b", Obj: b})
	h.OnDelete(a2)
	want("deleted", map[types.NamespacedName]int{key("sales", "hook"): 0, key("other", "hook"): 1})
}
