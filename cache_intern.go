package main

import (
	"slices"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
)

// Interning: every lead decoded from a watch carries its own copy of strings that are
// the same across thousands of leads (the namespace, label values, condition types,
// reasons and messages, the policy, step, channel and template names). internLead points
// those fields of a cached lead at one shared copy. Values are unchanged, nothing is
// dropped, so whatever reads or writes the cached lead back sees exactly what was
// decoded; only the memory behind equal strings is shared.
//
// Only low-cardinality fields are interned, never contact data or ids, and the pool is
// bounded: when full it is emptied and fills again.

const (
	internMaxEntries = 1 << 16
	internMaxLen     = 256
)

// boundedPool shares one value per key. When full it is emptied and fills again:
// objects keep the values they point at, new ones share anew.
type boundedPool[V any] struct {
	mu  sync.Mutex
	max int
	m   map[string]V
}

func newBoundedPool[V any](max int) *boundedPool[V] {
	return &boundedPool[V]{max: max, m: map[string]V{}}
}

// get is the pool's value for key, made by mk when the pool has none.
func (p *boundedPool[V]) get(key string, mk func() V) V {
	p.mu.Lock()
	defer p.mu.Unlock()
	if v, ok := p.m[key]; ok {
		return v
	}
	if len(p.m) >= p.max {
		clear(p.m) // full (deadlines in messages are many): start over
	}
	v := mk()
	p.m[key] = v
	return v
}

var pool = newBoundedPool[string](internMaxEntries)

// internStr is the pool's copy of s; empty and long strings are not pooled.
func internStr(s string) string {
	if s == "" || len(s) > internMaxLen {
		return s
	}
	return pool.get(s, func() string { return s })
}

func intern[S ~string](s *S) {
	*s = S(internStr(string(*s)))
}

func internConditions(cs []metav1.Condition) {
	for i := range cs {
		intern(&cs[i].Type)
		intern(&cs[i].Reason)
		intern(&cs[i].Message)
		intern(&cs[i].Status)
	}
}

// internMeta interns the namespace of any object and shares its labels map with every
// cached object that has the same labels (labelSets).
func internMeta(o metav1.Object) {
	o.SetNamespace(internStr(o.GetNamespace()))
	if ls := o.GetLabels(); len(ls) > 0 {
		o.SetLabels(sharedLabels(ls))
	}
}

// Label sets: the leads of one intake carry the same few labels, and a map of two
// labels costs about 400 bytes, 4 MiB at 10k leads. Cached objects with equal labels
// point at one map. The cache hands out deep copies (Get, List), so no reader can write
// into the shared map; informer event handlers only read, as they must anyway.

const (
	labelSetMaxEntries = 1 << 12
	// labelSetMaxLen bounds the labels (keys and values, bytes) a set may have to be
	// shared; larger ones keep their own map.
	labelSetMaxLen = 1024
)

var labelSets = newBoundedPool[map[string]string](labelSetMaxEntries)

// sharedLabels is the pool's map equal to ls, a copy of ls with interned strings when
// the pool had none, or ls itself when it is too large to share.
func sharedLabels(ls map[string]string) map[string]string {
	key, ok := labelSetKey(ls)
	if !ok {
		return ls
	}
	return labelSets.get(key, func() map[string]string {
		m := make(map[string]string, len(ls))
		for k, v := range ls {
			m[internStr(k)] = internStr(v)
		}
		return m
	})
}

// labelSetKey is ls in one string, keys sorted; ok is false when ls is too large.
func labelSetKey(ls map[string]string) (string, bool) {
	n := 0
	keys := make([]string, 0, len(ls))
	for k, v := range ls {
		n += len(k) + len(v) + 2
		keys = append(keys, k)
	}
	if n > labelSetMaxLen {
		return "", false
	}
	slices.Sort(keys)
	var b strings.Builder
	b.Grow(n)
	for _, k := range keys {
		// Label keys and values cannot hold a NUL byte, so the key is unambiguous.
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(ls[k])
		b.WriteByte(0)
	}
	return b.String(), true
}

// internLead interns the repeated strings of a lead's spec and status.
func internLead(l *v1.Lead) {
	internMeta(l)
	s := &l.Spec
	intern(&s.Tier)
	intern(&s.Product)
	intern(&s.Owner)
	intern(&s.Policy)
	intern(&s.Contact.Country)
	intern(&s.Contact.Language)
	intern(&s.Contact.TimeZone)
	intern(&s.Source.Campaign)
	intern(&s.Source.AdGroup)
	intern(&s.Source.Keyword)
	intern(&s.Source.Region)
	intern(&s.Source.Form)
	if s.Value != nil {
		intern(&s.Value.Currency)
	}
	for i := range s.Interactions {
		internInteraction(&s.Interactions[i])
	}

	st := &l.Status
	internConditions(st.Conditions)
	intern(&st.Phase)
	intern(&st.Stage)
	intern(&st.Policy)
	intern(&st.StepsRevision)
	intern(&st.Owner)
	for i := range st.Touches {
		t := &st.Touches[i]
		intern(&t.Step)
		intern(&t.Channel)
		intern(&t.Template)
		intern(&t.Variant)
		intern(&t.Language)
		intern(&t.Result)
		intern(&t.PerformedBy)
		intern(&t.Message)
		for j := range t.FailedChannels {
			intern(&t.FailedChannels[j])
		}
	}
	intern(&st.FirstResponse.State)
	intern(&st.FirstResponse.Summary)
	intern(&st.FirstResponse.Clock)
	for i := range st.Interactions {
		internInteraction(&st.Interactions[i])
	}
	for i := range st.Notices {
		n := &st.Notices[i]
		intern(&n.Reason)
		intern(&n.Recipient)
		intern(&n.Channel)
		intern(&n.Result)
	}
}

func internInteraction(e *v1.InteractionEntry) {
	intern(&e.Kind)
	intern(&e.Medium)
	intern(&e.Direction)
	intern(&e.By)
}
