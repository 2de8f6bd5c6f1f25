package controllers

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/followup-io/followup-operator/api/v1alpha1"
	"github.com/followup-io/followup-operator/internal/policy"
)

// LabelPolicyUID marks the ControllerRevisions that keep a policy's revisions (its UID:
// a policy's name may be longer than a label value).
const LabelPolicyUID = "followup.io/policy-uid"

// revisionsKept is how many revisions besides the stable and the candidate a policy
// keeps, so a rollback by reverting the spec a few edits back finds its revision.
const revisionsKept = 3

// PolicyRevisions keeps each policy revision's spec in an immutable ControllerRevision
// (apps/v1) named <policy>-<revision>, owned by the policy, and reads it back. Reads go
// to Reader, an uncached client, so the operator holds no informer over every
// ControllerRevision of the cluster (StatefulSets and DaemonSets have them too); a
// revision never changes, so a spec once read is kept in memory by name.
type PolicyRevisions struct {
	Client client.Client
	Reader client.Reader

	mu    sync.Mutex
	specs map[types.NamespacedName]*v1.FollowUpPolicySpec
}

// NewPolicyRevisions writes through c and reads through r (nil: c).
func NewPolicyRevisions(c client.Client, r client.Reader) *PolicyRevisions {
	if r == nil {
		r = c
	}
	return &PolicyRevisions{Client: c, Reader: r}
}

// maxSpecsKept bounds the memory of read specs; past it the memory starts over.
const maxSpecsKept = 512

// Spec is the spec of a policy's revision. A missing ControllerRevision is a NotFound
// error.
func (s *PolicyRevisions) Spec(ctx context.Context, namespace, policyName, rev string) (*v1.FollowUpPolicySpec, error) {
	key := types.NamespacedName{Namespace: namespace, Name: policy.RevisionName(policyName, rev)}
	s.mu.Lock()
	spec, ok := s.specs[key]
	s.mu.Unlock()
	if ok {
		return spec, nil
	}
	var cr appsv1.ControllerRevision
	if err := s.Reader.Get(ctx, key, &cr); err != nil {
		return nil, err
	}
	spec = &v1.FollowUpPolicySpec{}
	if err := json.Unmarshal(cr.Data.Raw, spec); err != nil {
		return nil, fmt.Errorf("ControllerRevision %s holds no policy spec: %w", key.Name, err)
	}
	s.mu.Lock()
	if s.specs == nil || len(s.specs) >= maxSpecsKept {
		s.specs = map[types.NamespacedName]*v1.FollowUpPolicySpec{}
	}
	s.specs[key] = spec
	s.mu.Unlock()
	return spec, nil
}

// Exists asks the API server (never the memory) whether a revision is still stored:
// someone may have deleted it by hand.
func (s *PolicyRevisions) Exists(ctx context.Context, namespace, policyName, rev string) (bool, error) {
	var cr appsv1.ControllerRevision
	err := s.Reader.Get(ctx, types.NamespacedName{Namespace: namespace, Name: policy.RevisionName(policyName, rev)}, &cr)
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// Ensure stores the policy's spec as revision rev unless it is stored already; created
// says whether it was. The revision number continues the policy's sequence.
func (s *PolicyRevisions) Ensure(ctx context.Context, p *v1.FollowUpPolicy, rev string) (created bool, err error) {
	if ok, err := s.Exists(ctx, p.Namespace, p.Name, rev); ok || err != nil {
		return false, err
	}
	list, err := s.list(ctx, p)
	if err != nil {
		return false, err
	}
	number := int64(1)
	for _, cr := range list {
		number = max(number, cr.Revision+1)
	}
	raw, err := json.Marshal(policy.RevisionSpec(&p.Spec))
	if err != nil {
		return false, err
	}
	cr := &appsv1.ControllerRevision{
		ObjectMeta: metav1.ObjectMeta{Name: policy.RevisionName(p.Name, rev), Namespace: p.Namespace,
			Labels: map[string]string{LabelPolicyUID: string(p.UID)},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(p,
				v1.GroupVersion.WithKind("FollowUpPolicy"))}},
		Data:     runtime.RawExtension{Raw: raw},
		Revision: number,
	}
	if err := s.Client.Create(ctx, cr); err != nil && !apierrors.IsAlreadyExists(err) {
		return false, err
	}
	return true, nil
}

// Prune deletes the policy's revisions beyond the stable, the candidate and the
// revisionsKept newest others.
func (s *PolicyRevisions) Prune(ctx context.Context, p *v1.FollowUpPolicy, keep ...string) (int, error) {
	list, err := s.list(ctx, p)
	if err != nil {
		return 0, err
	}
	kept := map[string]bool{}
	for _, rev := range keep {
		kept[policy.RevisionName(p.Name, rev)] = true
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Revision > list[j].Revision })
	others, deleted := 0, 0
	for i := range list {
		if kept[list[i].Name] {
			continue
		}
		if others < revisionsKept {
			others++
			continue
		}
		if err := s.Client.Delete(ctx, &list[i]); client.IgnoreNotFound(err) != nil {
			return deleted, err
		}
		deleted++
	}
	return deleted, nil
}

// list is the policy's stored revisions (owned by this very policy, not a deleted one
// of the same name).
func (s *PolicyRevisions) list(ctx context.Context, p *v1.FollowUpPolicy) ([]appsv1.ControllerRevision, error) {
	var list appsv1.ControllerRevisionList
	if err := s.Reader.List(ctx, &list, client.InNamespace(p.Namespace), client.MatchingLabels{LabelPolicyUID: string(p.UID)}); err != nil {
		return nil, err
	}
	var out []appsv1.ControllerRevision
	for _, cr := range list.Items {
		if metav1.IsControlledBy(&cr, p) {
			out = append(out, cr)
		}
	}
	return out, nil
}
