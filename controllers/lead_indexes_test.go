package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/indexes"
)

// TestLeadIndexesAnswerInNamespace: the lead indexes, keyed by namespace only
// (indexes.namespacedIndex), find a lead through the manager's cache in its namespace
// and not in another, by every kind of value: spec fields, an email's contact key, a
// number's digits; and they hold no all-namespaces key.
func TestLeadIndexesAnswerInNamespace(t *testing.T) {
	ns, other := newNamespace(t), newNamespace(t)
	l := &v1.Lead{ObjectMeta: metav1.ObjectMeta{Name: "indexed", Namespace: ns}, Spec: v1.LeadSpec{
		Contact: v1.Contact{Name: "Index Check", Email: "Index.Check@Example.com", Phone: "+49301234567"},
		Source:  v1.LeadSource{Campaign: "spring", ExternalID: "web-000042"},
		Policy:  "industrial",
	}}
	if err := k8s.Create(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	lookups := map[string]client.MatchingFields{
		"campaign":    {indexes.LeadCampaign: "spring"},
		"policy":      {indexes.LeadPolicy: "industrial"},
		"external id": {indexes.LeadExternalID: "web-000042"},
		"email":       {indexes.LeadContactKey: indexes.EmailKey(" index.check@example.COM ")},
		"number":      {indexes.LeadNumber: "49301234567"},
	}
	for what, match := range lookups {
		eventually(t, 10*time.Second, func() string {
			var list v1.LeadList
			if err := cached.List(context.Background(), &list, client.InNamespace(ns), match); err != nil {
				return err.Error()
			}
			if len(list.Items) != 1 || list.Items[0].Name != l.Name {
				return fmt.Sprintf("by %s in its namespace: %d leads, want the one", what, len(list.Items))
			}
			return ""
		})
		var list v1.LeadList
		if err := cached.List(context.Background(), &list, client.InNamespace(other), match); err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 0 {
			t.Errorf("by %s in another namespace: %d leads, want none", what, len(list.Items))
		}
	}
	// And the index holds the namespaced key only: no second, all-namespaces key per value.
	inf, err := managerCache.GetInformer(context.Background(), &v1.Lead{})
	if err != nil {
		t.Fatal(err)
	}
	indexer := inf.(interface{ GetIndexer() toolscache.Indexer }).GetIndexer()
	for _, name := range []string{indexes.LeadExternalID, indexes.LeadContactKey, indexes.LeadNumber, indexes.LeadCampaign} {
		vals := indexer.ListIndexFuncValues("field:" + name)
		if len(vals) == 0 {
			t.Errorf("index %s holds nothing", name)
		}
		for _, v := range vals {
			if strings.HasPrefix(v, "__all_namespaces/") {
				t.Errorf("index %s holds the all-namespaces key %q", name, v)
				break
			}
		}
	}

	var list v1.LeadList
	if err := cached.List(context.Background(), &list, client.InNamespace(ns),
		client.MatchingFields{indexes.LeadContactKey: indexes.EmailKey("not an address")}); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 0 {
		t.Errorf("something that is not an address found %d leads", len(list.Items))
	}
}
