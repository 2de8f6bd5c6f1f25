package indexes

import (
	"context"
	"fmt"

	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// informers is the manager's cache (mgr.GetFieldIndexer() is one).
type informers interface {
	GetInformer(ctx context.Context, obj client.Object, opts ...cache.InformerGetOption) (cache.Informer, error)
}

// namespacedIndex registers fn as the field index name of obj, keyed only by
// "<namespace>/<value>": what the cache's List looks up with client.InNamespace.
//
// controller-runtime's IndexField keys every value twice, by namespace and by
// "__all_namespaces/<value>" for lookups across namespaces. client-go keeps a set per
// distinct key, so for values nearly every lead has its own (email, external id,
// message ids, contact keys) the second key doubles the index: about 9 MiB at 10k
// leads. No lead lookup crosses namespaces; one that tried would find nothing.
// The index name and key form are controller-runtime's (FieldIndexName,
// KeyToNamespacedKey in pkg/cache/internal); TestLeadIndexesAnswerInNamespace holds
// them to it.
func namespacedIndex(ctx context.Context, idx client.FieldIndexer, obj client.Object, name string, fn client.IndexerFunc) error {
	src, ok := idx.(informers)
	if !ok {
		return fmt.Errorf("field index %s: %T is not an informer cache", name, idx)
	}
	inf, err := src.GetInformer(ctx, obj)
	if err != nil {
		return err
	}
	return inf.AddIndexers(toolscache.Indexers{"field:" + name: func(o any) ([]string, error) {
		co, ok := o.(client.Object)
		if !ok {
			return nil, fmt.Errorf("field index %s: %T is not an object", name, o)
		}
		vals := fn(co)
		keys := make([]string, len(vals))
		for i, v := range vals {
			keys[i] = co.GetNamespace() + "/" + v
		}
		return keys, nil
	}})
}
